"""The files a tender gets back, named in ``evaluation.yaml`` and read into its evaluation.

``weighting_workbooks`` (members' pairwise comparisons, :mod:`crmselect.io.forms.workshop`),
``scoring_sheets`` (evaluators' demo scores, :mod:`crmselect.io.forms.demo_sheets`) and
``response_workbooks`` (vendors' RFP answers and prices, :mod:`crmselect.io.forms.rfp_response`)
each take one entry or a list of paths or glob patterns (:func:`returned_paths`).

:func:`import_returns` reads them in that order. Every handed-out form is checked against
the **award basis** it was made from — the evaluation with the committee's judgements
(those of the workshops included) turned into weights, as ``crmselect template``,
``scoring-sheets`` and ``workshop`` write them — while what the files say is added to the
evaluation as written: loading computes nothing into the tender
(:func:`crmselect.tender.derive` does, as an explicit step).

Every returned file must be signed with the tender folder's key
(:mod:`crmselect.io.folder.key`, :mod:`crmselect.io.forms.meta`), and each member, evaluator
and vendor may return one file of a kind: a second is refused, naming both.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import attrs

from crmselect.errors import InputFileError, Problem
from crmselect.io.folder.key import TenderKey
from crmselect.io.folder.yamlfile import Reader, YNode, is_dir, is_file, shorten
from crmselect.io.forms.demo_sheets import read_scoring_sheets
from crmselect.io.forms.reading import read_each
from crmselect.io.forms.rfp_response import read_response
from crmselect.io.forms.workshop import read_workshop
from crmselect.model import Evaluation
from crmselect.tender import derive_weights

T = TypeVar("T")


@attrs.frozen
class Returns:
    """The returned files an ``evaluation.yaml`` names, by kind."""

    workshops: list[Path] = attrs.Factory(list)
    sheets: list[Path] = attrs.Factory(list)
    workbooks: list[Path] = attrs.Factory(list)

    def __bool__(self) -> bool:
        """Whether the evaluation names any returned file."""
        return bool(self.workshops or self.sheets or self.workbooks)


def import_returns(evaluation: Evaluation, returns: Returns, *, key: TenderKey) -> Evaluation:
    """``evaluation`` with what the returned files add: the members' judgements, the
    evaluators' demo scores, the vendors' answers and pricing (see the module docstring).
    Every file must be signed with the tender's ``key``; a second file of one member,
    evaluator or vendor is refused, naming both files."""
    if returns.workshops:
        evaluation = _import_workshops(evaluation, returns.workshops, key)
    basis = derive_weights(evaluation)
    if returns.sheets:
        evaluation = _import_scoring_sheets(evaluation, basis, returns.sheets, key)
    if returns.workbooks:
        evaluation = _import_workbooks(evaluation, basis, returns.workbooks, key)
    return evaluation


def returned_paths(reader: Reader, node: YNode | None, folder: Path) -> list[Path]:
    """Files named by ``response_workbooks``, ``weighting_workbooks`` or ``scoring_sheets``:
    one entry or a list, each a path or a glob pattern, relative to the folder or absolute.

    An entry naming an existing file is taken as is, even when its name holds glob
    characters (``offer [v2].xlsx``); any other entry is a pattern (``*``, ``?``, ``[abc]``;
    write ``[[]`` for a literal ``[`` in a pattern). A pattern matching no file is reported;
    a file matched twice is read once.
    """
    if node is None:
        return []
    items = reader.sequence(node) if isinstance(node.value, list) else [node]
    paths: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        pattern = reader.text(item)
        if not pattern:
            reader.fail(item, "expected a file name or a glob pattern such as returned/*.xlsx")
            continue
        matched = _matching_files(reader, item, folder, pattern)
        for path in matched:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                paths.append(path)
    return paths


_GLOB_CHARACTERS = frozenset("*?[")


MAX_MATCHES = 1_000
"""The most files one entry of ``response_workbooks``, ``weighting_workbooks`` or
``scoring_sheets`` may match (a tender has tens): a pattern matching more is an error."""


def _matching_files(reader: Reader, item: YNode, folder: Path, pattern: str) -> list[Path]:
    """The files ``pattern`` names (see :func:`returned_paths`), sorted; a pattern that
    matches none is reported at ``item``."""
    given = Path(pattern)
    literal = given if given.is_absolute() else folder / given
    if is_file(literal):
        return [literal]
    parts = literal.parts if given.is_absolute() else given.parts
    fixed = next((i for i, p in enumerate(parts) if _GLOB_CHARACTERS & set(p)), len(parts))
    place = "" if given.is_absolute() else " next to the evaluation file"
    if fixed == len(parts):
        what = "is a folder, not a file" if is_dir(literal) else "not found"
        reader.fail(item, f"file {shorten(pattern)!r} {what}{place}")
        return []
    base = Path(*parts[:fixed]) if given.is_absolute() else folder.joinpath(*parts[:fixed])
    matched = _glob(reader, item, base, Path(*parts[fixed:]), pattern)
    if matched == []:
        reader.fail(
            item,
            f"no file matches {shorten(pattern)!r}{place}; check the folder and the name "
            "(a literal '[' in a pattern is written '[[]')",
        )
    return matched or []


def _glob(reader: Reader, item: YNode, base: Path, rest: Path, pattern: str) -> list[Path] | None:
    """The files matching ``rest`` under ``base``, sorted (``[]`` when none); ``None`` when
    the search is refused or fails (reported at ``item``): a ``**`` from the root of the
    disk, an unreadable folder, more than :data:`MAX_MATCHES` files."""
    if "**" in rest.parts and base.resolve() == Path(base.resolve().anchor):
        reader.fail(
            item,
            f"{shorten(pattern)!r} would search the whole disk; start the pattern at the "
            "tender's folder (e.g. returned/**/*.xlsx)",
        )
        return None
    try:
        found = itertools.islice((p for p in base.glob(str(rest)) if is_file(p)), MAX_MATCHES + 1)
        matched = sorted(found)
    except (ValueError, OSError) as exc:
        reader.fail(item, f"cannot search for {shorten(pattern)!r}: {exc}")
        return None
    if len(matched) > MAX_MATCHES:
        reader.fail(item, f"{shorten(pattern)!r} matches more than {MAX_MATCHES:,} files")
        return None
    return matched


def _import_scoring_sheets(
    evaluation: Evaluation, basis: Evaluation, paths: list[Path], key: TenderKey
) -> Evaluation:
    """Read the evaluators' returned scoring sheets, each checked against ``basis``: each
    sheet's scores replace that evaluator's rows of ``demo_scores``; refused files are
    reported together."""
    imported = read_scoring_sheets(paths, basis, key=key)
    if imported.refused:
        raise InputFileError("Scoring sheets were refused", imported.refused)
    return imported.apply_to(evaluation)


def _read_each(
    paths: list[Path], read: Callable[[Path], T], owner: Callable[[T], str], kind: str
) -> list[T]:
    """Every returned file read (:func:`~crmselect.io.forms.reading.read_each`); the refusals
    raised together in one :class:`InputFileError`."""
    read_ok, refused = read_each(paths, read, owner, second=f"{kind} from", desc=f"Reading {kind}s")
    if refused:
        raise InputFileError(f"Returned {kind}s were refused", refused)
    return read_ok


def _import_workshops(evaluation: Evaluation, paths: list[Path], key: TenderKey) -> Evaluation:
    """Read the members' weights-workshop workbooks into the evaluation's judgements."""
    returned = _read_each(
        paths, lambda p: read_workshop(p, evaluation, key=key), lambda r: r.member, "workshop"
    )
    return attrs.evolve(
        evaluation,
        judgements=[*evaluation.judgements, *(j for r in returned for j in r.judgements)],
        import_problems=[*evaluation.import_problems, *(p for r in returned for p in r.problems)],
    )


def _import_workbooks(
    evaluation: Evaluation, basis: Evaluation, paths: list[Path], key: TenderKey
) -> Evaluation:
    """Read every returned RFP workbook, each checked against ``basis``, into the
    evaluation's responses and pricing."""
    returned = _read_each(
        paths, lambda p: read_response(p, basis, key=key), lambda r: r.vendor, "RFP workbook"
    )
    twice = [
        Problem(
            str(r.path),
            f"vendor {r.vendor!r} is priced both here and under 'pricing:' in the evaluation file",
        )
        for r in returned
        if r.vendor in evaluation.pricing
    ]
    if twice:
        raise InputFileError("Returned RFP workbooks were refused", twice)
    return attrs.evolve(
        evaluation,
        responses=[*evaluation.responses, *(a for r in returned for a in r.responses)],
        import_problems=[*evaluation.import_problems, *(p for r in returned for p in r.problems)],
        pricing={**evaluation.pricing, **{r.vendor: r.pricing for r in returned}},
    )
