"""Evaluation folders write CSV that a spreadsheet shows as text, and read it back as it was
(crmselect/io/folder/evaluation.py save_evaluation, crmselect/io/folder/tables.py read_csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import attrs

from crmselect import derive, load_tender
from crmselect.io.folder.evaluation import save_evaluation
from crmselect.model import Response

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "'=already quoted", "+1", "-note", "@SUM(A1)"]


def test_vendor_text_is_literal_on_disk_and_exact_after_loading(
    tmp_path: Path, minimal_folder: Path
) -> None:
    original = derive(load_tender(minimal_folder)).evaluation
    answers = list(original.responses)
    for i, text in enumerate(HOSTILE):
        answers[i] = attrs.evolve(answers[i], comment=text, evidence=text)
    edited = attrs.evolve(original, responses=answers)
    save_evaluation(edited, tmp_path / "copy")

    with (tmp_path / "copy" / "responses.csv").open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    formulas = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert formulas == []
    assert "'" + HOSTILE[0] in cells
    assert "''=already quoted" in cells

    again = derive(load_tender(tmp_path / "copy")).evaluation
    read = {(r.vendor, r.requirement): r for r in again.responses}
    for answer in answers[: len(HOSTILE)]:
        back: Response = read[(answer.vendor, answer.requirement)]
        assert (back.comment, back.evidence) == (answer.comment, answer.evidence)
    assert again.fingerprint == edited.fingerprint
