"""The evidence sheets of the comparison workbook: **Requirements** and **Demos**.

Both hold values only (no formulas): what the vendors answered and what the panel scored,
so that a reader can trace every number on the Matrix sheet back to its source.

Requirements: one row per requirement; per vendor three columns — the answer's compliance
label, its score on the compliance scale (empty when unanswered) and the vendor's comment.
A knock-out (a mandatory requirement answered with a level that does not satisfy it, or not
answered) is red; any other missing answer is amber. An answer the importer excluded (a
value outside the drop-down, a formula) shows as not answered, with a cell note naming the
returned workbook's cell and what was typed (:func:`crmselect.scoring.excluded_answers`).

Demos: every evaluator's score with its note (scores not given are amber) and, beside it,
the mean normalised demo score per vendor × criterion, exactly the library's
``ScoreResult.demo`` (the mean over evaluators per script, then over scripts).
"""

from __future__ import annotations

import attrs
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.errors import ImportProblem
from crmselect.io.excel.cells import (
    BOLD,
    KO_FILL,
    KO_FONT,
    MISSING_FILL,
    MISSING_FONT,
    NOTE_FONT,
    SCORE_FORMAT,
    SECTION_FONT,
    TOP,
    WRAP_TOP,
    Span,
    add_table,
    at,
    colour_scale,
    fit_columns,
    print_setup,
    put,
    relative,
    write_frame,
    write_header,
    write_title,
)
from crmselect.model import Evaluation, Requirement, Response, Vendor
from crmselect.scoring import ScoreResult, excluded_answers

NO_ANSWER = "(no answer)"
NO_SCORE = "(no score)"
_TEXT_WIDTH = 50
_TEXT_CHARS = 60  # characters of the body font per line in a column of width 50


def write_requirements(ws: Worksheet, result: ScoreResult) -> None:
    """Fill the Requirements sheet: every requirement × vendor answer, score and comment."""
    evaluation = result.evaluation
    write_title(
        ws,
        "Requirements and answers",
        "Per vendor: the answer (compliance level), its score on the compliance scale and the "
        "vendor's comment. Red: knock-out (a mandatory requirement not satisfied or not "
        "answered). Amber: a missing answer. A note marks an answer excluded on import. "
        + evaluation.scale.mandatory_rule(),
    )
    fixed = ["ID", "Criterion", "Priority", "Weight", "Mandatory", "Requirement"]
    vendors = list(evaluation.vendors)
    header, group_row, left = 5, 4, len(fixed) + 1
    labels = [*fixed, *_write_vendor_groups(ws, vendors, group_row, left)]
    write_header(ws, header, 1, labels)
    answers = _Answers.of(evaluation)
    row = header
    for row, r in enumerate(evaluation.requirements, start=header + 1):
        written = _write_requirement(ws, row, r, evaluation.policy.priority_weights[r.priority])
        lines = _write_requirement_text(ws, row, r.text)
        for j, v in enumerate(vendors):
            written += _write_answer(ws, (row, left + 3 * j), r, v.id, answers)
        if lines > 1:  # a tall row reads best with every cell at the top
            for cell in written:
                cell.alignment = TOP
    last = max(row, header + 1)
    right = len(labels)
    if evaluation.requirements:
        add_table(ws, "Requirements", Span(header, header + 1, last, 1, right))
        ranges = " ".join(
            f"{relative(header + 1, left + 3 * j + 1)}:{relative(last, left + 3 * j + 1)}"
            for j in range(len(vendors))
        )
        ws.conditional_formatting.add(ranges, colour_scale())
    fixed_widths = {1: 10, 2: 16, 3: 9, 4: 8, 5: 11, 6: _TEXT_WIDTH}
    for j in range(len(vendors)):
        fixed_widths.update({left + 3 * j: 30, left + 3 * j + 1: 9, left + 3 * j + 2: 30})
    ws.row_dimensions[header].height = 30
    fit_columns(ws, fixed=fixed_widths, sample_rows=1)
    print_setup(ws, title_rows=f"{group_row}:{header}", freeze=relative(header + 1, left))


