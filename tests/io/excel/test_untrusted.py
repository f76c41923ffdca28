"""Returned workbooks count a cell's length as Excel does (crmselect/io/excel/untrusted.py)."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect.errors import CrmselectError
from crmselect.io.excel.untrusted import ReadLimits
from crmselect.io.forms.rfp_response import read_response
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY

EMOJI = "\U0001f600"  # one character, two UTF-16 code units


@pytest.fixture(scope="module")
def questions() -> crmselect.Evaluation:
    return attrs.evolve(crmselect.example(), responses=(), import_problems=())


def _with_comment(tmp_path: Path, questions: crmselect.Evaluation, text: str) -> Path:
    path = write_template(questions, "orbis", tmp_path / "orbis.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    workbook["Requirements"]["G2"].value = text
    workbook.save(path)
    return path


def test_emoji_count_twice_against_the_cell_limit(
    tmp_path: Path, questions: crmselect.Evaluation
) -> None:
    path = _with_comment(tmp_path, questions, EMOJI * 600)  # 600 characters, 1,200 units
    with pytest.raises(CrmselectError, match=r"G2 holds 1,200 characters as Excel counts them"):
        read_response(path, questions, limits=ReadLimits(max_cell_chars=1_000), key=KEY)
    returned = read_response(path, questions, limits=ReadLimits(max_cell_chars=1_200), key=KEY)
    assert returned.vendor == "orbis"
