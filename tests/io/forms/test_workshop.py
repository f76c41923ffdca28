"""The weights workshop: pairwise-comparison workbooks per member, read back safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect import CrmselectError, Evaluation, Evaluator, Judgements, derive, load_tender
from crmselect.cli import main
from crmselect.io.excel.untrusted import UntrustedInputError
from crmselect.io.forms.workshop import parse_ratio, read_workshop, write_workshop
from crmselect.weights import member_weights
from tests.helpers import (
    KEY,
    MINIMAL_YAML,
    give_key,
    minimal_evaluation,
    with_panel,
    write_minimal,
)

MEMBERS = ("ann", "bob", "cy", "dee", "eve")
"""The committee members these tests write workshops for: on the panel of :func:`panel`."""
TOP = "Weights - Top level"
NODE_A = "Weights - A"


def panel() -> Evaluation:
    """The minimal evaluation with :data:`MEMBERS` on its panel."""
    return minimal_evaluation(evaluators=[Evaluator(m) for m in MEMBERS])


def filled(tmp_path: Path, member: str, top: object = "3", inside_a: object = "1/2") -> Path:
    """The minimal evaluation's workshop with A vs b and a1 vs a2 judged."""
    path = write_workshop(panel(), member, tmp_path / f"{member}.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    wb[TOP]["D5"] = top
    wb[NODE_A]["D5"] = inside_a
    wb.save(path)
    return path


@pytest.mark.slow
def test_workbook_layout(tmp_path: Path) -> None:
    path = write_workshop(crmselect.example(), "it", tmp_path / "it.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Instructions", TOP]
    assert wb["crmselect"].sheet_state == "veryHidden"
    sheet = wb[TOP]
    assert sheet.protection.sheet
    assert sheet["C5"].value == "1"  # diagonal
    assert sheet["D5"].protection.locked is False  # upper half: input
    assert sheet["C6"].protection.locked is True  # lower half: mirrored
    assert sheet.data_validations.dataValidation[0].formula1 == "=SaatyScale"
    assert sheet.column_dimensions["A"].hidden
    assert sheet.row_dimensions[3].hidden


def test_round_trip_gives_the_ahp_weights(tmp_path: Path) -> None:
    result = read_workshop(filled(tmp_path, "ann"), panel(), key=KEY)
    assert result.member == "ann"
    assert result.problems == ()
    assert {j.node: j.pairs for j in result.judgements} == {
        "": (("A", "b", 3.0),),
        "A": (("a1", "a2", 0.5),),
    }
    assert result.results[""].weights.to_dict() == pytest.approx({"A": 0.75, "b": 0.25})
    assert result.results["A"].consistency_ratio == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("1/3", 1 / 3),
        (0.3333, 1 / 3),
        (7, 7.0),
        (" 1/9 ", 1 / 9),
        ("10", None),
        ("0", None),
        ("abc", None),
        (True, None),
        ("1/0", None),
        (0.3, None),
    ],
)
def test_parse_ratio_accepts_only_the_scale(value: object, expected: float | None) -> None:
    got = parse_ratio(value)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("top", "cell", "severity"),
    [
        ("11", "D5", "error"),
        ("=1/3", "D5", "error"),
        ("lots", "D5", "error"),
    ],
)
def test_bad_comparisons_are_reported_at_the_cell(
    tmp_path: Path, top: object, cell: str, severity: str
) -> None:
    result = read_workshop(filled(tmp_path, "bob", top=top), panel(), key=KEY)
    found = [(p.sheet, p.cell, p.severity) for p in result.problems]
    assert found == [(TOP, cell, severity)]
    assert [j.node for j in result.judgements] == ["A"]  # the top level is left unjudged


def test_lower_half_value_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = filled(tmp_path, "cy")
    wb = openpyxl.load_workbook(path)
    wb[TOP]["C6"] = "5"
    wb.save(path)
    result = read_workshop(path, panel(), key=KEY)
    assert [(p.cell, p.severity) for p in result.problems] == [("C6", "warning")]


