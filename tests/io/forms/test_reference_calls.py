"""Reference-call instruments: written, filled and read back; tampered, forged and
half-filled files refused or reported like the scoring sheets; and a referee's name or
organisation in no file that is written — instruments, RFP templates, script packs."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import attrs
import openpyxl
import pytest

from crmselect import Evaluation, ReferenceCall, ReferenceQuestion, References
from crmselect.io.excel.untrusted import UntrustedInputError
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.demo_sheets import write_script_pack
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.reference_calls import (
    ANSWERS_SHEET,
    read_reference_sheet,
    read_reference_sheets,
    write_reference_sheet,
    write_reference_sheets,
)
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY, resigned, with_demo

NAME, ORGANISATION = "Zelda Quarrington", "Hushwood Mills"
SCORE, NOTE = 5, 6


def evaluation() -> Evaluation:
    refs = References(
        questions=[
            ReferenceQuestion("a1", "Do your account managers use it daily?"),
            ReferenceQuestion("b", "Does offline work as demonstrated?"),
        ],
        calls=[
            ReferenceCall("c1", "x", "Head of Sales", "manufacturer", ORGANISATION, NAME, "e1"),
            ReferenceCall("c2", "y", "CRM lead", "retailer", "Quillby Stores", "Rex Ombrage"),
        ],
        share=0.3,
    )
    return attrs.evolve(with_demo(), references=refs)


def written(tmp_path: Path, fill: Callable[[openpyxl.Workbook], object] | None = None) -> Path:
    """The instrument of call c1, filled (a1: 4 with a note, b: 2.5) unless ``fill`` says
    otherwise, saved as the caller would."""
    path = write_reference_sheet(evaluation(), "c1", tmp_path / "x-c1.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[ANSWERS_SHEET]
    if fill is None:
        sheet.cell(2, SCORE).value = 4
        sheet.cell(2, NOTE).value = "uses it every morning"
        sheet.cell(3, SCORE).value = 2.5
    else:
        fill(workbook)
    workbook.save(path)
    return path


def test_round_trip(tmp_path: Path) -> None:
    sheet = read_reference_sheet(written(tmp_path), evaluation(), key=KEY)
    assert sheet.call == "c1"
    assert [(s.call, s.criterion, s.score, s.note) for s in sheet.scores] == [
        ("c1", "a1", 4.0, "uses it every morning"),
        ("c1", "b", 2.5, ""),
    ]
    assert sheet.scores[1].origin == "x-c1.xlsx!Answers!E3"
    assert sheet.problems == ()
    applied = read_reference_sheets([written(tmp_path)], evaluation(), key=KEY).apply_to(
        evaluation()
    )
    assert applied.references is not None
    assert {(s.criterion, s.score) for s in applied.references.scores} == {("a1", 4), ("b", 2.5)}


def test_every_instrument_is_written_per_vendor_and_call(tmp_path: Path) -> None:
    paths = write_reference_sheets(evaluation(), tmp_path, key=KEY)
    assert [p.name for p in paths] == ["x-c1.xlsx", "y-c2.xlsx"]


def test_half_filled_is_reported(tmp_path: Path) -> None:
    path = written(tmp_path, lambda w: setattr(w[ANSWERS_SHEET].cell(2, SCORE), "value", 3))
    sheet = read_reference_sheet(path, evaluation(), key=KEY)
    assert sheet.scored == 1
    (problem,) = sheet.problems
    assert (problem.severity, problem.what) == (
        "info",
        "1 of 2 rows have no usable score; they count as not scored",
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("=5", "a formula was typed into the score cell"),
        (7, "score 7 is off the scale 0..5"),
        (True, "TRUE/FALSE is not a score"),
        ("good", "not a number"),
    ],
)
def test_a_score_that_cannot_be_used_is_excluded_at_its_cell(
    tmp_path: Path, value: object, what: str
) -> None:
    path = written(tmp_path, lambda w: setattr(w[ANSWERS_SHEET].cell(3, SCORE), "value", value))
    sheet = read_reference_sheet(path, evaluation(), key=KEY)
    errors = sheet.errors
    assert [(p.sheet, p.cell, p.requirement) for p in errors] == [("Answers", "E3", "c1/b")]
    assert what in errors[0].what
    assert sheet.scores[1].score is None


def test_a_number_as_text_is_used_with_a_warning(tmp_path: Path) -> None:
    path = written(tmp_path, lambda w: setattr(w[ANSWERS_SHEET].cell(2, SCORE), "value", "3,5"))
    sheet = read_reference_sheet(path, evaluation(), key=KEY)
    assert sheet.scores[0].score == 3.5
    assert any(p.severity == "warning" and p.cell == "E2" for p in sheet.problems)


def test_a_changed_criterion_label_excludes_the_score(tmp_path: Path) -> None:
    def swap(workbook: openpyxl.Workbook) -> None:
        sheet = workbook[ANSWERS_SHEET]
        sheet.cell(2, SCORE).value = 5
        sheet.cell(2, 3).value = "b"

    sheet = read_reference_sheet(written(tmp_path, swap), evaluation(), key=KEY)
    assert sheet.scores[0].score is None
    assert [p.cell for p in sheet.errors] == ["C2"]


def test_rows_of_another_call_or_without_ids_are_not_used(tmp_path: Path) -> None:
    def edit(workbook: openpyxl.Workbook) -> None:
        sheet = workbook[ANSWERS_SHEET]
        sheet.cell(2, 1).value = "c2"
        sheet.cell(2, SCORE).value = 5
        sheet.cell(4, SCORE).value = 4

    sheet = read_reference_sheet(written(tmp_path, edit), evaluation(), key=KEY)
    whats = [p.what for p in sheet.errors]
    assert any("row belongs to call 'c2'" in w for w in whats)
    assert any("row without ids" in w for w in whats)
    assert any("was deleted" in p.what for p in sheet.problems if p.severity == "warning")


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda w: setattr(w[META_SHEET]["B3"], "value", "c2"), "not issued by this tender"),
        (lambda w: setattr(w[META_SHEET]["A15"], "value", "a2"), "not issued by this tender"),
        (resigned(lambda w: setattr(w[META_SHEET]["A15"], "value", "a2")), "checksum"),
        (resigned(lambda w: setattr(w[META_SHEET]["B3"], "value", "ghost")), "made for"),
        (lambda w: w.remove(w[ANSWERS_SHEET]), "sheet 'Answers' is missing"),
    ],
)
def test_tampered_or_forged_instruments_are_refused(
    tmp_path: Path, edit: Callable[[openpyxl.Workbook], object], why: str
) -> None:
    with pytest.raises(UntrustedInputError, match=why):
        read_reference_sheet(written(tmp_path, edit), evaluation(), key=KEY)


def test_another_tenders_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UntrustedInputError, match="not issued by this tender"):
        read_reference_sheet(written(tmp_path), evaluation(), key=TenderKey.generate())


def test_a_second_instrument_of_a_call_is_refused(tmp_path: Path) -> None:
    first = written(tmp_path)
    second = tmp_path / "copy.xlsx"
    second.write_bytes(first.read_bytes())
    imported = read_reference_sheets([first, second], evaluation(), key=KEY)
    assert len(imported.sheets) == 1
    assert "a second instrument of call 'c1'" in imported.refused[0].what


def _every_text(path: Path) -> str:
    """Every cell of every sheet of the workbook at ``path``, and every XML part's text."""
    workbook = openpyxl.load_workbook(path)
    cells = [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return "\n".join(cells + parts)


def test_no_name_or_organisation_in_anything_written(tmp_path: Path) -> None:
    """Instruments (for callers), RFP templates and script packs (for vendors): every cell
    and every part searched for each referee's name and organisation."""
    e = evaluation()
    assert e.references is not None
    secrets = [text for c in e.references.calls for text in (c.name, c.organisation)]
    files = write_reference_sheets(e, tmp_path / "references", key=KEY)
    files += [write_template(e, v, tmp_path / f"rfp-{v}.xlsx", key=KEY) for v in e.vendor_ids]
    texts = [_every_text(path) for path in files]
    texts += [
        write_script_pack(e, v, tmp_path / f"{v}.md").read_text(encoding="utf-8")
        for v in e.vendor_ids
    ]
    assert len(texts) == 2 + 3 + 3
    for secret in secrets:
        assert not any(secret in text for text in texts), secret
    assert "Head of Sales" in texts[0]  # the role is shown, so the search does read the cells
