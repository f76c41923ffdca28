"""The evidence sheets of the comparison workbook: **Requirements** and **Demos**.

Both hold values only (no formulas): what the vendors answered and what the panel scored,
so that a reader can trace every number on the Matrix sheet back to its source.

Requirements: one row per requirement; per vendor three columns — the answer's compliance
label, its score on the compliance scale (empty when unanswered) and the vendor's comment.
A knock-out (a mandatory requirement answered with a level that does not satisfy it, or not
answered) is red; any other missing answer is amber. An answer the importer excluded (a
value outside the drop-down, a formula) shows as not answered, with a cell note naming the
returned workbook's cell and what was typed (:func:`crmselect.scoring.excluded_answers`).

Demos: the mean normalised demo score per vendor × criterion, exactly the library's
``ScoreResult.demo`` (the mean over evaluators per script, then over scripts), and under it
every evaluator's raw score — a row per vendor × script × criterion, a column per evaluator
(a score due but not given reads :data:`NO_SCORE`, amber; an evaluator who gave none leaves
the cell empty), the notes in the last column, one line ``evaluator: note`` each. A row per
score would make 1.6 million cells at the upper end of issue 21 (50 evaluators); this layout
holds the same scores in about a seventh of them, and grows with the panel in width only.

Both sheets are streamed (:mod:`crmselect.io.report.stream`): their titles, headers and
settings go through an ordinary scratch sheet, their rows straight to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import attrs
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
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
    Looks,
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
from crmselect.io.excel.xlsx import literal, plain_text
from crmselect.io.report.stream import Styled, replay
from crmselect.model import Evaluation, Requirement, Response, Vendor
from crmselect.scoring import ScoreResult, excluded_answers

NO_ANSWER = "(no answer)"
NO_SCORE = "(no score)"
_TEXT_WIDTH = 50
_TEXT_CHARS = 60  # characters of the body font per line in a column of width 50


def write_requirements(ws: WriteOnlyWorksheet, head: Worksheet, result: ScoreResult) -> None:
    """Fill the Requirements sheet ``ws`` (streamed): every requirement × vendor answer, score
    and comment. Titles, headers and settings go through ``head``, an ordinary scratch sheet
    (:func:`~crmselect.io.report.stream.replay`); the rows are streamed."""
    evaluation = result.evaluation
    write_title(
        head,
        "Requirements and answers",
        "Per vendor: the answer (compliance level), its score on the compliance scale and the "
        "vendor's comment. Red: knock-out (a mandatory requirement not satisfied or not "
        "answered). Amber: a missing answer. A note marks an answer excluded on import. "
        + evaluation.scale.mandatory_rule(),
    )
    fixed = ["ID", "Criterion", "Priority", "Weight", "Mandatory", "Requirement"]
    vendors = list(evaluation.vendors)
    header, group_row, left = 5, 4, len(fixed) + 1
    labels = [*fixed, *_write_vendor_groups(head, vendors, group_row, left)]
    write_header(head, header, 1, labels)
    last = header + max(len(evaluation.requirements), 1)
    if evaluation.requirements:
        add_table(head, "Requirements", Span(header, header + 1, last, 1, len(labels)))
        ranges = " ".join(
            f"{relative(header + 1, left + 3 * j + 1)}:{relative(last, left + 3 * j + 1)}"
            for j in range(len(vendors))
        )
        head.conditional_formatting.add(ranges, colour_scale())
    widths = {1: 10.0, 2: 16.0, 3: 9.0, 4: 8.0, 5: 11.0, 6: float(_TEXT_WIDTH)}
    for j in range(len(vendors)):
        widths.update({left + 3 * j: 30.0, left + 3 * j + 1: 9.0, left + 3 * j + 2: 30.0})
    head.row_dimensions[header].height = 30
    fit_columns(head, fixed=widths, sample_rows=1)
    print_setup(head, title_rows=f"{group_row}:{header}", freeze=relative(header + 1, left))
    answers = _Answers.of(evaluation)
    weights = evaluation.policy.priority_weights
    lines = {r.id: _text_lines(r.text) for r in evaluation.requirements}
    for row, r in enumerate(evaluation.requirements, start=header + 1):
        if lines[r.id] > 1:  # LibreOffice does not grow rows for wrapped text by itself
            head.row_dimensions[row].height = 15 * min(lines[r.id], 12)
    out = _Out(ws, Looks())
    replay(
        head,
        ws,
        (
            _requirement_row(out, (row, r), weights[r.priority], lines[r.id] > 1, vendors, answers)
            for row, r in enumerate(evaluation.requirements, start=header + 1)
        ),
    )


def _text_lines(text: str) -> int:
    """The lines a requirement's text takes in its wrapped column (at most 60 characters of
    the body font to a line)."""
    return sum(1 + len(line) // _TEXT_CHARS for line in str(text).split("\n"))


def _requirement_row(
    out: _Out,
    at_row: tuple[int, Requirement],
    weight: float,
    tall: bool,
    vendors: list[Vendor],
    answers: _Answers,
) -> list[object]:
    """The row of requirement ``r`` (``at_row``: its row number and it): id, criterion,
    priority, priority weight, mandatory mark and the wrapped text, then each vendor's
    answer (:func:`_answer_cells`). In a ``tall`` row (the text takes several lines) every
    written cell sits at the top: it reads best so."""
    row, r = at_row
    top = "top" if tall else None
    fixed: list[str | float | None] = [
        r.id,
        r.criterion,
        r.priority.value,
        weight,
        "mandatory" if r.mandatory else None,
    ]
    cells = [out.cell((row, j), value, top) for j, value in enumerate(fixed, start=1)]
    cells.append(out.cell((row, 6), r.text, "wrap"))
    for j, v in enumerate(vendors):
        cells += _answer_cells(out, (row, 7 + 3 * j), (r, v.id), answers, top)
    return cells


_ALIGNMENTS = {"top": TOP, "wrap": WRAP_TOP}
"""The alignments of streamed cells, by the name their looks go by."""


@attrs.frozen
class _Out:
    """A streamed sheet and its :class:`~crmselect.io.report.stream.Looks`."""

    ws: WriteOnlyWorksheet
    looks: Looks

    def cell(self, where: tuple[int, int], value: str | float | None, align: str | None) -> object:
        """``value`` for the cell at ``where`` (row, column) of a streamed row: text as
        literal text (:func:`~crmselect.io.excel.xlsx.literal`), numbers as they are,
        ``None`` empty; a cell aligned as ``align`` names (:data:`_ALIGNMENTS`) if given."""
        if value is None:
            return None
        if align is None:
            return literal(self.ws, value, *where) if isinstance(value, str) else value
        return self.styled(where, value, align, lambda c: _align(c, align))

    def styled(
        self,
        where: tuple[int, int],
        value: str | float | None,
        look: Hashable,
        style: Callable[[Cell], None],
    ) -> object:
        """``value`` for the cell at ``where`` (row, column) of a streamed row, styled by
        ``style`` (the look named ``look``): a :class:`~crmselect.io.report.stream.Styled`
        value for a number, a plain text or ``None`` (an empty styled cell), else a cell
        written by :func:`~crmselect.io.excel.cells.put` (literal text)."""
        if isinstance(value, str) and not plain_text(value):
            cell = self.new(where, look, style)
            put(cell, value)
            return cell
        return Styled(value, self.looks.style(self.ws, look, style))

    def new(self, where: tuple[int, int], look: Hashable, style: Callable[[Cell], None]) -> Cell:
        """An empty write-only cell at ``where`` (row, column: messages name it), styled by
        ``style`` (the look named ``look`` on this sheet)."""
        cell = WriteOnlyCell(self.ws)
        cell.row, cell.column = where
        self.looks.give(cell, look, style)
        return cell


def _flagged(fill: PatternFill, font: Font, align: str | None) -> Callable[[Cell], None]:
    """The style of a knock-out or missing cell: ``fill``, ``font``, aligned as ``align``."""

    def style(cell: Cell) -> None:
        cell.fill, cell.font = fill, font
        _align(cell, align)

    return style


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


def _answer_cells(
    out: _Out,
    where: tuple[int, int],
    item: tuple[Requirement, str],
    answers: _Answers,
    top: str | None,
) -> list[object]:
    """A vendor's three cells for a requirement (``item``: the requirement and the vendor's
    id) from ``where`` (row, column) on: the compliance label (or :data:`NO_ANSWER`, with a
    note if excluded on import), its score and the comment; red for a knock-out, amber for
    another missing answer; at the top (``top``) in a tall row."""
    r, vendor = item
    row, column = where
    answer = answers.responses.get((vendor, r.id))
    key = None if answer is None else answer.compliance
    text = None if answer is None or not answer.comment else answer.comment
    comment = out.cell((row, column + 2), text, top)
    knocked_out = r.mandatory and (key is None or not answers.satisfies[key])
    if key is not None and not knocked_out:
        label = out.cell(where, answers.labels[key], top)
        return [label, out.cell((row, column + 1), answers.scores[key], top), comment]
    finding = answers.excluded.get((vendor, r.id)) if key is None else None
    return [*_gap_cells(out, where, (key, knocked_out, finding), answers, top), comment]


def _gap_cells(
    out: _Out,
    where: tuple[int, int],
    gap: tuple[str | None, bool, ImportProblem | None],
    answers: _Answers,
    top: str | None,
) -> list[object]:
    """The answer and score cells of a knock-out or a missing answer (``gap``: the answer's
    level key or ``None``, whether it knocks the vendor out, the import finding that
    excluded it if any) from ``where`` on: red for a knock-out, amber otherwise; the label
    or :data:`NO_ANSWER` (with a note naming the finding), and the score if answered."""
    key, knocked_out, finding = gap
    row, column = where
    answer_look: Hashable
    score_look: Hashable
    if knocked_out:
        ko = _flagged(KO_FILL, KO_FONT, top)
        answer_look, answer_style, score_look, score_style = ("ko", top), ko, ("ko", top), ko
    else:
        answer_look, answer_style = ("missing", top), _flagged(MISSING_FILL, MISSING_FONT, top)
        score_look, score_style = top, lambda c: _align(c, top)
    score = None if key is None else answers.scores[key]  # General format: 1, 0.8, 0.5 …
    if score is None and top is None and not knocked_out:
        score_cell = None  # an empty cell without a look
    else:
        score_cell = out.styled((row, column + 1), score, score_look, score_style)
    if finding is None:
        label = NO_ANSWER if key is None else answers.labels[key]
        return [out.styled(where, label, answer_look, answer_style), score_cell]
    answer_cell = out.new(where, answer_look, answer_style)
    put(answer_cell, NO_ANSWER)
    _note_excluded(answer_cell, finding)
    return [answer_cell, score_cell]


def _align(cell: Cell, align: str | None) -> None:
    """Align ``cell`` as ``align`` names (:data:`_ALIGNMENTS`); nothing for ``None``."""
    if align is not None:
        cell.alignment = _ALIGNMENTS[align]


def _note_excluded(cell: Cell, finding: ImportProblem) -> None:
    """A cell note on an unanswered cell whose answer the importer excluded: where, what was
    typed and why."""
    typed = f": {finding.quoted_value}" if finding.value else ""
    cell.comment = Comment(
        f"Answer excluded on import ({finding.place}{typed}): {finding.what}. Clarify with "
        "the vendor before deciding.",
        "crmselect",
    )


def write_demos(ws: WriteOnlyWorksheet, head: Worksheet, result: ScoreResult) -> None:
    """Fill the Demos sheet ``ws`` (streamed; ``head`` as in :func:`write_requirements`):
    the mean per vendor × criterion as used in scoring (top), then every evaluator's score,
    one row per vendor × script × criterion and a column per evaluator (below)."""
    evaluation = result.evaluation
    demo_scale = evaluation.demo_scale
    write_title(
        head,
        "Scripted demos",
        f"Evaluators score on {demo_scale.minimum:g}–{demo_scale.maximum:g}; normalised "
        "score = (score − minimum) / (maximum − minimum). The mean is taken over evaluators "
        "per script, then over the scripts that exercise the criterion. Amber: no score.",
    )
    top = 5
    order = list(result.to_frame().index)
    criteria = [c.id for c in evaluation.leaves() if c.id in evaluation.demo_criteria()]
    names = {v.id: v.name for v in evaluation.vendors}
    put(at(head, top - 1, 1), "Mean per vendor and criterion (normalised 0–1, used in scoring)")
    at(head, top - 1, 1).font = SECTION_FONT
    mean = result.demo.reindex(index=order, columns=criteria)
    mean.insert(0, "Vendor name", [names[v] for v in order])
    span = write_frame(
        head, mean.rename_axis("Vendor"), top, name="DemoMeans", default_format=SCORE_FORMAT
    )
    if criteria and order:
        area = f"{relative(span.first, 3)}:{relative(span.last, span.right)}"
        head.conditional_formatting.add(area, colour_scale())
        gaps = result.demo.reindex(index=order, columns=criteria).isna().to_numpy()
        for i, j in zip(*gaps.nonzero(), strict=True):
            at(head, span.first + int(i), 3 + int(j)).fill = MISSING_FILL
    panel = _PanelScores.of(evaluation, order)
    header = span.next_row + 1
    put(at(head, header - 1, 1), "Every evaluator's score (a column per evaluator)")
    at(head, header - 1, 1).font = SECTION_FONT
    columns = ["Vendor", "Script", "Script title", "Criterion", *panel.evaluators, "Notes"]
    write_header(head, header, 1, columns)
    last = header + len(panel.items)
    if panel.items:
        add_table(head, "DemoScores", Span(header, header + 1, last, 1, len(columns)))
    notes = len(columns)
    fit_columns(head, maximum=40, fixed={1: 12, 3: 24, notes: 45})
    head.row_dimensions[top].height = head.row_dimensions[header].height = 30
    print_setup(head, title_rows=f"{top}:{top}", freeze=relative(top + 1, 1))
    if not panel.items:
        put(at(head, header + 1, 1), "(no demo scores)")
        at(head, header + 1, 1).font = NOTE_FONT
    titles = {s.id: s.title for s in evaluation.demo_scripts}
    rows = enumerate(panel.items, start=header + 1)
    out = _Out(ws, Looks())
    replay(head, ws, (panel.row(out, at_row, titles) for at_row in rows))


Item = tuple[str, str, str]
"""(vendor, script, criterion): one row of the Demos sheet's scores."""


