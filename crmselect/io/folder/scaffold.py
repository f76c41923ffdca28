"""Start a tender: a new folder with an ``evaluation.yaml`` built from a bundled catalogue.

:func:`new_tender` writes, into a folder that does not exist yet or is empty::

    my-tender/
      evaluation.yaml          the chosen criteria groups with the catalogue's weights, their
                               requirements, the vendors and the panel; every other section
                               written out as a comment saying what it is for
      evaluation.schema.json   the published format (crmselect.io.folder.json_schema), named
                               on the file's first line so that editors check and complete it

The file is built as text (with comments and in the committee's order, which a YAML dumper
would lose) and loaded back with :func:`crmselect.load_tender`; when the loader refuses it
(a bad id, a vendor named twice), both files are removed again and the problems raised, so
that a folder is never left with a file that the loader refuses. It is ready for
``crmselect template`` (the RFP workbooks) and ``crmselect workshop``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from crmselect.catalog import Catalog, did_you_mean
from crmselect.errors import CrmselectError, InputFileError, Problem, ValidationError
from crmselect.io.excel.xlsx import replace_atomically
from crmselect.io.folder.catalog import load_catalog
from crmselect.io.folder.evaluation import FILE_NAME, SCHEMA
from crmselect.io.folder.json_schema import FILE_NAMES, schema_text
from crmselect.io.folder.tender import load_tender
from crmselect.model import Criterion

SCHEMA_FILE = FILE_NAMES["evaluation"]


@attrs.frozen
class Member:
    """A vendor or a member of the panel, as the scaffold writes it: ``id``, ``name`` and,
    for the panel, a ``role``."""

    id: str
    name: str = ""
    role: str = ""

    @classmethod
    def parse(cls, text: str) -> Member:
        """``id``, ``id=Name`` or ``id=Name:Role`` (as the CLI's ``--vendor`` and
        ``--evaluator`` take them): ``helix=Helix CRM``, ``it=Ana Ruiz:IT architect``."""
        ident, _, rest = text.partition("=")
        name, _, role = rest.partition(":")
        return cls(ident.strip(), name.strip(), role.strip())


def new_tender(
    folder: str | Path,
    *,
    name: str,
    catalog: str = "crm-core",
    groups: Sequence[str] | None = None,
    vendors: Sequence[Member | str] = (),
    evaluators: Sequence[Member | str] = (),
) -> Path:
    """Scaffold a tender in ``folder`` (new, or empty) and return its ``evaluation.yaml``.

    ``catalog`` is a bundled catalogue's name or a catalogue file; ``groups`` the ids of its
    top-level criteria to evaluate (all when ``None``), each with its sub-criteria, the
    catalogue's weights and all its requirements. ``vendors`` and ``evaluators``:
    :class:`Member`, or text as :meth:`Member.parse` reads it (``"it=Ana Ruiz:CIO"``). Raises
    :class:`~crmselect.errors.InputFileError` naming each problem — an unknown group, a bad
    id, a folder already in use — and writes nothing then.
    """
    target = Path(folder)
    _check_folder(target)
    source = load_catalog(catalog)
    chosen = _groups(source, groups)
    reference = catalog if Path(catalog).suffix == "" else str(Path(catalog).resolve())
    text = evaluation_text(name, reference, chosen, _members_of(vendors), _members_of(evaluators))
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    file = target / FILE_NAME
    replace_atomically(target / SCHEMA_FILE, lambda tmp: _write(tmp, schema_text("evaluation")))
    replace_atomically(file, lambda tmp: _write(tmp, text))
    try:
        load_tender(target)
    except (InputFileError, ValidationError) as exc:
        _remove(target, created)
        raise InputFileError(f"Cannot start a tender in {target}", exc.problems) from None
    return file


def _remove(target: Path, created: bool) -> None:
    """Undo a scaffold the loader refused: its two files, and the folder if it was new."""
    for name in (FILE_NAME, SCHEMA_FILE):
        (target / name).unlink(missing_ok=True)
    if created:
        target.rmdir()


def _members_of(given: Sequence[Member | str]) -> list[Member]:
    return [m if isinstance(m, Member) else Member.parse(m) for m in given]


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def _check_folder(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InputFileError(
            f"Cannot start a tender in {target}", [Problem(str(target), "is a file, not a folder")]
        )
    if target.is_dir() and any(target.iterdir()):
        raise InputFileError(
            f"Cannot start a tender in {target}",
            [Problem(str(target), "the folder is not empty; give a new or an empty folder")],
        )


def _groups(catalog: Catalog, wanted: Sequence[str] | None) -> list[Criterion]:
    """The catalogue's top-level criteria named in ``wanted`` (in the catalogue's order), or
    all of them; an unknown id is an error naming the known ones."""
    tops = {c.id: c for c in catalog.criteria}
    if wanted is None:
        return list(catalog.criteria)
    unknown = [g for g in wanted if g not in tops]
    if unknown:
        raise InputFileError(
            f"Cannot start a tender from catalogue {catalog.name!r}",
            [
                Problem(
                    f"catalogue {catalog.name!r}",
                    f"no criteria group {g!r}{did_you_mean(g, tops)} (groups: {', '.join(tops)})",
                )
                for g in unknown
            ],
        )
    if not wanted:
        raise CrmselectError("Choose at least one criteria group")
    return [c for c in catalog.criteria if c.id in set(wanted)]


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _criterion_lines(criterion: Criterion, indent: int) -> list[str]:
    pad = " " * indent
    name = " ".join(criterion.name.split())  # a comment ends at a line break
    lines = [f"{pad}- id: {criterion.id}    # {name}", f"{pad}  weight: {criterion.weight:g}"]
    if criterion.children:
        lines.append(f"{pad}  children:")
        for child in criterion.children:
            lines += _criterion_lines(child, indent + 4)
    return lines


def _members(key: str, members: Iterable[Member], *, roles: bool) -> list[str]:
    lines = [f"{key}:"]
    for m in members:
        fields = [f"id: {_quoted(m.id)}", f"name: {_quoted(m.name or m.id)}"]
        if roles and m.role:
            fields.append(f"role: {_quoted(m.role)}")
        lines.append(f"  - {{{', '.join(fields)}}}")
    return lines if len(lines) > 1 else [f"{key}: []"]


LATER = """
# --- Sections to add as the tender goes on (remove the '# ' to use one) -----------------
# demo_scripts:                 # scripted demos, scored by the panel (crmselect scoring-sheets)
#   - {id: D1, title: Lead to order, criteria: [sfa], minutes: 45}
# response_workbooks: [returned/*.xlsx]   # the vendors' returned RFP workbooks
# weighting_workbooks: [workshop/*.xlsx]  # the panel's pairwise comparisons (crmselect workshop)
# scoring_sheets: [scores/*.xlsx]         # the panel's returned demo scoring sheets
# scoring:
#   missing: zero               # an unanswered requirement scores 0 (or: ignore)
#   demo_share: 0.5             # demo scores' share of a criterion that has demos
# price: {criterion: price, method: budget, budget: 1600000}   # price as a scored criterion
# costs: {...}                  # cost assumptions for TCO, NPV and the business case
""".lstrip("\n")


def evaluation_text(
    name: str,
    catalog: str,
    groups: Sequence[Criterion],
    vendors: Sequence[Member],
    evaluators: Sequence[Member],
) -> str:
    """The text of a new ``evaluation.yaml`` (see the module docstring)."""
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        "# A tender started with `crmselect new`. Edit the weights and the lists below, then",
        "# run `crmselect template` to make each vendor's RFP workbook.",
        f"schema: {SCHEMA}",
        f"name: {_quoted(name)}",
        f"catalog: {_quoted(catalog)}",
        "criteria:                     # weights are relative within each group",
    ]
    for group in groups:
        lines += _criterion_lines(group, 2)
    lines += [
        "requirements:",
        f"  catalog: [{', '.join(g.id for g in groups)}]   # every requirement of these groups",
        "  # overrides: {SEC-004: {priority: must, mandatory: true}}",
        "  # custom: [{id: OWN-001, criterion: sfa, priority: must, text: ...}]",
    ]
    lines += _members("vendors", vendors, roles=False)
    lines += _members("evaluators", evaluators, roles=True)
    return "\n".join(lines) + "\n\n" + LATER
