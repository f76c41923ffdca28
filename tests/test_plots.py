"""Figures are tested for what they draw (bars, labels, legend entries), not for pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import crmselect
from crmselect import plots
from crmselect.analysis import analyse


@pytest.fixture(scope="module")
def analysis() -> crmselect.analysis.Analysis:
    return analyse(crmselect.example(), n_samples=1_000)


def test_vendor_colours_are_stable_across_figures(analysis: crmselect.analysis.Analysis) -> None:
    vendors = list(analysis.result.evaluation.vendor_ids)
    assert plots.vendor_colours(vendors) == plots.vendor_colours(vendors)
    assert len(set(plots.vendor_colours(vendors).values())) == len(vendors)


def test_totals_draw_one_bar_per_vendor_and_grey_knock_outs(
    analysis: crmselect.analysis.Analysis,
) -> None:
    ax = plots.totals(analysis.result)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.patches) == 6
    assert labels[-1] == "orbis"  # best at the top
    assert "tidewater (knocked out)" in labels
    grey = [p for p in ax.patches if matplotlib.colors.to_hex(p.get_facecolor()) == "#bbbbbb"]
    assert len(grey) == 1
    plt.close("all")


def test_contributions_stack_top_level_criteria(analysis: crmselect.analysis.Analysis) -> None:
    ax = plots.contributions(analysis.result)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 6
    assert "Functional scope" in legend
    assert len(ax.patches) == 6 * 6  # six vendors × six top-level criteria
    widths = {}
    for patch in ax.patches:
        y = round(patch.get_y(), 6)
        widths[y] = widths.get(y, 0.0) + patch.get_width()
    assert max(widths.values()) == pytest.approx(analysis.result.totals.max())
    plt.close("all")


def test_radar_has_a_line_per_vendor(analysis: crmselect.analysis.Analysis) -> None:
    ax = plots.radar(analysis.result, vendors=["orbis", "kestrel"])
    assert [line.get_label() for line in ax.get_lines()] == ["orbis", "kestrel"]
    assert len(ax.get_xticklabels()) == 6
    plt.close("all")


def test_central_weights_heat_map_labels(analysis: crmselect.analysis.Analysis) -> None:
    assert analysis.smaa is not None
    ax = plots.central_weights(analysis.smaa.central_weights)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(analysis.smaa.central_weights.index)
    plt.close("all")


def test_a_score_result_plots_its_totals(analysis: crmselect.analysis.Analysis) -> None:
    _, ax = plt.subplots()
    assert analysis.result.plot(ax=ax) is ax
    drawn = [t.get_text() for t in ax.get_yticklabels()]
    assert drawn == [t.get_text() for t in plots.totals(analysis.result).get_yticklabels()]
    assert len(ax.patches) == len(analysis.result.totals)
    plt.close("all")
