"""Script packs and evaluator scoring sheets: the round trip, and a corpus of malformed sheets.

Every malformed sheet either imports with the problem reported at the cell (``file!sheet!
cell: what — what to do``) or is refused with a CrmselectError naming the file — never
another exception, never a wrong score taken silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import attrs
import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

import crmselect
from crmselect import CrmselectError, DemoScale, DemoScore, Evaluation
from crmselect.consensus import aggregate_scores
from crmselect.io.excel.untrusted import DEFAULT_LIMITS, ReadLimits, UntrustedInputError
from crmselect.io.excel.xlsx import put_text
from crmselect.io.forms.demo_sheets import (
    SCORE_HEADERS,
    SCORES_SHEET,
    ScoringSheet,
    read_scoring_sheet,
    read_scoring_sheets,
    score_value,
    script_pack,
    sheet_items,
    write_scoring_sheet,
    write_scoring_sheets,
    write_script_pack,
)
from crmselect.io.forms.meta import META_SHEET
from tests.helpers import KEY, resigned

EVALUATOR = "sales"
SCORE, NOTE = SCORE_HEADERS.index("Score") + 1, SCORE_HEADERS.index("Note") + 1


@functools.cache
def evaluation() -> Evaluation:
    """The example (loading it reads a folder of workbooks: once per test run is enough)."""
    return crmselect.example()


def given_scores(e: Evaluation, who: str = EVALUATOR) -> dict[tuple[str, str, str], DemoScore]:
    return {(d.vendor, d.script, d.criterion): d for d in e.demo_scores if d.evaluator == who}


def fill(workbook: Workbook, e: Evaluation, who: str = EVALUATOR) -> None:
    """Type the evaluator's scores and notes into their rows, as the evaluator would."""
    mine = given_scores(e, who)
    sheet = workbook[SCORES_SHEET]
    for row in range(2, sheet.max_row + 1):
        key = tuple(str(sheet.cell(row, c).value) for c in (2, 3, 4))
        score = mine.get(key)  # type: ignore[call-overload]
        if score is not None:
            sheet.cell(row, SCORE).value = score.score
            if score.note:
                put_text(sheet.cell(row, NOTE), score.note)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The sales evaluator's scoring sheet, filled in with the example's scores."""
    path = tmp_path_factory.mktemp("sheet") / "sales.xlsx"
    e = evaluation()
    write_scoring_sheet(e, EVALUATOR, path, key=KEY)
    workbook = openpyxl.load_workbook(path)
    fill(workbook, e)
    workbook.save(path)
    return path.read_bytes()


def as_table(scores: tuple[DemoScore, ...] | list[DemoScore]) -> set[tuple[object, ...]]:
    return {
        (d.evaluator, d.vendor, d.script, d.criterion, d.score, d.note)
        for d in scores
        if d.score is not None or d.note
    }


# -- the round trip ------------------------------------------------------------------------------


def test_round_trip_reads_back_identical_scores(tmp_path: Path, filled: bytes) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(filled)
    sheet = read_scoring_sheet(path, evaluation(), evaluator=EVALUATOR, key=KEY)
    assert sheet.evaluator == EVALUATOR
    assert not sheet.errors
    assert as_table(sheet.scores) == as_table(list(given_scores(evaluation()).values()))
    assert len(sheet.scores) == len(sheet_items(evaluation())) == 48
    first = sheet.scores[0]
    assert first.origin == "sales.xlsx!Scores!I2"
    # the vendor nobody demoed (tidewater) and nothing else is blank
    assert {d.vendor for d in sheet.scores if d.score is None} == {"tidewater"}
    assert [p.severity for p in sheet.problems] == ["info"]  # every extreme is justified
    assert sheet.to_frame()["score"].notna().sum() == sheet.scored == 40


def test_round_trip_with_hostile_text_and_formula_like_names(tmp_path: Path) -> None:
    base = evaluation()
    hostile = '=HYPERLINK("http://x","y")'
    vendors = [attrs.evolve(base.vendors[0], name=hostile), *base.vendors[1:]]
    e = attrs.evolve(base, vendors=vendors)
    path = write_scoring_sheet(e, EVALUATOR, tmp_path / "sales.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SCORES_SHEET]
    assert sheet["E2"].value == hostile
    assert sheet["E2"].data_type == "s"
    fill(workbook, e)
    put_text(sheet.cell(2, NOTE), "@SUM(A1) — ünïcode\nsecond line")
    workbook.save(path)
    result = read_scoring_sheet(path, e, key=KEY)
    assert not result.errors
    assert result.scores[0].note == "@SUM(A1) — ünïcode\nsecond line"
    assert result.scores[0].score == given_scores(e)[("orbis", "D1", "sfa")].score


def test_prefilled_sheet_reads_back_the_evaluation_scores(tmp_path: Path) -> None:
    e = evaluation()
    path = write_scoring_sheet(e, "finance", tmp_path / "finance.xlsx", prefill=True, key=KEY)
    result = read_scoring_sheet(path, e, key=KEY)
    assert as_table(result.scores) == as_table(list(given_scores(e, "finance").values()))


def test_sheet_layout_validation_protection_and_hidden_meta(tmp_path: Path) -> None:
    path = write_scoring_sheet(
        evaluation(), EVALUATOR, tmp_path / "s.xlsx", vendors=["helix"], key=KEY
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SCORES_SHEET]
    assert [c.value for c in sheet[1]] == list(SCORE_HEADERS)
    assert sheet.max_row == 1 + 8  # one vendor × 8 script-criterion pairs
    assert all(sheet.column_dimensions[c].hidden for c in "ABCD")
    assert sheet.protection.sheet
    assert not sheet.cell(2, SCORE).protection.locked
    assert sheet.cell(2, 5).protection.locked
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, validation.operator) == ("decimal", "between")
    assert (validation.formula1, validation.formula2) == ("0", "5")
    assert "I2:I9" in str(validation.sqref)
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    assert workbook["Instructions"]["B3"].value.startswith("Ines Albrecht")


def test_one_sheet_per_evaluator_and_unknown_ids(tmp_path: Path) -> None:
    paths = write_scoring_sheets(evaluation(), tmp_path, key=KEY, record=None)
    assert [p.name for p in paths] == [f"{e.id}.xlsx" for e in evaluation().evaluators]
    with pytest.raises(CrmselectError, match="No evaluator 'zed'"):
        write_scoring_sheet(evaluation(), "zed", tmp_path / "z.xlsx", key=KEY)
    with pytest.raises(CrmselectError, match="No vendor 'acme'"):
        write_scoring_sheet(evaluation(), EVALUATOR, tmp_path / "z.xlsx", vendors=["acme"], key=KEY)
    with pytest.raises(CrmselectError, match=r"as \.xlsx"):
        write_scoring_sheet(evaluation(), EVALUATOR, tmp_path / "z.csv", key=KEY)


def test_several_sheets_duplicates_refused_and_applied(tmp_path: Path, filled: bytes) -> None:
    first, second = tmp_path / "sales.xlsx", tmp_path / "sales-copy.xlsx"
    first.write_bytes(filled)
    second.write_bytes(filled)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("evaluator,score\n", encoding="utf-8")
    e = evaluation()
    imported = read_scoring_sheets([first, second, junk], e, key=KEY)
    assert [s.evaluator for s in imported.sheets] == [EVALUATOR]
    assert len(imported.refused) == 2
    assert "a second sheet of evaluator 'sales' (first: sales.xlsx)" in str(imported.refused[0])
    assert "not an .xlsx workbook" in str(imported.refused[1])
    assert imported.missing_evaluators(e) == ("marketing", "service", "it", "finance")
    updated = imported.apply_to(e)
    assert len(updated.demo_scores) == len(e.demo_scores) - 40 + 48
    assert updated.import_problems[-1].file == "sales.xlsx"
    assert aggregate_scores(updated).matrix().equals(aggregate_scores(e).matrix())


# -- script packs --------------------------------------------------------------------------------


def test_script_pack_has_agenda_times_steps_and_criteria(tmp_path: Path) -> None:
    base = evaluation()
    scripts = list(base.demo_scripts)
    scripts[0] = attrs.evolve(
        scripts[0], description="- Capture a lead\n- Convert it\n\n2) Send a <b>quote</b> | fast"
    )
    e = attrs.evolve(base, demo_scripts=scripts)
    text = script_pack(e, "kestrel")
    assert "**Vendor:** Kestrel Enterprise CRM" in text
    assert "**Time allowed:** 210 minutes for 4 scripts" in text
    assert "| D3 | Complaint to on\\-site repair | 60 | 1:45 |" not in text  # '-' is safe
    assert "| D3 | Complaint to on-site repair | 60 | 1:45 |" in text
    assert "1. Capture a lead\n2. Convert it\n3. Send a \\<b\\>quote\\</b\\> \\| fast" in text
    assert "- **Sales force automation** — Management of accounts" in text
    assert "from 0 to 5 (higher is better)" in text
    path = write_script_pack(e, "kestrel", tmp_path / "packs" / "kestrel.md")
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(CrmselectError, match="No vendor"):
        script_pack(e, "acme")


def test_script_pack_marks_untimed_scripts_and_shows_a_single_step_on_one_line() -> None:
    base = evaluation()
    d1, d2, *rest = base.demo_scripts
    untimed = attrs.evolve(d2, minutes=None, description="Show the pipeline")
    text = script_pack(attrs.evolve(base, demo_scripts=[d1, untimed, *rest]), "kestrel")
    assert "**Time allowed:** 165 minutes for 4 scripts (some scripts are untimed)\n" in text
    assert "| D2 | Campaign for a new instrument line | — | 1:00 |\n" in text
    assert "| D3 | Complaint to on-site repair | 60 | 1:00 |\n" in text
    section = text.split("## D2 — ")[1].split("## D3 — ")[0]
    assert section.splitlines()[:5] == [
        "Campaign for a new instrument line",
        "",
        "**Show us:** Show the pipeline",
        "",
        "**The panel scores:**",
    ]
    assert "*Time allowed: 60 minutes.*" in text.split("## D1 — ")[1].split("## D2 — ")[0]
    assert "minutes for 4 scripts (some" not in script_pack(base, "kestrel")


# -- the malformed corpus ------------------------------------------------------------------------

Mutation = Callable[[Workbook], None]


def set_cell(sheet: str, ref: str, value: object, dtype: str | None = None) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        cell = workbook[sheet][ref]
        cell.value = value
        if dtype:
            cell.data_type = dtype

    return mutate


def score(value: object, dtype: str | None = None, row: int = 2) -> Mutation:
    return set_cell(SCORES_SHEET, f"I{row}", value, dtype)


def replace_score_xml(data: bytes, text: bytes) -> bytes:
    """The workbook with the value of Scores!I2 replaced by ``text`` in its sheet's XML."""
    cell = re.compile(rb'(<c r="I2"[^>]*>)<v>[^<]*</v>')
    out = io.BytesIO()
    hits = 0
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename):
                content, count = cell.subn(rb"\g<1><v>" + text + rb"</v>", content)
                hits += count
            target.writestr(info.filename, content)
    assert hits == 1  # only the Scores sheet has a value in I2
    return out.getvalue()


