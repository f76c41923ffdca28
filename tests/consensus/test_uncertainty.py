"""The panel bootstrap: evaluators resampled with replacement, their scores kept together."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import crmselect
from crmselect import ValidationError
from crmselect.consensus import (
    ModeratedScore,
    aggregate_scores,
    apply_moderation,
    panel_bootstrap,
    uncertainty,
)

example = functools.cache(crmselect.example)
"""The example, loaded once per module (it reads a folder of workbooks)."""


def frame(scores: dict[str, dict[tuple[str, str], float | None]]) -> pd.DataFrame:
    rows = [(e, v, "D", c, s) for e, cells in scores.items() for (v, c), s in cells.items()]
    return pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])


# two vendors × two criteria, three evaluators with very different views
PANEL = frame(
    {
        "ann": {("x", "fit"): 5, ("x", "cost"): 1, ("y", "fit"): 2, ("y", "cost"): 4},
        "bob": {("x", "fit"): 1, ("x", "cost"): 3, ("y", "fit"): 4, ("y", "cost"): 2},
        "cy": {("x", "fit"): 3, ("x", "cost"): 5, ("y", "fit"): 3, ("y", "cost"): None},
    }
)


def test_shape_labels_range_and_provenance() -> None:
    boot = panel_bootstrap(example(), 300, seed=11)
    assert boot.samples.shape == (300, 5, 7)
    assert boot.vendors == ("orbis", "kestrel", "quillpoint", "helix", "meridian")
    assert boot.criteria[0] == "sfa"
    assert ((boot.samples >= 0) & (boot.samples <= 1)).all()
    assert boot.drawn.shape == (300, 5)
    assert boot.seed == 11
    assert boot.settings["method"] == "mean"
    assert boot.settings["n_samples"] == 300
    assert len(boot.fingerprint) == 64
    assert "300 draws" in repr(boot)
    assert "<table" in boot._repr_html_()


def test_every_draw_is_the_aggregate_of_the_evaluators_drawn() -> None:
    aggregate = aggregate_scores(PANEL)
    boot = panel_bootstrap(aggregate, 50, seed=3)
    names = aggregate.panel.evaluators
    for i in (0, 7, 49):
        drawn = [names[k] for k in boot.drawn[i]]
        # the same evaluator drawn twice counts twice: rebuild that panel under new names
        rows = [
            PANEL[PANEL["evaluator"] == name].assign(evaluator=f"{name}#{j}")
            for j, name in enumerate(drawn)
        ]
        expected = aggregate_scores(pd.concat(rows, ignore_index=True)).matrix()
        got = boot.sample(i)
        for vendor in ("x", "y"):
            for criterion in ("fit", "cost"):
                want = expected.loc[vendor, criterion]
                if np.isnan(want):  # only cy drawn for y/cost: nobody scored it
                    want = aggregate.matrix().loc[vendor, criterion]
                assert got.loc[vendor, criterion] == pytest.approx(want)


def test_the_same_seed_gives_the_same_draws_and_chunking_does_not_matter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evaluation = example()
    a = panel_bootstrap(evaluation, 400, seed=5)
    b = panel_bootstrap(evaluation, 400, seed=5)
    monkeypatch.setattr(uncertainty, "_CELLS_PER_CHUNK", 7 * 40)  # seven draws per chunk
    c = panel_bootstrap(evaluation, 400, seed=5)
    assert np.array_equal(a.samples, b.samples)
    assert np.array_equal(a.samples, c.samples)
    assert not np.array_equal(a.samples, panel_bootstrap(evaluation, 400, seed=6).samples)


def test_an_unseeded_run_can_be_repeated_from_its_recorded_seed() -> None:
    first = panel_bootstrap(PANEL, 100)
    again = panel_bootstrap(PANEL, 100, seed=first.seed)
    assert np.array_equal(first.samples, again.samples)
    sequence = np.random.SeedSequence(99)
    assert np.array_equal(
        panel_bootstrap(PANEL, 20, seed=sequence).samples,
        panel_bootstrap(PANEL, 20, seed=99).samples,
    )


def test_a_unanimous_panel_has_no_uncertainty() -> None:
    same = {("x", "fit"): 4.0, ("y", "fit"): 2.0}
    boot = panel_bootstrap(frame({"ann": same, "bob": same, "cy": same}), 200, seed=1)
    assert np.allclose(boot.std.to_numpy(), 0.0)
    assert np.allclose(boot.samples, boot.point.to_numpy())


def test_bootstrap_mean_is_near_the_panel_and_the_spread_is_real() -> None:
    boot = panel_bootstrap(example(), 2000, seed=2)
    assert np.allclose(boot.mean.to_numpy(), boot.point.to_numpy(), atol=0.01)
    low, high = boot.interval(0.9)
    assert (low.to_numpy() <= boot.point.to_numpy() + 1e-12).all()
    assert (high.to_numpy() >= boot.point.to_numpy() - 1e-12).all()
    assert boot.std.to_numpy().max() > 0.03
    table = boot.to_frame()
    assert list(table.columns) == ["point", "mean", "std", "low", "high"]
    assert len(table) == 35


def test_moderated_items_are_fixed_in_every_draw() -> None:
    aggregate = aggregate_scores(PANEL)
    agreed = apply_moderation(
        aggregate, [ModeratedScore("x", "D", "fit", 2.0, "re-demonstrated", "chair")]
    )
    boot = panel_bootstrap(agreed, 200, seed=4)
    assert np.allclose(boot.samples[:, 0, 0], 0.4)  # x, fit on 0–5 → 2/5
    assert boot.moderated == 1
    assert boot.samples[:, 1, 0].std() > 0  # other cells still vary


def test_draws_reuse_the_aggregate_settings() -> None:
    median = panel_bootstrap(aggregate_scores(PANEL, method="median"), 300, seed=8)
    mean = panel_bootstrap(aggregate_scores(PANEL), 300, seed=8)
    assert median.settings["method"] == "median"
    assert not np.allclose(median.samples, mean.samples)
    complete = panel_bootstrap(aggregate_scores(PANEL, missing="complete"), 300, seed=8)
    # cy left y/cost blank: under 'complete' a draw that includes cy has no value there
    # (nor has the full panel, so nothing fills it); a draw of ann and bob only has one
    with_cy = (complete.drawn == 2).any(axis=1)
    assert np.array_equal(np.isnan(complete.samples[:, 1, 1]), with_cy)
    assert 0 < with_cy.sum() < 300


def test_bad_arguments() -> None:
    with pytest.raises(ValidationError, match="n_samples"):
        panel_bootstrap(PANEL, 0)
    with pytest.raises(ValidationError, match="seed"):
        panel_bootstrap(PANEL, 10, seed=-1)
    with pytest.raises(ValidationError, match="level"):
        panel_bootstrap(PANEL, 10, seed=1).interval(1.5)
