"""Reading a workshop is linear in its hidden sheet: a node listed again or a node the tree
does not judge is an error finding, each node sheet is read once (crmselect/io/forms/
workshop.py read_workshop; issue 16 item 3)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl

from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.workshop import read_workshop, write_workshop
from crmselect.model import Evaluation, Evaluator
from tests.helpers import KEY, minimal_evaluation, sign_meta

TOP = "Weights - Top level"
SAFETY_NET = 60.0
"""Seconds the read may take before the test fails (it took 346 s for 74 KiB before)."""


def panel() -> Evaluation:
    """The minimal evaluation with member m1 on its panel."""
    return minimal_evaluation(evaluators=[Evaluator("m1")])


def listed_again(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """m1's workshop with ``rows`` added to its hidden sheet by a holder of the key (signed
    again: what is tested is the reading behind the signature)."""
    path = write_workshop(panel(), "m1", tmp_path / "m1.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    workbook[TOP]["D5"] = "3"
    meta = workbook[META_SHEET]
    first = meta.max_row + 1
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            meta.cell(row=first + offset, column=column, value=value)
    sign_meta(workbook)
    workbook.save(path)
    return path


def test_thousands_of_repeated_hidden_rows_are_read_once_and_reported(tmp_path: Path) -> None:
    path = listed_again(tmp_path, [("top", TOP, "A,b")] * 5_000)
    started = time.monotonic()
    returned = read_workshop(path, panel(), key=KEY)
    assert time.monotonic() - started < SAFETY_NET
    assert [j.node for j in returned.judgements] == [""]
    assert returned.judgements[0].pairs == (("A", "b", 3.0),)
    again = [p for p in returned.problems if "lists node 'top' again" in p.what]
    assert len(again) == 1_000  # the first ones (ReadLimits.max_findings) …
    assert returned.problems[-1].what.startswith("… and 4,000 more findings of this kind")
    assert returned.problems[-1].severity == "error"


def test_a_node_the_tree_does_not_judge_is_an_error_finding(tmp_path: Path) -> None:
    path = listed_again(tmp_path, [("ghost", TOP, "A,b")])
    returned = read_workshop(path, panel(), key=KEY)
    [ghost] = [p for p in returned.problems if "'ghost'" in p.what]
    assert (ghost.sheet, ghost.severity) == (META_SHEET, "error")
    assert "which the criteria tree does not judge" in ghost.what