def delete_sheet(title: str) -> Mutation:
    return lambda workbook: workbook.remove(workbook[title])


def delete_rows(row: int) -> Mutation:
    return lambda workbook: workbook[SCORES_SHEET].delete_rows(row)


def insert_row_with(values: dict[int, object]) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        sheet = workbook[SCORES_SHEET]
        sheet.insert_rows(3)
        for column, value in values.items():
            sheet.cell(3, column).value = value

    return mutate


def copy_row(source: int) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        sheet = workbook[SCORES_SHEET]
        target = sheet.max_row + 1
        for column in range(1, len(SCORE_HEADERS) + 1):
            sheet.cell(target, column).value = sheet.cell(source, column).value

    return mutate


def swap(ref_a: str, ref_b: str) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        sheet = workbook[SCORES_SHEET]
        sheet[ref_a].value, sheet[ref_b].value = sheet[ref_b].value, sheet[ref_a].value

    return mutate


def swap_rows(a: int, b: int) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        sheet = workbook[SCORES_SHEET]
        for column in range(1, len(SCORE_HEADERS) + 1):
            x, y = sheet.cell(a, column), sheet.cell(b, column)
            x.value, y.value = y.value, x.value

    return mutate


def meta_fact(key: str, value: object) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        sheet = workbook[META_SHEET]
        for row in range(1, 20):
            if sheet.cell(row, 1).value == key:
                sheet.cell(row, 2).value = value
                return
        raise AssertionError(key)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(workbook: Workbook) -> None:
        for m in mutations:
            m(workbook)

    return mutate