@pytest.mark.slow
def test_moved_rows_and_foreign_workbooks_are_caught(tmp_path: Path) -> None:
    path = filled(tmp_path, "dee")
    wb = openpyxl.load_workbook(path)
    wb[NODE_A]["A5"], wb[NODE_A]["A6"] = "a2", "a1"
    wb.save(path)
    result = read_workshop(path, panel(), key=KEY)
    moved = next(p for p in result.problems if p.sheet == NODE_A and "moved" in p.what)
    assert moved.value == "rows a2, a1; columns a1, a2"
    assert "(typed: 'rows a2, a1; columns a1, a2')" in str(moved)
    with pytest.raises(UntrustedInputError, match="another criteria tree"):
        read_workshop(filled(tmp_path, "eve"), crmselect.example(), key=KEY)
    wb = openpyxl.load_workbook(path)
    wb["crmselect"]["B1"] = "crmselect.workshop/0"
    wb.save(path)
    with pytest.raises(UntrustedInputError, match="workshop version"):
        read_workshop(path, panel(), key=KEY)


def test_members_each_keep_their_own_weights(tmp_path: Path) -> None:
    base = panel()
    judgements = [
        Judgements("", [("A", "b", 3)], member="ann"),
        Judgements("", [("A", "b", 1)], member="bob"),
    ]
    group = member_weights(base.criteria, judgements)
    assert group is not None
    assert group.members.loc["ann"].to_dict() == pytest.approx({"a1": 0.25, "a2": 0.5, "b": 0.25})
    assert group.members.loc["bob"].to_dict() == pytest.approx(
        {"a1": 0.5 / 3, "a2": 1 / 3, "b": 0.5}
    )
    assert member_weights(base.criteria, judgements[:1]) is None


def test_evaluation_folder_reads_workshops_and_uses_group_weights(tmp_path: Path) -> None:
    folder = write_minimal(
        tmp_path / "f",
        yaml_text=with_panel(MINIMAL_YAML, MEMBERS).replace(
            "responses: responses.csv",
            "weighting_workbooks: [workshop/*.xlsx]\nresponses: responses.csv",
        ),
    )
    give_key(folder)
    (folder / "workshop").mkdir()
    filled(folder / "workshop", "ann", top="9")
    filled(folder / "workshop", "bob", top="1")
    evaluation = derive(load_tender(folder)).evaluation
    assert [c.weight for c in evaluation.criteria] == pytest.approx([0.75, 0.25])  # √(9·1) = 3
    assert {j.member for j in evaluation.judgements} == {"ann", "bob"}
    text = crmselect.report.judgements_report(crmselect.score(evaluation))
    assert "2 members, geometric mean" in text
    assert "  ann: CR = 0.000" in text


@pytest.mark.slow
def test_example_weights_come_from_five_members() -> None:
    evaluation = crmselect.example()
    assert sorted({j.member for j in evaluation.judgements}) == [
        "finance",
        "it",
        "marketing",
        "sales",
        "service",
    ]
    group = member_weights(evaluation.criteria, evaluation.judgements)
    assert group is not None
    assert len(group.members) == 5


@pytest.mark.slow
def test_cli_writes_one_workbook_per_evaluator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = tmp_path / "tender", tmp_path / "out"
    shutil.copytree(crmselect.example_path(), folder)
    # the example's panel declared before the RFP went out; an undeclared member is refused
    # (tests/test_cli_record.py)
    assert main(["workshop", str(folder), "--out", str(out)]) == 0
    assert sorted(p.stem for p in out.iterdir()) == [
        "finance",
        "it",
        "marketing",
        "sales",
        "service",
    ]
    assert (
        main(
            [
                "workshop",
                str(folder),
                "--member",
                "it",
                "--out",
                str(tmp_path / "it-only.xlsx"),
            ]
        )
        == 0
    )
    assert (tmp_path / "it-only.xlsx").is_file()
    with pytest.raises(CrmselectError, match="needs the member"):
        write_workshop(attrs.evolve(panel()), " ", tmp_path / "x.xlsx", key=KEY)


def test_two_workshops_from_one_member_are_refused(tmp_path: Path) -> None:
    folder = write_minimal(
        tmp_path / "f",
        yaml_text=with_panel(MINIMAL_YAML, MEMBERS).replace(
            "responses: responses.csv",
            "weighting_workbooks: [workshop/*.xlsx]\nresponses: responses.csv",
        ),
    )
    give_key(folder)
    (folder / "workshop").mkdir()
    first = filled(folder / "workshop", "ann")
    (folder / "workshop" / "ann-again.xlsx").write_bytes(first.read_bytes())
    with pytest.raises(CrmselectError, match="a second workshop from 'ann'"):
        derive(load_tender(folder))
