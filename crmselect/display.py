"""Small, dependency-free HTML rendering for Jupyter (``_repr_html_``).

Every value and label is escaped, so vendor-supplied text can never inject markup into a
notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

_STYLE = (
    "<style>"
    ".crmselect-table{border-collapse:collapse;font-size:0.9em}"
    ".crmselect-table caption{font-weight:bold;text-align:left;padding:4px 0}"
    ".crmselect-table td,.crmselect-table th{padding:2px 8px;border-bottom:1px solid #ddd}"
    ".crmselect-table tr.crmselect-flag{background:#fde2e1;color:#7a1a14}"
    "</style>"
)


def _cell(value: object) -> str:
    return (
        "–"
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else html.escape(str(value))
    )


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
