"""The cockpit's widget: its controls drive the model, its panes show what the model and
scoring compute, a saved scenario goes on the record, and a notebook shows it through a
real kernel (issue 20 items 1 and 2)."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
from pathlib import Path

import pytest

import crmselect
from crmselect.errors import CrmselectError
from crmselect.io.folder.record import read_record
from crmselect.record import Event
from crmselect.whatif_model import what_if
from crmselect.whatif_widget import WhatIfWidget, interval_html, snapshot_html
from tests.helpers import run_cells


@pytest.fixture(scope="module")
def tender() -> crmselect.Tender:
    return crmselect.derive(crmselect.example_tender())


def test_moving_a_slider_moves_the_model_the_siblings_and_the_rank_table(
    tender: crmselect.Tender,
) -> None:
    widget = crmselect.whatif(tender, n_samples=1_000)
    assert isinstance(widget, WhatIfWidget)
    widget.settle_after = None  # settled by hand below, never by a timer
    assert "orbis" in widget.ranks.value
    assert "the award basis" in widget.ranks.value
    widget.sliders["commercial"].value = 0.40
    expected = what_if(tender, n_samples=1_000).set_weight("commercial", 0.40)
    assert widget.model.winners == expected.winners == ("kestrel",)
    assert math.isclose(widget.sliders["functional"].value, expected.local["functional"])
    assert "WHAT-IF, not the award basis" in widget.ranks.value
    assert "re-running" in widget.acceptability.value
    widget.settle()
    first = expected.acceptability
    assert first is not None
    assert f"{first.acceptability[1].to_dict()['kestrel']:.1%}" in widget.acceptability.value
    interval = expected.interval("commercial")
    assert interval is not None
    assert widget.strips["commercial"].value == interval_html(interval)
    assert "orbis draws level" in widget.strips["commercial"].value


def test_locks_overrides_and_reset(tender: crmselect.Tender) -> None:
    widget = crmselect.whatif(tender, n_samples=500)
    widget.locks["functional"].value = True
    functional = widget.sliders["functional"].value
    widget.sliders["vendor"].value = 0.30
    assert widget.sliders["functional"].value == functional
    widget.vendor.value, widget.criterion.value, widget.score.value = "helix", "sfa", 1.0
    widget.apply_score.click()
    assert widget.model.overrides == {("helix", "sfa"): 1.0}
    widget.reset_button.click()
    assert widget.model.is_basis
    assert not widget.locks["functional"].value
    assert math.isclose(widget.sliders["vendor"].value, what_if(tender).local["vendor"])


def test_a_saved_scenario_goes_on_the_record_of_the_folder(
    tender: crmselect.Tender, tmp_path: Path
) -> None:
    kept = crmselect.whatif(tender, n_samples=500)
    kept.save_button.click()  # no name, no change: refused in the widget, not raised
    assert "not saved" in kept.status.value
    kept.sliders["commercial"].value = 0.30
    entry = kept.save("commercial 30", by="Mei Tanaka", reason="the CFO asked")
    assert kept.saved == [entry]
    assert kept.record.entries[-1] is entry
    assert "kept in this session" in kept.status.value
    folder = tmp_path / "tender"
    shutil.copytree(crmselect.example_path(), folder)
    written = crmselect.whatif(crmselect.load_tender(folder), folder=folder, n_samples=500)
    written.sliders["commercial"].value = 0.30
    written.name.value, written.by.value, written.reason.value = "c30", "Mei Tanaka", "CFO"
    written.save_button.click()
    last = read_record(folder).entries[-1]
    assert last.event is Event.WHAT_IF
    assert last.data["name"] == "c30"
    assert last.data["award_basis"] is False
    assert last.by == "Mei Tanaka"


def test_the_snapshot_shows_every_weight_its_strip_and_the_tables(
    tender: crmselect.Tender,
) -> None:
    model = what_if(tender, n_samples=500).set_weight("commercial", 0.35)
    page = snapshot_html(model)
    for label in model.labels.values():
        assert label.replace("&", "&amp;") in page
    assert page.count("crmselect-strip") == len(model.parent)
    assert "WHAT-IF, not the award basis" in page
    assert "Rank-1 acceptability" in page


def test_without_ipywidgets_the_error_names_the_extra(
    tender: crmselect.Tender, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ipywidgets" else real(name)
    )
    with pytest.raises(CrmselectError, match=r"pip install 'crmselect\[notebooks\]'"):
        crmselect.whatif(tender)


@pytest.mark.integration
def test_the_widget_runs_in_a_notebook_and_its_state_follows_the_slider(tmp_path: Path) -> None:
    notebook = run_cells(
        [
            "import crmselect\n"
            "cockpit = crmselect.whatif(crmselect.example_tender(), n_samples=1000)\n"
            "cockpit",
            "cockpit.sliders['commercial'].value = 0.40\n"
            "cockpit.settle()\n"
            "import json\n"
            "print(json.dumps({'winners': cockpit.model.winners,\n"
            "    'value': cockpit.sliders['commercial'].value,\n"
            "    'ranks': cockpit.ranks.value}))",
        ],
        tmp_path,
    )
    shown = notebook.cells[0].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = [m["state"] for m in state.values() if m["model_name"] == "FloatSliderModel"]
    assert any(s.get("description") == "Commercial terms" for s in sliders)
    printed = json.loads(notebook.cells[1].outputs[0]["text"])
    assert printed["winners"] == ["kestrel"]
    assert math.isclose(printed["value"], 0.40)
    assert "WHAT-IF, not the award basis" in printed["ranks"]


def test_the_acceptability_is_re_run_once_the_sliders_settle(tender: crmselect.Tender) -> None:
    widget = WhatIfWidget(what_if(tender, n_samples=500), settle_after=0.01)
    widget.sliders["commercial"].value = 0.20
    widget.sliders["commercial"].value = 0.40  # the first timer is cancelled by the second move
    timer = widget._timer
    assert timer is not None
    timer.join(timeout=60)
    assert "Rank-1 acceptability around these weights" in widget.acceptability.value
    assert "kestrel" in widget.acceptability.value
