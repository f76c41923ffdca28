"""The **Robustness** sheet of the comparison workbook, and the headline the Summary quotes.

Values only (the analyses are Monte Carlo runs and linear programmes, not spreadsheet
formulas): SMAA-2 rank acceptability with a stacked bar chart, central weights, weight
stability intervals and the minimum weight change per challenger (see
:mod:`crmselect.robustness`). The results are read by attribute (duck typing), so this module
does not import the analysis package:

* ``smaa``: ``acceptability`` (vendors × ranks 1…m, shares), ``central_weights`` (vendors ×
  criteria), ``confidence`` (per vendor), ``n_samples``, ``seed``; optionally ``holistic``,
  ``ranking``, ``standard_errors``, ``weights`` (the sampler), ``fingerprint``.
* ``stability``: the DataFrame of ``stability_intervals`` (indexed by criterion).
* ``flips``: the DataFrame of ``flip_table`` (indexed by challenger, with ``distance``,
  ``feasible``, ``increase``, ``decrease``, ``message``), or one ``min_weight_change``
  result (``challenger``, ``incumbent``, ``feasible``, ``message``, ``distance``,
  ``change``), or a sequence of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, TypeAlias, runtime_checkable

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import (
    SHARE_FORMAT,
    TOTAL_FORMAT,
    WEIGHT_FORMAT,
    fit_columns,
    print_setup,
    relative,
    share_scale,
    write_frame,
    write_section,
    write_title,
)
from crmselect.scoring import ScoreResult

_ROW_CM = 0.53  # height of a default row, to leave room for a chart


class SmaaLike(Protocol):
    """What the workbook reads from an SMAA result (:class:`crmselect.robustness.SmaaResult`)."""

    @property
    def acceptability(self) -> pd.DataFrame: ...

    @property
    def central_weights(self) -> pd.DataFrame: ...

    @property
    def confidence(self) -> pd.Series: ...

    @property
    def n_samples(self) -> int: ...

    @property
    def seed(self) -> int | None: ...


@runtime_checkable
class WeightChangeLike(Protocol):
    """What the workbook reads from a minimum weight change (``min_weight_change``)."""

    @property
    def challenger(self) -> str: ...

    @property
    def incumbent(self) -> str: ...

    @property
    def feasible(self) -> bool: ...

    @property
    def message(self) -> str: ...

    @property
    def distance(self) -> float: ...

    @property
    def change(self) -> pd.Series: ...


Flips: TypeAlias = pd.DataFrame | WeightChangeLike | Sequence[WeightChangeLike]
"""``flip_table(...)``, one ``min_weight_change(...)`` or several."""

FLIP_COLUMNS = ["incumbent", "distance", "weight moved", "feasible", "increase", "decrease"]


def flip_frame(flips: Flips) -> pd.DataFrame:
    """Flip results as one table indexed by challenger, smallest change first.

    Columns: ``incumbent``, ``distance`` (Σ|Δw|, inf if impossible), ``weight moved``
    (distance / 2: the share of the total weight shifted between criteria), ``feasible``,
    ``increase``/``decrease`` (criteria whose weight moves most up/down), ``message``.
    """
    if isinstance(flips, pd.DataFrame):
        frame = flips.copy()
        if "incumbent" not in frame.columns:
            frame.insert(0, "incumbent", flips.attrs.get("incumbent"))
    else:
        changes = [flips] if isinstance(flips, WeightChangeLike) else list(flips)
        rows = []
        for c in changes:
            delta = c.change
            up = bool(c.feasible and delta.max() > 1e-9)
            down = bool(c.feasible and delta.min() < -1e-9)
            rows.append(
                {
                    "challenger": c.challenger,
                    "incumbent": c.incumbent,
                    "distance": c.distance,
                    "feasible": c.feasible,
                    "increase": delta.idxmax() if up else None,
                    "decrease": delta.idxmin() if down else None,
                    "message": c.message,
                }
            )
        frame = pd.DataFrame(rows, columns=["challenger", *FLIP_COLUMNS, "message"])
        frame = frame.drop(columns="weight moved").set_index("challenger")
    frame = frame.rename_axis("challenger")
    if "distance" in frame.columns:
        frame.insert(
            list(frame.columns).index("distance") + 1, "weight moved", frame["distance"] / 2
        )
        frame = frame.sort_values("distance", kind="stable")
    return frame


def sampler_text(smaa: SmaaLike) -> str:
    """What the SMAA run's weight sampler assumed, in words: its ``description`` (every
    sampler of :mod:`crmselect.robustness` has one), else its class name."""
    sampler = getattr(smaa, "weights", None)
    text = getattr(sampler, "description", None)
    return text if isinstance(text, str) else type(sampler).__name__


def _smaa_order(smaa: SmaaLike) -> list[str]:
    ranking = getattr(smaa, "ranking", None)
    if ranking is not None:
        return [str(v) for v in ranking]
    first = smaa.acceptability.iloc[:, 0]
    return [str(v) for v in first.sort_values(ascending=False, kind="stable").index]


def headline(
    result: ScoreResult,
    smaa: SmaaLike | None,
    stability: pd.DataFrame | None,
    flips: Flips | None,
) -> list[tuple[str, str]]:
    """The robustness findings the Summary states in words: (label, sentence) pairs."""
    lines: list[tuple[str, str]] = []
    winners = list(result.winners)
    winner = winners[0] if winners else None
    if smaa is not None and winner is not None:
        lines += _acceptability_lines(smaa, winner)
    if flips is not None:
        lines += _flip_lines(flips)
    if stability is not None:
        lines += _stability_lines(stability, winner)
    return lines


_Line: TypeAlias = tuple[str, str]
"""A finding of the Summary: (label, sentence)."""


def _acceptability_lines(smaa: SmaaLike, winner: str) -> list[_Line]:
    """The winner's rank-1 acceptability with its Monte Carlo error, and the challenger
    ranked first most often; none when the winner took no part in the SMAA run."""
    b = smaa.acceptability
    if winner not in b.index:
        return []
    share = float(b.to_numpy()[list(b.index).index(winner), 0])
    n = int(smaa.n_samples)
    error = 1.96 * math.sqrt(share * (1 - share) / n) if n else float("nan")
    lines = [
        (
            "Rank-1 acceptability",
            f"{winner} ranks first in {share:.1%} of {n:,} weight samples "
            f"(±{error:.1%} Monte Carlo error, 95 %)",
        )
    ]
    others = b.iloc[:, 0].drop(winner)
    if len(others):
        rival = str(others.idxmax())
        lines.append(
            (
                "Closest challenger",
                f"{rival} ranks first in {float(others.max()):.1%} of the samples",
            )
        )
    return lines


def _flip_lines(flips: Flips) -> list[_Line]:
    """The smallest weight change that flips the winner: its message, else the challenger
    and its distance; none when there is no flip."""
    frame = flip_frame(flips)
    if not len(frame):
        return []
    top = frame.iloc[0]
    text = str(top.get("message", "") or "")
    if not text:
        text = f"{frame.index[0]}: Σ|Δw| = {float(top['distance']):.4f}"
    return [("Smallest flip", text)]


def _stability_lines(stability: pd.DataFrame, winner: str | None) -> list[_Line]:
    """The weight with the smallest stability margin and the interval in which the winner
    stays first, or that no single weight change alters it; none without margins."""
    if not (len(stability) and "margin" in stability.columns):
        return []
    margins = pd.to_numeric(stability["margin"], errors="coerce")
    if not np.isfinite(margins).any():
        return [("Most sensitive weight", "no single weight change alters the winner")]
    k = str(margins.idxmin())
    weight, lower, upper = stability[["weight", "lower", "upper"]].loc[[k]].to_numpy(dtype=float)[0]
    lead = stability.attrs.get("winner", winner or "the winner")
    return [
        (
            "Most sensitive weight",
            f"{k}: {lead} stays first while its weight ({weight:.1%}) "
            f"lies in [{lower:.1%}, {upper:.1%}]",
        )
    ]


def write_robustness(
    ws: Worksheet,
    result: ScoreResult,
    smaa: SmaaLike | None,
    stability: pd.DataFrame | None,
    flips: Flips | None,
) -> None:
    """Fill the Robustness sheet with the analyses that were given (at least one)."""
    names = {v.id: v.name for v in result.evaluation.vendors}
    write_title(
        ws,
        "Robustness of the ranking",
        "Results of crmselect.robustness as computed (values, not formulas). Knocked-out "
        "vendors take no part.",
    )
    row = 4
    if smaa is not None:
        row = _write_smaa(ws, smaa, names, row)
    if stability is not None:
        row = write_section(
            ws,
            row,
            "Weight stability intervals (one criterion at a time, others scaled proportionally)",
            "lower–upper: the weight range in which the current winner stays first; *_by: the "
            "vendor taking over at that end; margin: distance to the nearest change (∞: none); "
            "rank_lower–rank_upper: the range in which no two vendors swap.",
        )
        formats = {
            c: WEIGHT_FORMAT
            for c in ("weight", "lower", "upper", "margin", "rank_lower", "rank_upper")
        }
        span = write_frame(
            ws, stability.rename_axis("criterion"), row, name="Stability", formats=formats
        )
        row = span.next_row + 1
    if flips is not None:
        row = write_section(
            ws,
            row,
            "Minimum weight change that lets each challenger tie or beat the winner",
            "Wolters & Mareschal (1995): the smallest Σ|Δw| (L1) over admissible weights; "
            "'weight moved' = Σ|Δw| / 2 is the share of the total weight shifted.",
        )
        frame = flip_frame(flips)
        span = write_frame(
            ws,
            frame,
            row,
            name="Flips",
            formats={"distance": TOTAL_FORMAT, "weight moved": SHARE_FORMAT},
        )
        row = span.next_row + 1
        if isinstance(flips, WeightChangeLike) and hasattr(flips, "to_frame"):
            detail = flips.to_frame()
            row = write_section(ws, row, f"Weight change for {flips.challenger}")
            span = write_frame(ws, detail, row, name="FlipWeights", default_format=WEIGHT_FORMAT)
            row = span.next_row + 1
    fit_columns(ws, maximum=16, fixed={1: 14, 2: 24})  # tables share columns; text overflows
    print_setup(ws, freeze="A4")


def _write_smaa(ws: Worksheet, smaa: SmaaLike, names: dict[str, str], row: int) -> int:
    n = int(smaa.n_samples)
    described = f"; weights: {sampler_text(smaa)}" if getattr(smaa, "weights", None) else ""
    b = smaa.acceptability
    worst = float((b * (1 - b)).to_numpy().max()) if b.size else 0.0
    margin = 1.96 * math.sqrt(worst / n) if n else float("nan")
    row = write_section(
        ws,
        row,
        "SMAA-2 rank acceptability (Lahdelma & Salminen 2001)",
        f"Share of {n:,} weight samples (seed {smaa.seed}{described}) in which each vendor "
        f"takes each rank; Monte Carlo error ≤ ±{margin:.1%} (95 %). Confidence: share of "
        "samples in which the vendor wins with its central weights.",
    )
    order = [v for v in _smaa_order(smaa) if v in b.index]
    table = b.loc[order].rename(columns=lambda r: f"Rank {r}")
    table.insert(0, "Vendor name", [names.get(v, "") for v in order])
    holistic = getattr(smaa, "holistic", None)
    if isinstance(holistic, pd.Series):
        table["Holistic"] = holistic.reindex(order)
    table["Confidence"] = smaa.confidence.reindex(order)
    notes = getattr(smaa, "notes", None)
    if isinstance(notes, pd.Series) and notes.astype(bool).any():
        table["Note"] = notes.reindex(order).fillna("")
    span = write_frame(
        ws, table.rename_axis("Vendor"), row, name="Acceptability", default_format=SHARE_FORMAT
    )
    m = b.shape[1]
    if m and order:
        ws.conditional_formatting.add(
            f"{relative(span.first, 3)}:{relative(span.last, 2 + m)}", share_scale()
        )
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.gapWidth = 40
        chart.title = "Rank acceptability"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0%"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        data = Reference(ws, min_col=3, max_col=2 + m, min_row=span.header, max_row=span.last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=span.first, max_row=span.last))
        chart.height = max(6, round(0.6 * len(order) + 3))
        chart.width = 18
        anchor_row = span.next_row
        ws.add_chart(chart, relative(anchor_row, 1))
        row = anchor_row + math.ceil(chart.height / _ROW_CM) + 2
    else:
        row = span.next_row + 1
    row = write_section(
        ws,
        row,
        "Central weights (the mean weights with which each vendor ranks first)",
        "Empty: the vendor never ranks first (see the Note column above).",
    )
    central = smaa.central_weights.reindex(order)
    central.insert(0, "Vendor name", [names.get(v, "") for v in order])
    central = central.rename_axis("Vendor")
    span = write_frame(ws, central, row, name="CentralWeights", default_format=WEIGHT_FORMAT)
    return span.next_row + 1
