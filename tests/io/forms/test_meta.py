"""The hidden sheet of every handed-out form: one layout, written and read in one place."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

import crmselect
from crmselect.io.excel.untrusted import (
    DEFAULT_LIMITS,
    UntrustedInputError,
)
from crmselect.io.forms.demo_sheets import DEMO_META, write_scoring_sheet
from crmselect.io.forms.meta import META_SHEET, FormMeta, open_form, write_meta
from crmselect.io.forms.rfp_template import RFP_META, write_template
from crmselect.io.forms.workshop import WORKSHOP_META, write_workshop
from tests.helpers import KEY

FORM = FormMeta(
    version_key="form_version",
    version="crmselect.test/1",
    table_row=5,
    header=("id", "checksum"),
    not_this_form="sheet {sheet!r} is missing",
    wrong_version="version {found!r} is not {expected!r}",
    recipient_key="recipient",
    recipient="member",
    outsider="who is not on the committee",
)


@pytest.mark.slow
def test_every_form_writes_its_version_first_and_its_table_where_it_reads_it(
    tmp_path: Path,
) -> None:
    evaluation = crmselect.example()
    written = {
        RFP_META: write_template(evaluation, "orbis", tmp_path / "rfp.xlsx", key=KEY),
        DEMO_META: write_scoring_sheet(
            evaluation, evaluation.evaluators[0].id, tmp_path / "demo.xlsx", key=KEY
        ),
        WORKSHOP_META: write_workshop(evaluation, "it", tmp_path / "workshop.xlsx", key=KEY),
    }
    for form, path in written.items():
        sheet = openpyxl.load_workbook(path)[META_SHEET]
        assert sheet.sheet_state == "veryHidden"
        assert (sheet["A1"].value, sheet["B1"].value) == (form.version_key, form.version)
        assert sheet.cell(form.table_row, 1).value
        with open_form(path, form, DEFAULT_LIMITS, key=KEY) as (_, meta):
            first = meta.rows(1)[0][0]
        assert first == sheet.cell(form.table_row, 1).value


def test_facts_rows_recipient_and_refusals_round_trip(tmp_path: Path) -> None:
    workbook = Workbook()
    write_meta(
        workbook, FORM, [("recipient", "cfo"), ("rows", 2)], [("a", "x1"), ("b", "x2")], key=KEY
    )
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    with open_form(path, FORM, DEFAULT_LIMITS, key=KEY) as (_, meta):
        pass
    assert meta.value("rows") == 2
    assert meta.text("rows") == "2"
    assert meta.text("missing") == ""
    assert meta.rows(2) == [("a", "x1"), ("b", "x2")]
    assert meta.recipient({"cfo", "cio"}, "cfo") == "cfo"
    with pytest.raises(UntrustedInputError, match="made for member 'cfo', not 'cio'"):
        meta.recipient({"cfo", "cio"}, "cio")
    with pytest.raises(UntrustedInputError, match="who is not on the committee"):
        meta.recipient({"cio"})
    other = FormMeta(
        version_key="form_version",
        version="crmselect.test/2",
        table_row=5,
        not_this_form="",
        wrong_version="version {found!r} is not {expected!r}",
        recipient_key="recipient",
    )
    with (
        pytest.raises(UntrustedInputError, match=r"version 'crmselect\.test/1' is not"),
        open_form(path, other, DEFAULT_LIMITS, key=KEY),
    ):
        pass


def test_facts_that_would_run_into_the_row_table_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        write_meta(Workbook(), FORM, [("a", "1"), ("b", "2"), ("c", "3")], key=KEY)
