"""How results show themselves: the result protocol, and dependency-free HTML tables for
Jupyter (``_repr_html_``).

**The result protocol.** Every result crmselect computes — a score, an SMAA run, a flip, a
panel's agreement, a TCO, a business case, the whole :class:`~crmselect.analysis.Analysis` —
offers the same four things (:class:`Result`, :class:`Plottable`):

* ``to_frame()``: the result as one :class:`pandas.DataFrame`, the table a committee reads
  first (the other tables stay attributes);
* ``_repr_html_()``: that table in a notebook — ``to_frame()``, some of its rows or columns,
  reshaped or formatted for reading, rendered by :func:`html_table` with a caption; never a
  table ``to_frame()`` does not hold. A result made of results (the
  :class:`~crmselect.analysis.Analysis`) shows its own table as a summary — a share as a bar
  (:func:`share_bar`) — and folds each part's own table behind it (:func:`details`);
* ``__repr__()``: one line that names the finding, never a DataFrame dump;
* ``plot(ax=None)`` where a picture helps: draws on ``ax`` (or on a new figure from
  :func:`crmselect.plots.axes`) and returns the Axes.

Where a result records its provenance it has ``fingerprint``: an attribute, never a method,
holding the SHA-256 hex digest of the inputs it was computed from (:mod:`crmselect.hashing`);
the inputs hashed themselves (:class:`~crmselect.model.Evaluation`, the demo panel) hold the
digest of their own content, computed once, on first use.

Every value and label is escaped, so vendor-supplied text can never inject markup into a
notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_STYLE = (
    "<style>"
    ".crmselect-table{border-collapse:collapse;font-size:0.9em}"
    ".crmselect-table caption{font-weight:bold;text-align:left;padding:4px 0}"
    ".crmselect-table td,.crmselect-table th{padding:2px 8px;border-bottom:1px solid #ddd}"
    ".crmselect-table tr.crmselect-flag{background:#fde2e1;color:#7a1a14}"
    ".crmselect-bar{display:inline-block;width:120px;height:10px;background:#eeeeee;"
    "vertical-align:middle;margin-right:6px}"
    ".crmselect-bar span{display:block;height:10px;background:#1f77b4}"
    "details.crmselect-details summary{cursor:pointer;padding:2px 0}"
    "</style>"
)


@runtime_checkable
class Result(Protocol):
    """What every result gives (module docstring): its table, and that table in a notebook."""

    def to_frame(self) -> pd.DataFrame:
        """The result as one DataFrame."""
        ...

    def _repr_html_(self) -> str:
        """:meth:`to_frame` as an HTML table (:func:`html_table`)."""
        ...


@runtime_checkable
class Plottable(Protocol):
    """A result with a picture (module docstring)."""

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw on ``ax`` (a new figure when None) and return the Axes."""
        ...


def _cell(value: object) -> str:
    return (
        "–"
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else html.escape(str(value))
    )


def flat_index(frame: pd.DataFrame, sep: str = "/", name: str | None = None) -> pd.DataFrame:
    """A copy of ``frame`` whose (multi-level) row labels are joined into one text label per
    row, ``sep`` between the levels, for an HTML table.

    >>> frame = pd.DataFrame({"score": [3.0]}, index=pd.MultiIndex.from_tuples([("a", "D1")]))
    >>> flat_index(frame).index.tolist(), flat_index(frame, " + ", "pair").index.name
    (['a/D1'], 'pair')
    """
    flat = frame.copy()
    flat.index = pd.Index(
        [sep.join(map(str, k)) if isinstance(k, tuple) else str(k) for k in frame.index],
        name=name,
    )
    return flat


def html_table(frame: pd.DataFrame, caption: str, highlight: Iterable[object] = ()) -> str:
    """``frame`` as an HTML table with a caption; rows whose index label is in
    ``highlight`` carry the ``crmselect-flag`` class (knock-outs, outliers)."""
    flagged = set(highlight)
    index_name = _cell(frame.index.name or "")
    head = "".join(f"<th>{_cell(c)}</th>" for c in frame.columns)
    rows = []
    for label, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        css = ' class="crmselect-flag"' if label in flagged else ""
        cells = "".join(f"<td>{_cell(v)}</td>" for v in values)
        rows.append(f"<tr{css}><th>{_cell(label)}</th>{cells}</tr>")
    return (
        f'{_STYLE}<table class="crmselect-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr><th>{index_name}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def share_bar(share: float) -> str:
    """A share in [0, 1] as a small horizontal bar followed by its percentage (``–`` for
    NaN), for a summary table's cell.

    >>> share_bar(0.25)
    '<span class="crmselect-bar"><span style="width:25.0%"></span></span>25.0 %'
    """
    if share != share:
        return "–"
    clipped = min(max(float(share), 0.0), 1.0)
    return (
        f'<span class="crmselect-bar"><span style="width:{100 * clipped:.1f}%"></span></span>'
        f"{100 * float(share):.1f} %"
    )


def details(summary: str, body: str) -> str:
    """``body`` (HTML) folded behind a ``<details>`` element whose summary line is
    ``summary`` (escaped)."""
    return (
        f'<details class="crmselect-details"><summary>{html.escape(summary)}</summary>'
        f"{body}</details>"
    )


def summary_table(rows: Iterable[tuple[str, str, str, str]], caption: str) -> str:
    """A summary: one row per finding — its name, subject, value and detail, every one
    escaped except the value, which is HTML the caller built (a :func:`share_bar`, or an
    escaped number)."""
    body = "".join(
        f"<tr><th>{_cell(name)}</th><td>{_cell(subject)}</td><td>{value}</td>"
        f"<td>{_cell(detail)}</td></tr>"
        for name, subject, value, detail in rows
    )
    return (
        f'{_STYLE}<table class="crmselect-table"><caption>{html.escape(caption)}</caption>'
        f"<tbody>{body}</tbody></table>"
    )
