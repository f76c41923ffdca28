"""The comparison workbook: a live, auditable Excel export of a scored evaluation.

:func:`export_workbook` writes one ``.xlsx`` file with these sheets (a sheet whose analysis
was not given is left out, never left empty):

``Summary``
    The ranking as the library computed it (rank, total, status, missing answers, knock-out
    reasons) next to *live* total and rank that follow the Weights sheet (``='Matrix'!$Y$6``;
    a live rank that differs from the exported one turns yellow), the knock-outs one reason
    per row, the robustness headline when SMAA, stability or flip results are given (winner's
    rank-1 acceptability, closest challenger, smallest flip, most sensitive weight) and the
    provenance (crmselect version, date, SMAA seed and sample count, input hash).
``Matrix``
    Vendors × leaf criteria scores as numbers; ``Total = SUMPRODUCT(global weights, scores)``
    and a competition ``Rank`` among eligible vendors, both live formulas; colour scale,
    data bars and a bar chart of the totals. See :mod:`crmselect.io.report.scores`.
``Weights``
    The criteria tree; local weights are input cells (Excel's *Input* style, validated
    ≥ 0, yellow once changed), local shares and global weights are formulas
    (``share = weight / SUM(siblings)``, ``global = parent's global × share``).
``Requirements``
    Every requirement × vendor answer, score and comment; knock-outs red, gaps amber.
``Demos`` (when the evaluation has demo scripts)
    The mean normalised demo score per vendor × criterion (``ScoreResult.demo``), and under
    it every evaluator's score: a row per vendor × script × criterion, a column per
    evaluator, the notes in the row's last column.
``References`` (when the evaluation has reference calls)
    One row per call × question: vendor, call, referee role, organisation type, criterion,
    score — never the referee's name or organisation — and ``ref_vc`` per vendor under the
    share ``q_c``. See :mod:`crmselect.io.report.references`.
``Robustness`` (when ``smaa``, ``stability`` or ``flips`` is given)
    Rank acceptability with a stacked bar chart, central weights, stability intervals,
    minimum weight change per challenger. See :mod:`crmselect.io.report.robustness`.
``Costs`` (when a cost analysis, a price criterion or partner pairs are given)
    The TCO side by side with cash flows by year, the business case and its Monte Carlo,
    the price criterion live — bids, budget and floor are input cells, the scores formulas
    that the Matrix sheet's price column links to (:mod:`crmselect.io.report.price`) —
    and the software × partner pairs. See :mod:`crmselect.io.report.costs`.
``Audit``
    Every setting used (compliance scale, MoSCoW weights, missing policy, demo scale, demo
    share per criterion), every missing answer or demo score, and the ``audit`` tables given.

Every sheet is formatted for reading and printing: frozen headers, column widths, number
formats, Excel tables with filter buttons, landscape pages fitted to the width with the
header rows repeated. Every string that came from outside (names, answers, comments, notes,
requirement texts) is written with :func:`~crmselect.io.excel.xlsx.put_text` — literal text, never
a formula, whatever it starts with — sheet names go through
:func:`~crmselect.io.excel.xlsx.sheet_title`, and the file is written with
:func:`~crmselect.io.excel.xlsx.save_atomic`.

The workbook is written in openpyxl's write-only mode, in constant memory: the rows of the
Requirements and Demos sheets are streamed, the other sheets written into a scratch workbook
and replayed (:mod:`crmselect.io.report.stream`).

The formulas are written without cached values and the workbook asks for a full
recalculation on load, so Excel and LibreOffice compute every number when the file opens;
``tests/io/report/test_workbook_recalc.py`` checks each one against the library with LibreOffice.

>>> import crmselect, tempfile, pathlib
>>> from crmselect.io.report.workbook import export_workbook
>>> result = crmselect.score(crmselect.example())
>>> with tempfile.TemporaryDirectory() as folder:
...     path = export_workbook(result, pathlib.Path(folder) / "report.xlsx")
...     import openpyxl
...     openpyxl.load_workbook(path).sheetnames
['Summary', 'Matrix', 'Weights', 'Requirements', 'Demos', 'References', 'Costs', 'Audit']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.cost.case import CostAnalysis
from crmselect.cost.partners import PairRanking
from crmselect.errors import CrmselectError
from crmselect.io.excel.cells import (
    BOLD,
    CENTRE,
    CHANGED_FILL,
    KO_FILL,
    KO_FONT,
    NOTE_FONT,
    RANK_FORMAT,
    TOTAL_FORMAT,
    Span,
    add_table,
    at,
    data_bar,
    fit_columns,
    formula_fill,
    print_setup,
    put,
    put_formula,
    relative,
    write_frame,
    write_header,
    write_section,
    write_title,
)
from crmselect.io.excel.xlsx import save_atomic, sheet_title
from crmselect.io.report.audit import write_audit, write_pairs
from crmselect.io.report.costs import write_costs
from crmselect.io.report.evidence import write_demos, write_requirements
from crmselect.io.report.references import has_calls, write_references
from crmselect.io.report.robustness import (
    Flips,
    SmaaLike,
    headline,
    sampler_text,
    write_robustness,
)
from crmselect.io.report.scores import (
    ELIGIBLE,
    KNOCKED_OUT,
    MatrixCells,
    write_matrix,
    write_weights,
)
from crmselect.io.report.stream import closed_on_failure, replay
from crmselect.scoring import ScoreResult

__all__ = ["Flips", "SmaaLike", "export_workbook"]

SHEETS = (
    "Summary",
    "Matrix",
    "Weights",
    "Requirements",
    "Demos",
    "References",
    "Robustness",
    "Costs",
    "Audit",
)
"""Sheet names, in workbook order."""

LARGE = frozenset({"Requirements", "Demos"})
"""The sheets whose rows are streamed (:mod:`crmselect.io.report.stream`): a row per
requirement, a row per vendor × script × criterion."""


def export_workbook(
    result: ScoreResult,
    path: str | Path,
    *,
    smaa: SmaaLike | None = None,
    stability: pd.DataFrame | None = None,
    flips: Flips | None = None,
    audit: Mapping[str, pd.DataFrame] | None = None,
    costs: CostAnalysis | None = None,
    pairs: PairRanking | None = None,
    record: Sequence[tuple[str, str]] = (),
    sealed: bool = False,
) -> Path:
    """Write the comparison workbook of ``result`` to ``path`` (``.xlsx``); returns the path.

    ``smaa``: a :class:`~crmselect.robustness.SmaaResult` (or any object with its
    ``acceptability``, ``central_weights``, ``confidence``, ``n_samples`` and ``seed``).
    ``stability``: the frame of :func:`~crmselect.robustness.stability_intervals`.
    ``flips``: the frame of :func:`~crmselect.robustness.flip_table`, or one or several
    :func:`~crmselect.robustness.min_weight_change` results. ``audit``: further tables for
    the Audit sheet, by title (e.g. import problem reports). ``costs``: a
    :class:`~crmselect.cost.case.CostAnalysis` for the Costs sheet, which also shows the
    price criterion's bids (when the evaluation has one) and ``pairs``, a
    :class:`~crmselect.cost.partners.PairRanking`. ``record``: the tender's record as
    label–text pairs (:func:`crmselect.report.record_facts`: the stage, the frozen award
    basis, the deviations), shown on the Summary sheet. ``sealed``: the tender's price
    envelope is sealed (:mod:`crmselect.envelope`): a price, a cost or a partner quote given
    is refused, and nothing is written.

    The file is written atomically: a failed export leaves any existing file untouched.
    See the module docstring for the sheets and their formulas.
    """
    evaluation = result.evaluation
    if sealed and (costs is not None or pairs is not None or evaluation.price is not None):
        raise CrmselectError(
            "the price envelope is sealed: the comparison workbook is of the quality envelope "
            "(crmselect.envelope.sealed_view) until crmselect open-prices"
        )
    wb = Workbook(write_only=True)
    robust = smaa is not None or stability is not None or flips is not None
    priced = costs is not None or pairs is not None or result.prices is not None
    wanted = {"Demos": bool(evaluation.demo_scripts), "Robustness": robust, "Costs": priced}
    streamed, heads = _new_sheets(wb, wanted | {"References": has_calls(evaluation)})

    with closed_on_failure(streamed.values()):
        provenance = _provenance(result, smaa)
        price_cells = write_costs(heads["Costs"], costs, result, pairs=pairs) if priced else {}
        links = {result.evaluation.price.criterion: price_cells} if result.evaluation.price else {}
        weights = write_weights(heads["Weights"], result)
        cells = write_matrix(heads["Matrix"], result, weights, links=links)
        _write_evidence(streamed, heads, result)
        if robust:
            write_robustness(heads["Robustness"], result, smaa, stability, flips)
        write_audit(heads["Audit"], result, provenance, audit)
        _write_summary(
            heads["Summary"],
            result,
            cells,
            headline(result, smaa, stability, flips),
            [*record, *provenance],
        )
        for name, sheet in streamed.items():
            if name not in LARGE:
                replay(heads[name], sheet)
        wb.calculation.fullCalcOnLoad = True
        wb.properties.creator = f"crmselect {result.version}"
        wb.properties.title = f"CRM selection: {evaluation.name}"[:255]
        return save_atomic(wb, path)


def _write_evidence(
    streamed: Mapping[str, WriteOnlyWorksheet], heads: Mapping[str, Worksheet], result: ScoreResult
) -> None:
    """The evidence sheets: Requirements, and Demos and References when they are made."""
    write_requirements(streamed["Requirements"], heads["Requirements"], result)
    if "Demos" in streamed:
        write_demos(streamed["Demos"], heads["Demos"], result)
    if "References" in heads:
        write_references(heads["References"], result)


def _new_sheets(
    wb: Workbook, wanted: Mapping[str, bool]
) -> tuple[dict[str, WriteOnlyWorksheet], dict[str, Worksheet]]:
    """The sheets of :data:`SHEETS` not left out by ``wanted``, in workbook order, with
    legal unique titles (:func:`~crmselect.io.excel.xlsx.sheet_title`): the streamed sheets
    of ``wb`` and their twins of the same titles in a scratch workbook, by name."""
    scratch = Workbook()
    names = [name for name in SHEETS if wanted.get(name, True)]
    titles: list[str] = []
    for name in names:
        titles.append(sheet_title(name, titles))
    streamed = {n: wb.create_sheet(t) for n, t in zip(names, titles, strict=True)}
    heads = {n: scratch.create_sheet(t) for n, t in zip(names, titles, strict=True)}
    return streamed, heads


def _provenance(result: ScoreResult, smaa: SmaaLike | None) -> list[tuple[str, object]]:
    e = result.evaluation
    pairs: list[tuple[str, object]] = [
        ("Evaluation", e.name),
        ("crmselect version", result.version),
        ("Exported", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Input hash (SHA-256)", result.fingerprint),
        (
            "Size",
            f"{len(e.vendors)} vendors, {len(e.requirements)} requirements, "
            f"{len(e.leaves())} leaf criteria, {len(e.demo_scripts)} demo scripts, "
            f"{len(e.evaluators)} evaluators",
        ),
    ]
    if smaa is not None:
        pairs += [("SMAA samples", int(smaa.n_samples)), ("SMAA seed", str(smaa.seed))]
        if getattr(smaa, "weights", None) is not None:
            pairs.append(("SMAA weights", sampler_text(smaa)))
        digest = getattr(smaa, "fingerprint", "")
        if digest:
            pairs.append(("SMAA run hash", str(digest)))
    return pairs


def _write_summary(
    ws: Worksheet,
    result: ScoreResult,
    cells: MatrixCells,
    findings: Sequence[tuple[str, str]],
    provenance: Sequence[tuple[str, object]],
) -> None:
    """The Summary sheet: result, ranking (exported and live), knock-outs, robustness, provenance.

    Live total and live rank are links to the Matrix sheet's formulas
    (``='Matrix'!$Y$6``, ``='Matrix'!$Z$6``); a conditional format colours a live rank that
    differs from the exported one.
    """
    e = result.evaluation
    vendors = {v.id: v for v in e.vendors}
    write_title(ws, e.name, e.description)
    row = write_section(ws, 4, "Result")
    winners = list(result.winners)
    if winners:
        text = ", ".join(
            f"{vendors[w].name} ({w}), total {float(result.totals[w]):.3f}" for w in winners
        )
        label = "Winner" if len(winners) == 1 else "Winners (tied)"
    else:
        text, label = "none — every vendor is knocked out", "Winner"
    row = write_pairs(ws, row, [(label, text)])
    at(ws, row - 2, 2).font = BOLD

    row = write_section(
        ws,
        row,
        "Ranking",
        "Rank and Total: the result as exported. Live total and live rank follow the Weights "
        "sheet (edit an orange input cell there); a live rank that differs turns yellow.",
    )
    frame = result.to_frame()
    headers = [
        "Rank",
        "Vendor",
        "Name",
        "Offering",
        "Total",
        "Live total",
        "Live rank",
        "Status",
        "Missing answers",
        "Knock-out reasons",
    ]
    write_header(ws, row, 1, headers)
    first = row + 1
    for i, (vid, r) in enumerate(frame.iterrows()):
        at_row = first + i
        vid = str(vid)
        out = bool(r["knocked_out"])
        put(at(ws, at_row, 1), None if pd.isna(r["rank"]) else int(r["rank"]), RANK_FORMAT)
        put(at(ws, at_row, 2), vid)
        put(at(ws, at_row, 3), r["name"])
        put(at(ws, at_row, 4), vendors[vid].offering.value)
        put(at(ws, at_row, 5), float(r["total"]), TOTAL_FORMAT)
        put_formula(at(ws, at_row, 6), f"={cells.total_ref(vid)}", TOTAL_FORMAT)
        put_formula(at(ws, at_row, 7), f"={cells.rank_ref(vid)}", RANK_FORMAT)
        put(at(ws, at_row, 8), KNOCKED_OUT if out else ELIGIBLE)
        put(at(ws, at_row, 9), int(r["missing_answers"]))
        put(at(ws, at_row, 10), r["reasons"] or None)
        if out:
            at(ws, at_row, 8).fill = KO_FILL
            at(ws, at_row, 8).font = KO_FONT
    last = first + len(frame) - 1
    add_table(ws, "Ranking", Span(row, first, last, 1, len(headers)))
    ws.conditional_formatting.add(
        f"{relative(first, 7)}:{relative(last, 7)}",
        formula_fill(f"{relative(first, 7)}<>{relative(first, 1)}", CHANGED_FILL),
    )
    ws.conditional_formatting.add(f"{relative(first, 6)}:{relative(last, 6)}", data_bar())
    row = last + 2

    row = write_section(ws, row, "Knock-outs", "A mandatory requirement not satisfied.")
    reasons = pd.DataFrame(
        [
            {"Vendor": vid, "Name": vendors[vid].name, "Reason": reason}
            for vid, rs in result.knocked_out.items()
            for reason in rs
        ],
        columns=["Vendor", "Name", "Reason"],
    )
    if reasons.empty:
        put(at(ws, row, 1), "No vendor failed a mandatory requirement.")
        row += 2
    else:
        row = write_frame(ws, reasons, row, name="KnockOuts", index=False).next_row + 1

    if findings:
        row = write_section(ws, row, "Robustness (details on the Robustness sheet)")
        row = write_pairs(ws, row, findings)

    row = write_section(ws, row, "Provenance")
    row = write_pairs(ws, row, provenance)
    put(
        at(ws, row, 1),
        "Matrix: scores and live totals; Weights: the inputs; Requirements and Demos: the "
        "evidence; Audit: every setting and every gap.",
    )
    at(ws, row, 1).font = NOTE_FONT
    fit_columns(ws, maximum=45, fixed={1: 26, 2: 16, 10: 60})
    for row in range(first, last + 1):
        at(ws, row, 1).alignment = CENTRE
        at(ws, row, 7).alignment = CENTRE
    print_setup(ws, freeze="A4")
