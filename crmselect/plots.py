"""Figures for a committee (matplotlib, the ``plots`` extra).

Every function draws on the Axes it is given (or a new one), returns that Axes, and gives
each vendor the same colour in every figure (:func:`vendor_colours`, in evaluation order).
Result objects have their own ``.plot(ax=None)`` too (the result protocol,
:mod:`crmselect.display`): rank acceptability (:meth:`crmselect.robustness.SmaaResult.plot`),
the stability tornado (:func:`crmselect.robustness.tornado`), evaluator spread
(:meth:`crmselect.consensus.PanelAggregate.plot`), cost stacks and NPV distributions
(:mod:`crmselect.cost`). Every one of them opens its figure, when not given an Axes, with
:func:`axes` — the one place crmselect calls :func:`matplotlib.pyplot.subplots`.

Two rules hold in every figure: a vendor knocked out (or eliminated) is drawn in grey,
:data:`KNOCKED_OUT`, and labelled "(knocked out)"; a legend sits outside the data, right of
the Axes (:func:`legend_outside`), and a new figure's constrained layout keeps it on the
figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from crmselect.scoring import ScoreResult

KNOCKED_OUT = "#bbbbbb"


def vendor_colours(vendors: Sequence[str]) -> dict[str, str]:
    """A stable colour per vendor: matplotlib's ``tab10`` (then ``tab20``) in the given order.

    >>> vendor_colours(["a", "b"])
    {'a': '#1f77b4', 'b': '#ff7f0e'}
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = colormaps["tab10" if len(vendors) <= 10 else "tab20"]
    return {v: to_hex(palette(i % palette.N)) for i, v in enumerate(vendors)}


def axes(ax: Axes | None = None, size: tuple[float, float] | None = None, **subplot: Any) -> Axes:
    """``ax`` when given, else the Axes of a new figure ``size`` inches wide and high
    (matplotlib's default size when None; ``subplot`` options such as
    ``projection="polar"`` go to the new Axes).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> new = axes(size=(4, 3))
    >>> new.figure.get_size_inches().tolist(), axes(new) is new
    ([4.0, 3.0], True)
    >>> matplotlib.pyplot.close(new.figure)
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, subplot_kw=subplot or None, layout="constrained")
    return new


def legend_outside(ax: Axes, **options: Any) -> None:
    """The Axes' legend right of it, top-aligned, unframed — never over the data (a new
    figure from :func:`axes` makes room for it); ``options`` go to
    :meth:`~matplotlib.axes.Axes.legend` (``title``, ``ncols``, …)."""
    ax.legend(
        loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False, **options
    )


def knocked_out_label(vendor: str, knocked_out: bool) -> str:
    """A vendor's label in a figure: its id, with "(knocked out)" when it is."""
    return f"{vendor} (knocked out)" if knocked_out else vendor


def totals(result: ScoreResult, ax: Axes | None = None) -> Axes:
    """Horizontal bars of every vendor's total, best first; knocked-out vendors in grey,
    labelled with the reason count."""
    ax = axes(ax, (7, 4))
    frame = result.to_frame().iloc[::-1]
    colours = vendor_colours(list(result.evaluation.vendor_ids))
    bar_colours = [
        KNOCKED_OUT if ko else colours[str(v)]
        for v, ko in zip(frame.index, frame["knocked_out"], strict=True)
    ]
    labels = [
        knocked_out_label(str(v), bool(ko))
        for v, ko in zip(frame.index, frame["knocked_out"], strict=True)
    ]
    ax.barh(labels, frame["total"].to_numpy(dtype=float), color=bar_colours)
    ax.set_xlim(0, 1)
    ax.set_xlabel("weighted total (0–1)")
    ax.set_title(result.evaluation.name)
    return ax


def contributions(result: ScoreResult, ax: Axes | None = None, *, top: int = 8) -> Axes:
    """Stacked bars: how much each top-level criterion contributes to each vendor's total
    (leaves summed into their top-level criterion; the ``top`` largest shown, the rest
    grouped). A knocked-out vendor's bar is grey, its parts parted by white lines, and
    labelled so; the legend sits right of the bars."""
    ax = axes(ax, (7, 4))
    parent = {}
    for root in result.evaluation.criteria:
        for _, node in root.walk():
            parent[node.id] = root.label
    by_top = result.contributions.T.groupby(pd.Series(parent)).sum().T
    order = by_top.sum().sort_values(ascending=False).index
    shown = list(order[:top])
    table = by_top[shown].copy()
    if len(order) > top:
        table["other"] = by_top[list(order[top:])].sum(axis=1)
    table = table.loc[result.to_frame().index[::-1]]
    out = [v in result.knocked_out for v in table.index]
    labels = [knocked_out_label(str(v), ko) for v, ko in zip(table.index, out, strict=True)]
    from matplotlib.patches import Patch

    left = np.zeros(len(table))
    keys = []
    for column, colour in zip(table.columns, _cycle(len(table.columns)), strict=True):
        values = table[column].to_numpy(dtype=float)
        colours = [KNOCKED_OUT if ko else colour for ko in out]
        ax.barh(labels, values, left=left, color=colours, edgecolor="white")
        keys.append(Patch(facecolor=colour, label=str(column)))
        left += values
    ax.set_xlabel("contribution to the total")
    legend_outside(ax, handles=keys)  # keyed by the criteria's colours, not a grey bar's
    return ax


