"""RFP workbooks: the template a vendor fills in (reading it back: test_rfp_response.py)."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect import Response, Vendor
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.rfp_template import questions_fingerprint, requirements_hash
from crmselect.rfp import write_template
from tests.helpers import KEY, questions


@pytest.mark.slow
def test_template_sheets_visibility_and_protection(tmp_path: Path) -> None:
    path = write_template(crmselect.example(), "orbis", tmp_path / "orbis.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Instructions",
        "Requirements",
        "Pricing",
        "Company",
        "crmselect",
        "Lists",
    ]
    assert wb["crmselect"].sheet_state == "veryHidden"
    assert wb["Lists"].sheet_state == "hidden"
    ws = wb["Requirements"]
    assert ws.protection.sheet
    assert ws.column_dimensions["A"].hidden
    assert ws.freeze_panes == "C2"
    assert ws.max_row == len(crmselect.example().requirements) + 1
    assert ws["F2"].protection.locked is False
    assert ws["C2"].protection.locked is True
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == "=ComplianceLevels"
    assert validation.showErrorMessage
    assert str(validation.sqref) == f"F2:F{ws.max_row}"
    assert wb.defined_names["ComplianceLevels"].attr_text == "'Lists'!$A$1:$A$6"
    meta = {
        wb[META_SHEET].cell(row=r, column=1).value: wb[META_SHEET].cell(row=r, column=2).value
        for r in range(1, 9)
    }
    assert meta["vendor_id"] == "orbis"
    assert meta["requirements_hash"] == requirements_hash(crmselect.example())


def test_template_writes_outside_text_literally(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example","click")'
    base = questions()
    evaluation = attrs.evolve(
        base,
        vendors=[Vendor("x", "@SUM(1+1)"), *base.vendors[1:]],
        requirements=[attrs.evolve(base.requirements[0], text=hostile), *base.requirements[1:]],
    )
    path = write_template(evaluation, "x", tmp_path / "x.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    cell = wb["Requirements"]["C2"]
    assert cell.value == hostile
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert wb["Instructions"]["B3"].value == "@SUM(1+1)"
    assert wb["Instructions"]["B3"].data_type == "s"


def test_template_for_unknown_vendor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(crmselect.CrmselectError, match="No vendor 'nobody'"):
        write_template(questions(), "nobody", tmp_path / "n.xlsx", key=KEY)


def test_template_states_the_mandatory_rule_and_the_pricing_bounds(tmp_path: Path) -> None:
    path = write_template(questions(), "x", tmp_path / "x.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    texts = [c.value for row in wb["Instructions"].iter_rows() for c in row if c.value]
    assert (
        "A requirement marked mandatory that is left blank, or answered 'On the roadmap (not "
        "yet available)' or 'Not supported', excludes the offer." in texts
    )
    rules = {
        str(v.sqref): (v.operator, v.formula1, v.formula2)
        for v in wb["Pricing"].data_validations.dataValidation
        if v.type in ("decimal", "whole")
    }
    assert rules["C7"] == ("between", "0", "1000000000000")
    assert rules["C10"] == ("between", "0", "100")


def _uncached_questions_fingerprint(evaluation: crmselect.Evaluation) -> str:
    """The definition of the questions fingerprint, computed afresh."""
    price = evaluation.price and attrs.evolve(evaluation.price, prices={})
    return attrs.evolve(
        evaluation, responses=(), import_problems=(), pricing={}, price=price
    ).fingerprint


def test_questions_fingerprint_is_kept_per_evaluation_never_for_a_changed_copy() -> None:
    example = crmselect.example()
    first = questions_fingerprint(example)
    assert first == _uncached_questions_fingerprint(example)
    assert questions_fingerprint(example) == first  # the kept value
    reworded = attrs.evolve(
        example,
        requirements=[
            attrs.evolve(example.requirements[0], text="Reworded after the first template."),
            *example.requirements[1:],
        ],
    )
    assert questions_fingerprint(reworded) == _uncached_questions_fingerprint(reworded) != first
    renamed = attrs.evolve(example, name=f"{example.name} (second round)")
    assert questions_fingerprint(renamed) != first
    assert questions_fingerprint(example) == first  # the copies changed nothing kept for it
    # answers and prices are not questions: a copy with other answers has the same one
    answered = attrs.evolve(
        example, responses=[Response(example.vendors[0].id, example.requirements[0].id, None)]
    )
    assert questions_fingerprint(answered) == first


def test_questions_fingerprint_of_an_evaluation_without_answers_is_its_fingerprint() -> None:
    blank = questions()
    assert not blank.responses
    assert not blank.pricing
    assert questions_fingerprint(blank) == blank.fingerprint
    assert questions_fingerprint(blank) == _uncached_questions_fingerprint(blank)
