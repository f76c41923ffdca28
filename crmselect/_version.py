"""The package version, read by the build backend (``[tool.hatch.version]``)."""

__version__ = "0.1.0"