ORBIS_SFA = ("orbis", "D1", "sfa")
ORBIS_ANALYTICS = ("orbis", "D1", "analytics")


@attrs.frozen
class Case:
    """A malformed sheet and what reading it must give: refused with ``refused`` in the
    message, or a problem of ``severity`` at ``cell`` whose text holds ``what``; ``item``
    then has ``score`` (``None``: excluded or missing)."""

    name: str
    mutate: Mutation
    refused: str = ""
    severity: str = ""
    cell: str = ""
    what: str = ""
    item: tuple[str, str, str] = ORBIS_SFA
    score: float | str | None = "unchanged"
    read_as: str | None = None
    against: Callable[[], Evaluation] = evaluation
    limits: ReadLimits = DEFAULT_LIMITS
    raw: bytes = b""
    """Replace the score 4 typed into I2 by this text in the sheet's XML (values openpyxl
    cannot write)."""


def no_script_d4() -> Evaluation:
    e = evaluation()
    return attrs.evolve(
        e,
        demo_scripts=e.demo_scripts[:3],
        demo_scores=[d for d in e.demo_scores if d.script != "D4"],
    )


def ten_point_scale() -> Evaluation:
    return attrs.evolve(evaluation(), demo_scale=DemoScale(0, 10))


CASES = [
    Case("off scale high", score(6), severity="error", cell="I2", what="off the scale", score=None),
    Case(
        "off scale low", score(-0.5), severity="error", cell="I2", what="off the scale", score=None
    ),
    Case("word", score("good"), severity="error", cell="I2", what="not a number", score=None),
    Case("percent", score("80%"), severity="error", cell="I2", what="not a number", score=None),
    Case(
        "unicode minus", score("−1"), severity="error", cell="I2", what="not a number", score=None
    ),
    Case("fraction", score("4/5"), severity="error", cell="I2", what="not a number", score=None),
    Case(
        "number as text",
        score("4"),
        severity="warning",
        cell="I2",
        what="stored as text",
        score=4.0,
    ),
    Case(
        "comma decimal", score("3,5"), severity="warning", cell="I2", what="read as 3.5", score=3.5
    ),
    Case(
        "padded text",
        score(" 2.5 "),
        severity="warning",
        cell="I2",
        what="stored as text",
        score=2.5,
    ),
    Case(
        "text off scale", score("9"), severity="error", cell="I2", what="off the scale", score=None
    ),
    Case("formula", score("=2+2"), severity="error", cell="I2", what="formula", score=None),
    Case(
        "formula as text", score("=5", "s"), severity="error", cell="I2", what="formula", score=None
    ),
    Case("boolean", score(True), severity="error", cell="I2", what="TRUE/FALSE", score=None),
    Case(
        "date", score(dt.datetime(2026, 3, 1)), severity="error", cell="I2", what="date", score=None
    ),
    Case(
        "error value",
        score("#N/A", "e"),
        severity="error",
        cell="I2",
        what="error value",
        score=None,
    ),
    Case(
        "infinity", score(4), raw=b"1E+400", severity="error", cell="I2", what="finite", score=None
    ),
    Case("NaN literal in the XML", score(4), raw=b"NaN", refused="cannot be read"),
    Case("scale bounds are allowed", both(score(0), score(5, row=3)), score=0.0),
    Case("decimals are allowed", score(3.25), score=3.25),
    Case(
        "deleted row",
        delete_rows(3),
        severity="warning",
        what="orbis/D1/analytics was deleted",
        item=ORBIS_ANALYTICS,
        score=None,
    ),
    Case(
        "inserted row with a score",
        insert_row_with({5: "My extra vendor", SCORE: 5}),
        severity="error",
        cell="A3:J3",
        what="row without ids",
    ),
    Case("inserted empty row", insert_row_with({})),
    Case("duplicated row", copy_row(2), severity="error", cell="B50", what="appears again"),
    Case(
        "hidden id edited",
        set_cell(SCORES_SHEET, "B2", "nobody"),
        severity="error",
        cell="B2",
        what="unknown row",
        score=None,
    ),
    Case(
        "hidden id moved to another vendor",
        set_cell(SCORES_SHEET, "B2", "kestrel"),
        severity="error",
        cell="E2",
        what="is not this row's",
        score=None,
    ),
    Case(
        "visible columns sorted alone",
        swap("E2", "E10"),
        severity="error",
        cell="E2",
        what="were only some columns sorted",
        score=None,
    ),
    Case(
        "criterion label edited",
        set_cell(SCORES_SHEET, "G2", "Sales"),
        severity="error",
        cell="G2",
        what="criterion shown",
        score=None,
    ),
    Case("rows reordered", swap_rows(2, 3), severity="info", what="reordered"),
    Case(
        "row pasted from another evaluator",
        set_cell(SCORES_SHEET, "A2", "it"),
        severity="error",
        cell="A2",
        what="belongs to evaluator 'it'",
        score=None,
    ),
    Case("wrong evaluator's file", lambda wb: None, refused="not 'it'", read_as="it"),
    Case("meta evaluator edited", resigned(meta_fact("evaluator_id", "it")), refused="checksum"),
    Case(
        "meta evaluator unknown",
        resigned(meta_fact("evaluator_id", "zed")),
        refused="not on this panel",
    ),
    Case("meta rows edited", resigned(set_cell(META_SHEET, "B14", "kestrel")), refused="checksum"),
    Case(
        "format changed", meta_fact("format_version", "crmselect.demo-scores/0"), refused="format"
    ),
    Case("scale removed", resigned(meta_fact("scale_minimum", "low")), refused="no demo scale"),
    Case("meta sheet deleted", delete_sheet(META_SHEET), refused="'crmselect' is missing"),
    Case("scores sheet deleted", delete_sheet(SCORES_SHEET), refused="'Scores' is missing"),
    Case("score header renamed", set_cell(SCORES_SHEET, "I1", "Points"), refused="no 'Score'"),
    Case("id header renamed", set_cell(SCORES_SHEET, "B1", "Vendor"), refused="no 'Vendor ID'"),
    Case(
        "column inserted",
        lambda wb: wb[SCORES_SHEET].insert_cols(5),
        severity="warning",
        cell="1",
        what="moved or inserted",
    ),
    Case(
        "label column deleted",
        lambda wb: wb[SCORES_SHEET].delete_cols(5),
        severity="warning",
        cell="1",
        what="'Vendor' was deleted",
    ),
    Case(
        "value outside the columns",
        set_cell(SCORES_SHEET, "L2", "see my notes"),
        severity="warning",
        cell="L2",
        what="outside the sheet's columns",
    ),
    Case(
        "formula in the note",
        set_cell(SCORES_SHEET, "J2", "=1+1"),
        severity="warning",
        cell="J2",
        what="formula in the note",
    ),
    Case(
        "sheet added", lambda wb: wb.create_sheet("My notes"), severity="info", what="sheet added"
    ),
    Case(
        "script removed since sent",
        lambda wb: None,
        severity="error",
        cell="B8",
        what="no longer in the evaluation",
        against=no_script_d4,
    ),
    Case(
        "demo scale changed since sent",
        lambda wb: None,
        refused="demo scale 0..5",
        against=ten_point_scale,
    ),
    Case(
        "oversized note",
        set_cell(SCORES_SHEET, "J2", "x" * 500),
        refused="at most 100",
        limits=ReadLimits(max_cell_chars=100),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_sheet(tmp_path: Path, filled: bytes, case: Case) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(filled)
    workbook = openpyxl.load_workbook(path)
    case.mutate(workbook)
    workbook.save(path)
    if case.raw:
        path.write_bytes(replace_score_xml(path.read_bytes(), case.raw))
    against = case.against()
    if case.refused:
        with pytest.raises(UntrustedInputError) as caught:
            read_scoring_sheet(path, against, evaluator=case.read_as, limits=case.limits, key=KEY)
        message = str(caught.value)
        assert "sales.xlsx" in message, message
        assert case.refused in message, message
        return
    result = read_scoring_sheet(path, against, evaluator=case.read_as, limits=case.limits, key=KEY)
    if case.severity:
        matches = [
            p
            for p in result.problems
            if p.severity == case.severity
            and case.what in p.what
            and (not case.cell or p.cell == case.cell)
        ]
        assert matches, [str(p) for p in result.problems]
        assert all(p.file == "sales.xlsx" and p.action for p in matches)
    else:
        assert not result.errors, [str(p) for p in result.errors]
    found = {(d.vendor, d.script, d.criterion): d.score for d in result.scores}
    expected = given_scores(against)[case.item].score if case.score == "unchanged" else case.score
    assert found.get(case.item) == expected


def test_excluded_values_stay_in_the_report(tmp_path: Path, filled: bytes) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(filled)
    workbook = openpyxl.load_workbook(path)
    score("excellent!")(workbook)
    workbook.save(path)
    result = read_scoring_sheet(path, evaluation(), key=KEY)
    (problem,) = result.errors
    assert str(problem).startswith(
        "sales.xlsx!Scores!I2: not a number; excluded (typed: 'excellent!') — ask"
    )
    assert (problem.value, problem.requirement) == ("excellent!", "orbis/D1/sfa")
    assert "<table" in result._repr_html_()
    assert "1 errors" in repr(result)
    frame = result.problems_frame()
    assert frame.loc[frame["severity"] == "error", "cell"].tolist() == ["I2"]


FORMULA = (
    "a formula was typed into the score cell; it was read as text, not evaluated, "
    "and the score is excluded"
)


@pytest.mark.parametrize(
    ("value", "dtype", "expected"),
    [
        (4, "n", (4.0, None)),
        (2.5, "n", (2.5, None)),
        (" 3,5 ", "s", (3.5, None)),
        (".5", "s", (0.5, None)),
        (6, "n", (None, "score 6 is off the scale 0..5; excluded")),
        (" 9 ", "s", (None, "score '9' is off the scale 0..5; excluded")),
        (float("inf"), "n", (None, "the score is not a finite number; excluded")),
        (float("nan"), "n", (None, "the score is not a finite number; excluded")),
        ("SUM(I3)", "f", (None, FORMULA)),
        (" =4", "s", (None, FORMULA)),
        ("#DIV/0!", "e", (None, "error value '#DIV/0!' in the score cell; excluded")),
        (True, "b", (None, "TRUE/FALSE is not a score; excluded")),
        (
            dt.datetime(2026, 1, 4),
            "d",
            (None, "a date or time is not a score (cell formatted as a date?); excluded"),
        ),
        ("4/5", "s", (None, "not a number; excluded")),
        ("   ", "s", (None, None)),
        (None, "n", (None, None)),
    ],
)
def test_a_score_cell_gives_its_score_or_why_it_has_none(
    value: object, dtype: str, expected: tuple[float | None, str | None]
) -> None:
    assert score_value(value, dtype, evaluation().demo_scale) == expected


def test_an_excluded_score_asks_for_a_number_on_the_scale(tmp_path: Path, filled: bytes) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(filled)
    workbook = openpyxl.load_workbook(path)
    score("9")(workbook)
    workbook.save(path)
    (problem,) = read_scoring_sheet(path, evaluation(), key=KEY).errors
    assert (problem.cell, problem.what, problem.action) == (
        "I2",
        "score '9' is off the scale 0..5; excluded",
        "ask the evaluator for a number from 0 to 5",
    )


def test_a_deleted_row_of_an_item_removed_since_sent_is_not_reported(
    tmp_path: Path, filled: bytes
) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(filled)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SCORES_SHEET]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 3).value == "D4"]
    for row in reversed(rows):
        sheet.delete_rows(row)
    workbook.save(path)
    result = read_scoring_sheet(path, no_script_d4(), key=KEY)
    assert len(rows) == 12  # 6 vendors × the 2 criteria of D4
    assert not [p for p in result.problems if "D4" in p.requirement or "D4" in p.what]
    assert "reordered" not in " ".join(p.what for p in result.problems)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"evaluator,vendor,score\nsales,orbis,4\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    ],
    ids=["empty", "csv renamed", "legacy xls"],
)
def test_files_that_are_not_workbooks_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(content)
    with pytest.raises(CrmselectError, match=r"sales\.xlsx"):
        read_scoring_sheet(path, evaluation(), key=KEY)


