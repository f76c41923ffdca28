"""The procedure around the scoring sheets (issue 18 item 2): no sheet goes to an evaluator
without a declaration of interest on the record, an extreme score without its reason is a
finding at its Note cell (the score is used), and each criterion's scoring guidance is
printed on the sheet and in the script pack."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect.declarations import declare
from crmselect.errors import CrmselectError, InputFileError
from crmselect.io.forms.demo_sheets import (
    SCORE_HEADERS,
    SCORES_SHEET,
    read_scoring_sheet,
    script_pack,
    write_scoring_sheet,
    write_scoring_sheets,
)
from crmselect.model import Evaluation
from crmselect.record import TenderRecord, issue
from tests.helpers import KEY, REPO

AT = dt.datetime(2026, 10, 27, 9, 0, tzinfo=dt.UTC)
SCORE, NOTE = SCORE_HEADERS.index("Score") + 1, SCORE_HEADERS.index("Note") + 1
GUIDANCE = {1: "on slides only", 3: "shown, with workarounds", 5: "shown end to end"}
EXAMPLE = crmselect.example()


def _guided(evaluation: Evaluation = EXAMPLE) -> Evaluation:
    first, *rest = evaluation.demo_scripts
    return attrs.evolve(
        evaluation, demo_scripts=[attrs.evolve(first, guidance={"sfa": GUIDANCE}), *rest]
    )


def _issued(*declared: str) -> TenderRecord:
    entries = [issue(TenderRecord(), EXAMPLE, by="Mei", at=AT)]
    entries += [declare(m, conflict=None, by="Mei", at=AT) for m in declared]
    return TenderRecord(tuple(entries))


# -- declarations ---------------------------------------------------------------------------


def test_no_sheet_goes_out_while_an_evaluator_has_not_declared(tmp_path: Path) -> None:
    record = _issued("sales", "marketing", "service")
    with pytest.raises(CrmselectError, match="on the record for it, finance: a scoring sheet"):
        write_scoring_sheets(EXAMPLE, tmp_path / "out", key=KEY, record=record)
    assert not (tmp_path / "out").exists()  # not one sheet written


def test_sheets_go_out_once_everyone_declared_or_without_a_record(tmp_path: Path) -> None:
    everyone = _issued(*(e.id for e in EXAMPLE.evaluators))
    for name, record in [("declared", everyone), ("none", None), ("empty", TenderRecord())]:
        paths = write_scoring_sheets(EXAMPLE, tmp_path / name, key=KEY, record=record)
        assert len(paths) == len(EXAMPLE.evaluators)


# -- justified extremes ---------------------------------------------------------------------


def _filled(path: Path, scores: dict[int, tuple[float, str]]) -> Path:
    """``path`` with ``scores`` (row → score and note) typed into the Scores sheet."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SCORES_SHEET]
    for row, (score, note) in scores.items():
        sheet.cell(row, SCORE).value = score
        sheet.cell(row, NOTE).value = note or None
    workbook.save(path)
    return path


def test_an_extreme_score_without_its_reason_is_a_warning_at_its_note(tmp_path: Path) -> None:
    path = write_scoring_sheet(EXAMPLE, "sales", tmp_path / "sales.xlsx", key=KEY)
    path = _filled(path, {2: (5, ""), 3: (0.5, "could not show the forecast"), 4: (3, "")})
    sheet = read_scoring_sheet(path, EXAMPLE, key=KEY)
    (finding,) = [p for p in sheet.problems if "extreme" in p.what]
    assert (finding.file, finding.sheet, finding.cell) == ("sales.xlsx", SCORES_SHEET, "J2")
    assert finding.severity == "warning"
    assert "score 5 is at an extreme of the scale (at most 1 or at least 5)" in finding.what
    assert "the score is used" in finding.what
    assert finding.requirement == "orbis/D1/sfa"
    assert sheet.scores[0].score == 5  # used all the same
    assert str(finding).startswith("sales.xlsx!Scores!J2: score 5")


