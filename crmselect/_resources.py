"""Where the bundled data lives: inside the installed wheel, or in a source checkout.

The wheel maps the repository's top-level ``criteria/`` and ``examples/northwind/`` into
``crmselect/_data/`` (see ``[tool.hatch.build.targets.wheel.force-include]``). An editable
install runs from the checkout, where they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(relative: str) -> Path:
    """The bundled ``relative`` folder (``"criteria"``, ``"examples/northwind"``)."""
    installed = _PACKAGE / "_data" / relative
    return installed if installed.exists() else _PACKAGE.parent / relative
