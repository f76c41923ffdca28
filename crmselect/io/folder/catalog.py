"""Catalogue files: list the bundled catalogues and read a catalogue YAML file.

``crmselect.catalogs()`` names the bundled catalogues, ``crmselect.load_catalog(name or
path)`` reads one (schema :data:`SCHEMA`, read with the folder's YAML reader) into a
:class:`~crmselect.catalog.Catalog`.
"""

from __future__ import annotations

from pathlib import Path

from crmselect._resources import data_path
from crmselect.catalog import Catalog, did_you_mean
from crmselect.errors import CrmselectError, InputFileError, ValidationError
from crmselect.io.folder.schema import parse_criteria, parse_requirement
from crmselect.io.folder.yamlfile import Reader, is_file, read_yaml, shorten

SCHEMA = "crmselect.catalog/1"


def catalogs() -> tuple[str, ...]:
    """Names of the bundled catalogues, sorted.

    >>> "crm-core" in catalogs() and "partner" in catalogs()
    True
    """
    return tuple(sorted(p.stem for p in data_path("criteria").glob("*.yaml")))


def load_catalog(name_or_path: str | Path) -> Catalog:
    """A bundled catalogue by name (``"crm-core"``) or a catalogue YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix and not is_file(path):
        path = data_path("criteria") / f"{name_or_path}.yaml"
        if not is_file(path):
            raise CrmselectError(
                f"No bundled catalogue {shorten(str(name_or_path))!r}"
                f"{did_you_mean(str(name_or_path), catalogs())} (available: "
                f"{', '.join(catalogs())}; or give the path of a catalogue file)"
            )
    return _parse_catalog(path)


def _parse_catalog(path: Path) -> Catalog:
    reader = Reader()
    root = read_yaml(path)
    fields = reader.top(
        root,
        f"{path} is not a catalogue",
        required=("schema", "name", "criteria", "requirements"),
        optional=("title", "version", "description"),
    )
    if "schema" in fields and reader.text(fields["schema"]) != SCHEMA:
        reader.fail(fields["schema"], f"expected schema {SCHEMA!r}")
    criteria = parse_criteria(reader, fields.get("criteria"))
    requirements = [
        r
        for item in reader.sequence(fields.get("requirements"))
        if (r := parse_requirement(reader, item)) is not None
    ]
    reader.raise_if_problems(f"Cannot read catalogue {path}")
    try:
        return Catalog(
            name=reader.text(fields.get("name")),
            title=reader.text(fields.get("title")),
            version=reader.text(fields.get("version")),
            description=reader.text(fields.get("description")),
            criteria=criteria,
            requirements=requirements,
            origin=str(path),
        )
    except ValidationError as exc:
        raise InputFileError(f"Invalid catalogue {path}", exc.problems) from None