@attrs.frozen
class _PanelScores:
    """The demo scores as the Demos sheet lays them out: ``items`` (vendor, script,
    criterion) in ranking, script and criterion order, the panel's ``evaluators`` (the
    columns), and each score and note by item and evaluator."""

    items: list[Item]
    evaluators: list[str]
    scores: dict[Item, dict[str, float | None]]
    notes: dict[Item, list[str]]

    @classmethod
    def of(cls, evaluation: Evaluation, order: list[str]) -> _PanelScores:
        """The layout of ``evaluation``'s demo scores, vendors in ``order``."""
        position = {v: i for i, v in enumerate(order)}
        scores: dict[Item, dict[str, float | None]] = {}
        notes: dict[Item, list[str]] = {}
        for d in evaluation.demo_scores:
            item = (d.vendor, d.script, d.criterion)
            scores.setdefault(item, {})[d.evaluator] = d.score
            if d.note:
                notes.setdefault(item, []).append(f"{d.evaluator}: {d.note}")
        panel = [e.id for e in evaluation.evaluators]
        given = {e for by in scores.values() for e in by}
        return cls(
            items=sorted(scores, key=lambda i: (position.get(i[0], 0), i[1], i[2])),
            evaluators=[e for e in panel if e in given],
            scores=scores,
            notes=notes,
        )

    def row(self, out: _Out, at_row: tuple[int, Item], titles: dict[str, str]) -> list[object]:
        """The row of an item (``at_row``: its row number and it): vendor, script, its
        title, criterion, each evaluator's score (:data:`NO_SCORE` in amber where one was
        due but not given, empty where the evaluator gave none), and the notes, one line
        per evaluator."""
        row, item = at_row
        vendor, script, criterion = item
        by = self.scores[item]
        cells: list[object] = [
            literal(out.ws, text, row, j)
            for j, text in enumerate((vendor, script, titles.get(script, ""), criterion), 1)
        ]
        for j, e in enumerate(self.evaluators, start=5):
            if e not in by:
                cells.append(None)
            elif by[e] is None:
                missing = _flagged(MISSING_FILL, MISSING_FONT, None)
                cells.append(out.styled((row, j), NO_SCORE, "missing", missing))
            else:
                cells.append(by[e])
        note = "\n".join(self.notes.get(item, ()))
        cells.append(literal(out.ws, note, row, len(cells) + 1) if note else None)
        return cells
