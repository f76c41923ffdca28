"""The cockpit's view: ipywidgets over a :class:`~crmselect.whatif_model.WhatIf` (the
``notebooks`` extra), and the same state as static HTML (:func:`snapshot_html`: the README's
screenshot, a printout).

The widget holds one model and replaces it on every move: a slider per criterion (local
weight; top level first, each group's leaves in a fold below it) with a lock; under each
slider a strip drawing its stability interval — the range in which the winner stays first
(green), the current weight (black) and the flip points where a challenger draws level
(red); the live rank table (``P w``: microseconds); the rank-1 acceptability bars, re-run
(SMAA, :attr:`~crmselect.whatif_model.WhatIf.acceptability`) once the sliders have been still
for :data:`SETTLE_SECONDS` — or at once with :meth:`WhatIfWidget.settle`; a score override
(vendor, criterion, score); "reset to the award basis"; and "save scenario", which puts the
state on the tender's record as a named what-if (never the award basis), appended to the
tender folder's record when the widget was given one.

ipywidgets is imported when a widget is built, never at import time, so this module's HTML
helpers need nothing beyond the library. Every label and value is escaped.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from crmselect.errors import CrmselectError
from crmselect.io.folder.record import append_entry, now
from crmselect.record import Entry, TenderRecord
from crmselect.robustness import SmaaResult
from crmselect.whatif_model import WeightInterval, WhatIf

SETTLE_SECONDS = 0.4
"""How long the sliders must be still before the acceptability is re-run."""
STRIP_WIDTH = 300
"""Pixels of an interval strip (the sliders' width)."""


def interval_html(interval: WeightInterval | None, width: int = STRIP_WIDTH) -> str:
    """A strip as wide as a slider over [0, 1]: the stability interval (green), the
    current weight (black tick), each flip point (red tick, titled with who draws level)."""
    if interval is None:
        return ""

    def at(x: float) -> int:
        return round(min(max(x, 0.0), 1.0) * width)

    band = (
        f'<div style="position:absolute;left:{at(interval.lower)}px;'
        f"width:{max(at(interval.upper) - at(interval.lower), 1)}px;height:8px;top:2px;"
        f'background:#a1d99b" title="{html.escape(str(interval))}"></div>'
    )
    ticks = [
        f'<div style="position:absolute;left:{at(x)}px;width:2px;height:12px;top:0;'
        f'background:{colour}" title="{html.escape(title)}"></div>'
        for x, colour, title in [
            (interval.weight, "#000000", f"now {interval.weight:.1%}"),
            *((x, "#d62728", f"{by} draws level at {x:.1%}") for x, by in interval.flips),
        ]
    ]
    return (
        f'<div class="crmselect-strip" style="position:relative;width:{width}px;height:12px;'
        f'background:#eeeeee">{band}{"".join(ticks)}</div>'
    )


def acceptability_html(result: SmaaResult | None) -> str:
    """Rank-1 acceptability as one bar per vendor, highest first (``–`` when not run)."""
    if result is None:
        return "<p>rank-1 acceptability: fewer than two vendors in the running</p>"
    first = result.acceptability[1].sort_values(ascending=False, kind="stable")
    rows = "".join(
        f"<tr><th>{html.escape(str(v))}</th><td>"
        f'<div style="background:#1f77b4;height:10px;width:{round(200 * float(b))}px"></div>'
        f"</td><td>{float(b):.1%}</td></tr>"
        for v, b in first.items()
    )
    caption = (
        f"Rank-1 acceptability around these weights — SMAA-2, {result.n_samples:,} samples, "
        f"seed {result.seed}"
    )
    return (
        f'<table class="crmselect-table"><caption>{html.escape(caption)}</caption>'
        f"<tbody>{rows}</tbody></table>"
    )


def weights_frame(model: WhatIf) -> pd.DataFrame:
    """Every criterion, top level first and each group's leaves after it: ``parent``,
    ``local`` (its share of the parent), ``global`` (of the total), ``locked``."""
    order = [c for top in model.groups[None] for c in (top, *_descendants(model, top))]
    rows = {
        c: {
            "label": model.labels[c],
            "parent": model.parent[c] or "",
            "local": model.local[c],
            "global": model._share(c),
            "locked": c in model.locked,
        }
        for c in order
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("criterion")


def _descendants(model: WhatIf, node: str) -> list[str]:
    found: list[str] = []
    for child in model.groups.get(node, ()):
        found += [child, *_descendants(model, child)]
    return found


def snapshot_html(model: WhatIf) -> str:
    """The widget's state as one static HTML page fragment: every criterion's weight with its
    interval strip, the rank table and the acceptability bars."""
    rows = []
    for node, row in weights_frame(model).iterrows():
        indent = "" if not row["parent"] else "&nbsp;&nbsp;&nbsp;&nbsp;"
        lock = " 🔒" if row["locked"] else ""
        rows.append(
            f"<tr><th style='text-align:left'>{indent}{html.escape(str(row['label']))}{lock}</th>"
            f"<td>{float(row['local']):.1%}</td>"
            f"<td>{interval_html(model.interval(str(node)))}</td></tr>"
        )
    weights = (
        '<table class="crmselect-table"><caption>Weights (share of the group) and the range '
        "in which the winner stays first</caption><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return (
        f"<div class='crmselect-whatif'><h3>{html.escape(model.caption)}</h3>"
        f"<div style='display:flex;gap:24px;align-items:flex-start'>{weights}"
        f"<div>{model.ranks_html()}{acceptability_html(model.acceptability)}</div></div></div>"
    )


class WhatIfWidget:
    """The cockpit (module docstring) over ``model``; shown by Jupyter as its ``box``.

    ``folder``: the tender folder whose record a saved scenario is appended to (``None``:
    saved scenarios are kept in :attr:`saved` and :attr:`record` only). ``settle_after``:
    seconds of stillness before the acceptability is re-run (``None``: only on
    :meth:`settle`). The controls are
    attributes, so a test or a notebook can drive them: ``sliders[node].value = 0.3``.
    """

    def __init__(
        self,
        model: WhatIf,
        *,
        folder: Path | None = None,
        settle_after: float | None = SETTLE_SECONDS,
    ) -> None:
        import ipywidgets as widgets  # type: ignore[import-untyped]

        self.model = model
        self.folder = folder
        self.settle_after = settle_after
        self.saved: list[Entry] = []
        self.record = model.record or TenderRecord()
        self._timer: threading.Timer | None = None
        self._quiet = False
        layout = widgets.Layout(width=f"{STRIP_WIDTH + 190}px")
        self.sliders = {
            node: widgets.FloatSlider(
                value=model.local[node],
                min=0.0,
                max=1.0,
                step=0.001,
                description=model.labels[node],
                readout_format=".1%",
                continuous_update=True,
                style={"description_width": "150px"},
                layout=layout,
            )
            for node in model.parent
        }
        self.locks = {
            node: widgets.ToggleButton(
                value=False, icon="lock", tooltip="lock", layout={"width": "36px"}
            )
            for node in model.parent
        }
        self.strips = {node: widgets.HTML() for node in model.parent}
        for node, slider in self.sliders.items():
            slider.observe(lambda change, n=node: self._moved(n, change["new"]), names="value")
            self.locks[node].observe(
                lambda change, n=node: self._locked(n, change["new"]), names="value"
            )
        self.ranks = widgets.HTML()
        self.acceptability = widgets.HTML()
        self.status = widgets.HTML()
        self.vendor = widgets.Dropdown(options=list(model.vendors), description="vendor")
        self.criterion = widgets.Dropdown(options=list(model.leaves), description="criterion")
        self.score = widgets.FloatSlider(min=0.0, max=1.0, step=0.01, description="score")
        self.apply_score = widgets.Button(description="override score")
        self.apply_score.on_click(lambda _: self._override())
        self.reset_button = widgets.Button(description="reset to the award basis")
        self.reset_button.on_click(lambda _: self.reset())
        self.name = widgets.Text(description="scenario")
        self.by = widgets.Text(description="by")
        self.reason = widgets.Text(description="why")
        self.save_button = widgets.Button(description="save scenario (what-if)")
        self.save_button.on_click(lambda _: self._save_clicked())
        self.box = widgets.VBox(
            [
                widgets.HBox(
                    [self._weights_panel(widgets), widgets.VBox([self.ranks, self.acceptability])]
                ),
                widgets.HBox([self.vendor, self.criterion, self.score, self.apply_score]),
                widgets.HBox(
                    [self.reset_button, self.name, self.by, self.reason, self.save_button]
                ),
                self.status,
            ]
        )
        self._refresh(settled=False)
        self.settle()

    def _weights_panel(self, widgets: Any) -> Any:
        """The top-level sliders, each group's leaves folded below it."""

        def row(node: str) -> Any:
            return widgets.VBox(
                [widgets.HBox([self.sliders[node], self.locks[node]]), self.strips[node]]
            )

        def group(node: str) -> Any:
            children = self.model.groups.get(node)
            if not children:
                return row(node)
            fold = widgets.Accordion(children=[widgets.VBox([group(c) for c in children])])
            fold.set_title(0, f"{self.model.labels[node]}: its criteria")
            fold.selected_index = None
            return widgets.VBox([row(node), fold])

        return widgets.VBox([group(node) for node in self.model.groups[None]])

    # -- moves -------------------------------------------------------------------------------

    def _moved(self, node: str, value: float) -> None:
        if self._quiet:
            return
        self.model = self.model.set_weight(node, value)
        self._refresh(settled=False)
        self._schedule()

    def _locked(self, node: str, locked: bool) -> None:
        self.model = self.model.lock(node, locked)
        self._refresh(settled=False)

    def _override(self) -> None:
        self.model = self.model.override(self.vendor.value, self.criterion.value, self.score.value)
        self._refresh(settled=False)
        self.settle()

    def reset(self) -> None:
        """Back to the award basis (weights, scores, locks)."""
        self.model = self.model.reset()
        self._quiet = True
        try:
            for lock in self.locks.values():
                lock.value = False
        finally:
            self._quiet = False
        self._refresh(settled=False)
        self.settle()

    def _schedule(self) -> None:
        """Re-run the acceptability once the sliders have been still for a moment."""
        if self._timer is not None:
            self._timer.cancel()
        if self.settle_after is None:
            return
        self._timer = threading.Timer(self.settle_after, self.settle)
        self._timer.daemon = True
        self._timer.start()

    def settle(self) -> None:
        """Run the SMAA around the current weights now and show it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.acceptability.value = acceptability_html(self.model.acceptability)
        self.ranks.value = self.model.ranks_html()

    def _refresh(self, *, settled: bool) -> None:
        """Sliders, strips and the rank table from the model (the acceptability only when
        ``settled``)."""
        self._quiet = True
        try:
            for node, slider in self.sliders.items():
                slider.value = self.model.local[node]
        finally:
            self._quiet = False
        for node, strip in self.strips.items():
            strip.value = interval_html(self.model.interval(node))
        self.ranks.value = self.model.ranks_html(acceptability=settled)
        if not settled:
            self.acceptability.value = "<p>rank-1 acceptability: re-running…</p>"

    # -- saving ------------------------------------------------------------------------------

    def save(self, name: str, *, by: str, reason: str) -> Entry:
        """Put the current state on the record as the what-if scenario ``name`` (appended
        to the folder's record when the widget has a folder)."""
        entry = self.model.scenario(name, by=by, reason=reason, at=now())
        if self.folder is not None:
            self.record = append_entry(self.folder, entry)
            where = f"appended to {self.folder}'s record"
        else:
            self.record = TenderRecord((*self.record.entries, entry))
            where = "kept in this session (give whatif(..., folder=DIR) to write it)"
        self.saved.append(entry)
        self.status.value = html.escape(
            f"saved what-if scenario {name!r} (not the award basis), {where}"
        )
        return entry

    def _save_clicked(self) -> None:
        try:
            self.save(self.name.value, by=self.by.value, reason=self.reason.value)
        except (CrmselectError, OSError) as exc:  # shown in the widget, not as a traceback
            self.status.value = html.escape(f"not saved: {exc}")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)  # type: ignore[no-untyped-call]

    def __repr__(self) -> str:
        return f"<WhatIfWidget over {self.model!r}>"