def _write_vendor_groups(ws: Worksheet, vendors: list[Vendor], row: int, left: int) -> list[str]:
    """Each vendor's name over its three columns (merged) from column ``left`` on; returns
    the headers of those columns."""
    labels: list[str] = []
    for j, v in enumerate(vendors):
        labels += [f"{v.id} answer", f"{v.id} score", f"{v.id} comment"]
        column = left + 3 * j
        put(at(ws, row, column), f"{v.name} ({v.id})")
        at(ws, row, column).font = BOLD
        ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + 2)
    return labels


def _write_requirement(ws: Worksheet, row: int, r: Requirement, weight: float) -> list[Cell]:
    """A requirement's id, criterion, priority, priority weight and (if it is mandatory)
    its mark; returns the cells written."""
    written = [at(ws, row, c) for c in range(1, 5)]
    put(written[0], r.id)
    put(written[1], r.criterion)
    put(written[2], r.priority.value)
    put(written[3], weight)
    if r.mandatory:
        written.append(at(ws, row, 5))
        put(written[-1], "mandatory")
    return written


def _write_requirement_text(ws: Worksheet, row: int, text: str) -> int:
    """A requirement's text, wrapped, with the row as tall as its lines (up to 12); returns
    the number of lines."""
    cell = at(ws, row, 6)
    put(cell, text)
    cell.alignment = WRAP_TOP
    lines = sum(1 + len(line) // _TEXT_CHARS for line in str(text).split("\n"))
    if lines > 1:  # LibreOffice does not grow rows for wrapped text by itself
        ws.row_dimensions[row].height = 15 * min(lines, 12)
    return lines


@attrs.frozen
class _Answers:
    """What the Requirements sheet looks up per answer: the responses by (vendor,
    requirement), the compliance levels' labels, scores and whether they satisfy a
    mandatory requirement, and the answers excluded on import."""

    responses: dict[tuple[str, str], Response]
    labels: dict[str, str]
    scores: dict[str, float]
    satisfies: dict[str, bool]
    excluded: dict[tuple[str, str], ImportProblem]

    @classmethod
    def of(cls, evaluation: Evaluation) -> _Answers:
        """The lookups of ``evaluation``."""
        levels = evaluation.scale.levels
        return cls(
            responses={(a.vendor, a.requirement): a for a in evaluation.responses},
            labels={level.key: level.label for level in levels},
            scores={level.key: float(level.score) for level in levels},
            satisfies={level.key: level.satisfies_mandatory for level in levels},
            excluded=excluded_answers(evaluation),
        )


def _write_answer(
    ws: Worksheet, cell: tuple[int, int], r: Requirement, vendor: str, answers: _Answers
) -> list[Cell]:
    """A vendor's answer to ``r`` from ``cell`` (row, column) on: the compliance label (or
    :data:`NO_ANSWER`, with a note if excluded on import), its score and the comment; red
    for a knock-out, amber for another missing answer. Returns the cells written."""
    row, column = cell
    answer = answers.responses.get((vendor, r.id))
    key = None if answer is None else answer.compliance
    answer_cell, score_cell = at(ws, row, column), at(ws, row, column + 1)
    written = [answer_cell, score_cell]
    if key is None:
        put(answer_cell, NO_ANSWER)
        _note_excluded(answer_cell, answers.excluded.get((vendor, r.id)))
    else:
        put(answer_cell, answers.labels[key])
        score_cell.value = answers.scores[key]  # General format: 1, 0.8, 0.5 …
    if answer is not None and answer.comment:
        written.append(at(ws, row, column + 2))
        put(written[-1], answer.comment)
    if r.mandatory and (key is None or not answers.satisfies[key]):
        for knocked_out in (answer_cell, score_cell):
            knocked_out.fill = KO_FILL
            knocked_out.font = KO_FONT
    elif key is None:
        answer_cell.fill = MISSING_FILL
        answer_cell.font = MISSING_FONT
    return written


def _note_excluded(cell: Cell, finding: ImportProblem | None) -> None:
    """A cell note on an unanswered cell whose answer the importer excluded: where, what was
    typed and why (no note when ``finding`` is ``None``)."""
    if finding is None:
        return
    typed = f": {finding.quoted_value}" if finding.value else ""
    cell.comment = Comment(
        f"Answer excluded on import ({finding.place}{typed}): {finding.what}. Clarify with "
        "the vendor before deciding.",
        "crmselect",
    )


def write_demos(ws: Worksheet, result: ScoreResult) -> None:
    """Fill the Demos sheet: every evaluator's score (left), the mean per vendor × criterion
    as used in scoring (right)."""
    evaluation = result.evaluation
    demo_scale = evaluation.demo_scale
    write_title(
        ws,
        "Scripted demos",
        f"Evaluators score on {demo_scale.minimum:g}–{demo_scale.maximum:g}; normalised "
        "score = (score − minimum) / (maximum − minimum). The mean is taken over evaluators "
        "per script, then over the scripts that exercise the criterion. Amber: no score.",
    )
    top = 5
    order = list(result.to_frame().index)
    position = {v: i for i, v in enumerate(order)}
    titles = {s.id: s.title for s in evaluation.demo_scripts}
    put(at(ws, top - 1, 1), "Every evaluator's score")
    at(ws, top - 1, 1).font = SECTION_FONT
    columns = ["Evaluator", "Vendor", "Script", "Script title", "Criterion", "Score"]
    write_header(ws, top, 1, [*columns, "Normalised", "Note"])
    scores = sorted(
        evaluation.demo_scores,
        key=lambda d: (position.get(d.vendor, 0), d.script, d.criterion, d.evaluator),
    )
    for row, d in enumerate(scores, start=top + 1):
        put(at(ws, row, 1), d.evaluator)
        put(at(ws, row, 2), d.vendor)
        put(at(ws, row, 3), d.script)
        put(at(ws, row, 4), titles.get(d.script, ""))
        put(at(ws, row, 5), d.criterion)
        if d.score is None:
            put(at(ws, row, 6), NO_SCORE)
            at(ws, row, 6).fill = MISSING_FILL
            at(ws, row, 6).font = MISSING_FONT
        else:
            put(at(ws, row, 6), d.score)
            put(at(ws, row, 7), demo_scale.normalise(d.score), SCORE_FORMAT)
        put(at(ws, row, 8), d.note)
    if scores:
        add_table(ws, "DemoScores", Span(top, top + 1, top + len(scores), 1, 8))
    else:
        put(at(ws, top + 1, 1), "(no demo scores)")
        at(ws, top + 1, 1).font = NOTE_FONT

    left = 10
    criteria = [c.id for c in evaluation.leaves() if c.id in evaluation.demo_criteria()]
    names = {v.id: v.name for v in evaluation.vendors}
    put(at(ws, top - 1, left), "Mean per vendor and criterion (normalised 0–1, used in scoring)")
    at(ws, top - 1, left).font = SECTION_FONT
    mean = result.demo.reindex(index=order, columns=criteria)
    mean.insert(0, "Vendor name", [names[v] for v in order])
    span = write_frame(
        ws,
        mean.rename_axis("Vendor"),
        top,
        left=left,
        name="DemoMeans",
        default_format=SCORE_FORMAT,
    )
    if criteria and order:
        area = f"{relative(span.first, left + 2)}:{relative(span.last, span.right)}"
        ws.conditional_formatting.add(area, colour_scale())
        gaps = result.demo.reindex(index=order, columns=criteria).isna().to_numpy()
        for i, j in zip(*gaps.nonzero(), strict=True):
            at(ws, span.first + int(i), left + 2 + int(j)).fill = MISSING_FILL
    fit_columns(ws, maximum=40, fixed={1: 12, 2: 12, 3: 8, 5: 14, 6: 8, 7: 11, 8: 45, 9: 3})
    ws.row_dimensions[top].height = 30
    print_setup(ws, title_rows=f"{top}:{top}", freeze=relative(top + 1, 1))