def test_the_policy_moves_the_extremes_and_the_sheet_says_them(tmp_path: Path) -> None:
    policy = attrs.evolve(
        EXAMPLE.policy,
        justify_scores=attrs.evolve(EXAMPLE.policy.justify_scores, at_most=2, at_least=4.5),
    )
    strict = attrs.evolve(EXAMPLE, policy=policy)
    path = write_scoring_sheet(strict, "sales", tmp_path / "sales.xlsx", key=KEY)
    instructions = openpyxl.load_workbook(path)["Instructions"]
    rows = {r[0]: r[1] for r in instructions.iter_rows(values_only=True) if r[0]}
    assert rows["Justify"].startswith("A score of 2 or less, or of 4.5 or more, needs a written")
    path = _filled(path, {2: (4.5, ""), 3: (2, ""), 4: (3, ""), 5: (1, "no pipeline")})
    found = [
        p.cell for p in read_scoring_sheet(path, strict, key=KEY).problems if "extreme" in p.what
    ]
    assert found == ["J2", "J3"]


# -- scoring guidance -----------------------------------------------------------------------


def test_the_guidance_is_in_the_look_for_cell_and_the_script_pack(tmp_path: Path) -> None:
    guided = _guided()
    path = write_scoring_sheet(guided, "sales", tmp_path / "sales.xlsx", key=KEY)
    sheet = openpyxl.load_workbook(path)[SCORES_SHEET]
    look_for = SCORE_HEADERS.index("Look for") + 1
    rows = {
        (sheet.cell(r, 3).value, sheet.cell(r, 4).value): r for r in range(2, sheet.max_row + 1)
    }
    text = sheet.cell(rows[("D1", "sfa")], look_for).value
    assert text.splitlines()[-3:] == [
        "1: on slides only",
        "3: shown, with workarounds",
        "5: shown end to end",
    ]
    assert "5:" not in (sheet.cell(rows[("D1", "analytics")], look_for).value or "")
    pack = script_pack(guided, "orbis")
    assert "  - *5:* shown end to end" in pack.splitlines()
    assert "  - *1:* on slides only" in pack.splitlines()
    # the round trip: the guidance is no part of what is checked on reading
    assert not read_scoring_sheet(path, guided, key=KEY).errors


def _folder(tmp_path: Path, guidance: str) -> Path:
    folder = tmp_path / "larkspur"
    shutil.copytree(REPO / "examples" / "larkspur", folder)
    file = folder / "evaluation.yaml"
    text = file.read_text("utf-8")
    old = "  - analytics\n  minutes: 60\n"
    assert old in text
    file.write_text(text.replace(old, old + guidance, 1), "utf-8")
    return folder


def test_the_loader_reads_the_guidance(tmp_path: Path) -> None:
    guidance = (
        "  guidance:\n    sfa: {1: on slides only, 3: 'shown, with workarounds', 5: end to end}\n"
    )
    tender = crmselect.load_tender(_folder(tmp_path, guidance))
    (d1,) = [s for s in tender.evaluation.demo_scripts if s.id == "D1"]
    assert dict(d1.guidance["sfa"]) == {
        1.0: "on slides only",
        3.0: "shown, with workarounds",
        5.0: "end to end",
    }


@pytest.mark.parametrize(
    ("guidance", "message"),
    [
        ("  guidance:\n    crm: {1: x}\n", "guidance for 'crm', which the script does not score"),
        ("  guidance:\n    sfa: {high: x}\n", "guidance.sfa.high (line 382): expected a number"),
        ("  guidance:\n    sfa: [x]\n", "expected a mapping: score → what that score looks like"),
        ("  guidance: x\n", "expected a mapping: criterion →"),
    ],
)
def test_bad_guidance_is_refused_naming_its_place(
    tmp_path: Path, guidance: str, message: str
) -> None:
    with pytest.raises((InputFileError, CrmselectError)) as caught:
        crmselect.load_tender(_folder(tmp_path, guidance))
    text = str(caught.value) + "".join(str(p) for p in getattr(caught.value, "problems", []))
    assert message in text
    assert "demo_scripts[0]" in text


def test_guidance_and_the_extremes_survive_saving_the_evaluation(tmp_path: Path) -> None:
    policy = attrs.evolve(
        EXAMPLE.policy,
        justify_scores=attrs.evolve(EXAMPLE.policy.justify_scores, at_most=0.5, at_least=4.5),
    )
    saved = attrs.evolve(_guided(), policy=policy)
    read = crmselect.load_tender(crmselect.save_evaluation(saved, tmp_path / "saved")).evaluation
    assert read.demo_scripts == saved.demo_scripts
    assert read.policy.justify_scores == policy.justify_scores