def _cycle(n: int) -> list[str]:
    """The first ``n`` colours of matplotlib's property cycle (repeated if need be)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    colours = [to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    return [colours[i % len(colours)] for i in range(n)]


def radar(
    result: ScoreResult, ax: Axes | None = None, vendors: Sequence[str] | None = None
) -> Axes:
    """Each vendor's weighted average score per top-level criterion, on a polar plot; a
    knocked-out vendor dashed in grey and labelled so; the legend right of the plot."""
    ax = axes(ax, (6, 6), projection="polar")
    colours = vendor_colours(list(result.evaluation.vendor_ids))
    roots = result.evaluation.criteria
    scores = pd.DataFrame(
        {
            root.label: _weighted_mean(result, [n.id for _, n in root.walk() if n.is_leaf])
            for root in roots
        }
    )
    angles = np.linspace(0, 2 * np.pi, len(scores.columns), endpoint=False)
    closed = np.append(angles, angles[0])
    for vendor in vendors or list(scores.index):
        values = scores.loc[vendor].to_numpy(dtype=float)
        out = vendor in result.knocked_out
        ax.plot(
            closed,
            np.append(values, values[0]),
            color=KNOCKED_OUT if out else colours[vendor],
            linestyle="--" if out else "-",
            label=knocked_out_label(vendor, out),
        )
    ax.set_xticks(angles)
    ax.set_xticklabels(list(scores.columns), fontsize="small")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.1, 1.0), fontsize="small", frameon=False)
    return ax


def _weighted_mean(result: ScoreResult, leaves: list[str]) -> pd.Series:
    weights = result.weights[leaves]
    if weights.sum() <= 0:
        return result.matrix[leaves].mean(axis=1)
    return (result.matrix[leaves] * weights).sum(axis=1) / weights.sum()


def central_weights(weights: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of SMAA central weights (vendors × criteria; rows of NaN for vendors that
    never win are left blank)."""
    ax = axes(ax, (9, 3))
    image = ax.imshow(weights.to_numpy(dtype=float), aspect="auto", cmap="Blues", vmin=0)
    ax.set_yticks(range(len(weights.index)), [str(v) for v in weights.index])
    ax.set_xticks(
        range(len(weights.columns)),
        [str(c) for c in weights.columns],
        rotation=90,
        fontsize="small",
    )
    ax.figure.colorbar(image, ax=ax, label="central weight")
    return ax


def value_for_money(
    quality: pd.Series,
    cost: pd.Series,
    *,
    front: Sequence[str] = (),
    budget: float | None = None,
    excluded: Sequence[str] = (),
    cost_label: str = "5-year cost",
    ax: Axes | None = None,
) -> Axes:
    """Value for money: each vendor's quality (0–100, the non-price criteria) against its
    cost, the vendors of the Pareto ``front`` (no other offer has higher quality at a lower
    or equal cost) joined by a dashed line, the ``budget`` as a vertical line, and the
    ``excluded`` vendors (knocked out or eliminated) as grey crosses. ``quality`` and
    ``cost`` are indexed by vendor id (the label of each point)."""
    ax = axes(ax, (7, 4.5))
    vendors = [str(v) for v in quality.index]
    colours = vendor_colours(vendors)
    for vendor in vendors:
        x, y = float(cost[vendor]), float(quality[vendor])
        if vendor in excluded:
            ax.scatter([x], [y], marker="x", color=KNOCKED_OUT)
            ax.annotate(f" {vendor} (out)", (x, y), fontsize="small", color="#777777")
        else:
            ax.scatter([x], [y], color=colours[vendor], zorder=3)
            ax.annotate(f" {vendor}", (x, y), fontsize="small")
    if front:
        line = pd.DataFrame({"x": cost[list(front)], "y": quality[list(front)]}).sort_values("x")
        ax.plot(line["x"], line["y"], "--", color="#08519c", label="Pareto front")
    if budget is not None:
        ax.axvline(budget, color="#7a1a14", linestyle=":", label=f"budget {budget:,.0f}")
    from matplotlib.ticker import StrMethodFormatter

    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylim(0, 100)
    ax.set_xlabel(cost_label)
    ax.set_ylabel("quality (non-price criteria, 0–100)")
    ax.set_title("Value for money: quality against cost")
    if front or budget is not None:
        ax.legend(loc="lower right", fontsize="small", frameon=False)
    return ax
