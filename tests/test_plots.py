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


def test_contributions_grey_a_knocked_out_vendor_and_label_it(
    analysis: crmselect.analysis.Analysis,
) -> None:
    ax = plots.contributions(analysis.result)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "tidewater (knocked out)" in labels
    row = labels.index("tidewater (knocked out)")
    colours = {
        round(p.get_y() + p.get_height() / 2): matplotlib.colors.to_hex(p.get_facecolor())
        for p in ax.patches
        if round(p.get_y() + p.get_height() / 2) == row
    }
    assert set(colours.values()) == {plots.KNOCKED_OUT}
    others = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert others.count(plots.KNOCKED_OUT) == 6  # the six parts of tidewater's bar only
    keys = [matplotlib.colors.to_hex(h.get_facecolor()) for h in ax.get_legend().legend_handles]
    assert plots.KNOCKED_OUT not in keys
    assert len(set(keys)) == 6
    plt.close("all")


def test_radar_dashes_a_knocked_out_vendor_in_grey(analysis: crmselect.analysis.Analysis) -> None:
    ax = plots.radar(analysis.result, vendors=["orbis", "tidewater"])
    orbis, tidewater = ax.get_lines()
    assert tidewater.get_label() == "tidewater (knocked out)"
    assert matplotlib.colors.to_hex(tidewater.get_color()) == plots.KNOCKED_OUT
    assert tidewater.get_linestyle() == "--"
    assert orbis.get_linestyle() == "-"
    plt.close("all")


def _legend_clear_of_the_data(ax: matplotlib.axes.Axes) -> None:
    """The legend lies outside the Axes (so over no bar, line or point) and on the figure."""
    figure = ax.figure
    figure.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent()
    area = ax.get_window_extent()
    assert not box.overlaps(area), (box, area)
    page = figure.bbox
    assert page.x0 - 1 <= box.x0
    assert box.x1 <= page.x1 + 1
    assert page.y0 - 1 <= box.y0
    assert box.y1 <= page.y1 + 1


def test_no_legend_lies_over_the_data(analysis: crmselect.analysis.Analysis) -> None:
    from crmselect.consensus import aggregate_scores
    from crmselect.robustness import stability_intervals, tornado

    assert analysis.smaa is not None
    drawn = [
        plots.contributions(analysis.result),
        plots.radar(analysis.result),
        tornado(stability_intervals(analysis.result)),
        analysis.smaa.plot(),
        aggregate_scores(analysis.result.evaluation).plot(),
    ]
    for ax in drawn:
        _legend_clear_of_the_data(ax)
    plt.close("all")
