"""``crmselect reference-sheets`` issues one instrument per call; the returned instruments
are read back by ``evaluate`` and ``check`` through the folder's ``references:`` section,
and no referee's name or organisation is printed."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect.cli import main
from crmselect.errors import CrmselectError
from crmselect.io.folder.tender import load_tender
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.reference_calls import ANSWERS_SHEET, CALLS_FILE, SCORES_FILE
from crmselect.references import ReferenceScore
from tests.helpers import MINIMAL_YAML, give_key, write_minimal

CALLS = """\
call,vendor,role,organisation,organisation_type,name,caller,date
c1,x,Head of Sales,Hushwood Mills,manufacturer,Zelda Quarrington,e1,2026-03-02
c2,y,CRM lead,Quillby Stores,retailer,Rex Ombrage,e2,2026-03-03
"""
SECTION = """\
references:
  share: 0.5
  questions:
    - {criterion: a1, question: 'Do your account managers use it daily?'}
    - {criterion: b, question: 'Does offline work as demonstrated?'}
  calls: reference_calls.csv
"""
SECRETS = ("Zelda Quarrington", "Hushwood Mills", "Rex Ombrage", "Quillby Stores")


def folder(tmp_path: Path, section: str = SECTION) -> Path:
    tender = give_key(write_minimal(tmp_path / "tender", MINIMAL_YAML + section))
    (tender / "reference_calls.csv").write_text(CALLS, encoding="utf-8")
    return tender


def issued(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The tender with c1's instrument issued, filled (a1: 5, b: 1) and named under
    ``instruments:``."""
    tender = folder(tmp_path)
    assert main(["reference-sheets", str(tender), "--out", str(tender / "references")]) == 0
    out = capsys.readouterr().out
    assert "x-c1.xlsx" in out
    assert "y-c2.xlsx" in out
    path = tender / "references" / "x-c1.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook[ANSWERS_SHEET].cell(2, 5).value = 5
    workbook[ANSWERS_SHEET].cell(3, 5).value = 1
    workbook.save(path)
    (tender / "references" / "y-c2.xlsx").unlink()
    (tender / "evaluation.yaml").write_text(
        MINIMAL_YAML + SECTION + "  instruments: [references/*.xlsx]\n", encoding="utf-8"
    )
    return tender


def test_issued_instruments_are_read_back_by_evaluate_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = issued(tmp_path, capsys)
    refs = load_tender(tender).evaluation.references
    assert refs is not None
    assert {(s.call, s.criterion, s.score) for s in refs.scores} == {
        ("c1", "a1", 5.0),
        ("c1", "b", 1.0),
    }
    assert refs.call("c1").caller == "e1"
    assert refs.call("c1").date == "2026-03-02"
    assert main(["evaluate", str(tender)]) == 0
    evaluated = capsys.readouterr()
    main(["check", str(tender)])  # the minimal folder has a schema finding of its own
    checked = capsys.readouterr()
    assert "Winner: x" in evaluated.out
    assert "    c1 Head of Sales (manufacturer), by e1 on 2026-03-02: a1 5, b 1" in evaluated.out
    assert "    c2 CRM lead (retailer), by e2 on 2026-03-03: a1 –, b –" in evaluated.out
    assert "Minimal tender: 2 criteria groups" in checked.out
    assert "references" not in checked.out + checked.err  # valid, and no finding
    for secret in SECRETS:
        assert secret not in evaluated.out + evaluated.err + checked.out + checked.err


def test_a_tampered_instrument_stops_evaluate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = issued(tmp_path, capsys)
    path = tender / "references" / "x-c1.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook[META_SHEET]["B4"].value = "y"
    workbook.save(path)
    assert main(["evaluate", str(tender)]) == 2
    assert "not issued by this tender" in capsys.readouterr().err


def test_one_call_only_and_an_unknown_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = folder(tmp_path)
    out = tmp_path / "out"
    assert main(["reference-sheets", str(tender), "--out", str(out), "--call", "c2"]) == 0
    assert [p.name for p in out.iterdir()] == ["y-c2.xlsx"]
    assert main(["reference-sheets", str(tender), "--out", str(out), "--call", "c9"]) == 2
    assert "No reference call 'c9'" in capsys.readouterr().err


def test_a_folder_whose_calls_name_an_unknown_vendor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = folder(tmp_path)
    (tender / "reference_calls.csv").write_text(CALLS.replace("c2,y,", "c2,w,"), encoding="utf-8")
    assert main(["check", str(tender)]) == 2
    printed = capsys.readouterr()
    assert "unknown vendor 'w'" in printed.out + printed.err


def test_no_instrument_for_an_eliminated_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = folder(tmp_path)
    assert main(["issue", str(tender), "--by", "Mei"]) == 0
    drop = ["shortlist", str(tender), "--drop", "y", "--reason", "no offline client"]
    assert main([*drop, "--by", "Mei"]) == 0
    out = tmp_path / "out"
    assert main(["reference-sheets", str(tender), "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["x-c1.xlsx"]
    assert main(["reference-sheets", str(tender), "--out", str(out), "--call", "c2"]) == 2
    assert "eliminated, so no later stage" in capsys.readouterr().err


def test_save_evaluation_keeps_the_reference_checks_and_their_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load_tender(issued(tmp_path, capsys)).evaluation
    formula = '=HYPERLINK("http://x")'
    refs = loaded.references
    assert refs is not None
    call = attrs.evolve(refs.call("c2"), name=formula)
    scores = (*refs.scores, ReferenceScore("c2", "b", None, "no answer"))
    loaded = attrs.evolve(
        loaded,
        references=attrs.evolve(
            refs, calls=(refs.call("c1"), call), scores=scores, shares={"b": 0.3}
        ),
    )
    saved = crmselect.save_evaluation(loaded, tmp_path / "saved")
    again = load_tender(saved).evaluation.references
    assert again == loaded.references  # names, organisations, blank score and note included
    assert again is not None
    assert again.call("c2").name == formula
    written = (tmp_path / "saved" / CALLS_FILE).read_text(encoding="utf-8")
    assert f"'{formula}" in written.replace('""', '"')  # never run as a formula


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ("call,criterion,score\nc1,a1,four\n", "score 'four' is not a number"),
        ("call,criterion,score\nc1,,4\n", "criterion is empty"),
        ("call,criterion\nc1,a1\n", "missing column 'score'"),
        ("call,criterion,score,mood\nc1,a1,4,good\n", "unknown column 'mood'"),
        ("call,criterion,score\nc9,a1,4\n", "unknown call 'c9'"),
        ("call,criterion,score\nc1,a1,7\n", "score 7 is off the scale 0..5"),
    ],
)
def test_a_bad_row_of_the_reference_scores_is_named(tmp_path: Path, rows: str, why: str) -> None:
    tender = folder(tmp_path, SECTION + "  scores: reference_scores.csv\n")
    (tender / SCORES_FILE).write_text(rows, encoding="utf-8")
    with pytest.raises(CrmselectError) as raised:
        load_tender(tender)
    assert why in str(raised.value)