def test_macro_enabled_sheet_is_refused(tmp_path: Path, filled: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(filled)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    path = tmp_path / "sales.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(UntrustedInputError, match="macros"):
        read_scoring_sheet(path, evaluation(), key=KEY)


def test_blank_sheet_reads_as_all_missing(tmp_path: Path) -> None:
    path = write_scoring_sheet(evaluation(), EVALUATOR, tmp_path / "sales.xlsx", key=KEY)
    result = read_scoring_sheet(path, evaluation(), key=KEY)
    assert isinstance(result, ScoringSheet)
    assert result.scored == 0
    assert [p.what for p in result.problems] == [
        "48 of 48 rows have no usable score; they count as not scored"
    ]


def test_corpus_has_at_least_thirty_malformed_sheets() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


def test_sheet_still_reads_after_the_chair_moderates_and_prices_arrive(tmp_path: Path) -> None:
    from crmselect import ModeratedScore

    path = write_scoring_sheet(evaluation(), EVALUATOR, tmp_path / "sales.xlsx", key=KEY)
    later = attrs.evolve(
        evaluation(),
        moderations=[ModeratedScore("orbis", "D1", "sfa", 4.0, "agreed in the meeting", "chair")],
        pricing={"orbis": {"currency": "EUR"}},
    )
    result = read_scoring_sheet(path, later, key=KEY)
    assert result.evaluator == EVALUATOR
    assert not any("evaluation changed" in p.what for p in result.problems)
