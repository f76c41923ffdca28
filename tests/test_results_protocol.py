"""The result protocol (crmselect.display): every result gives its table with to_frame(), a
notebook shows that table (escaped), plot(ax) draws on the Axes it is given, and a
fingerprint is an attribute holding the digest it documents."""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import pkgutil
from pathlib import Path

import attrs
import matplotlib
import pandas as pd
import pytest

from tests.helpers import minimal_evaluation

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import crmselect
from crmselect import consensus, plots, robustness
from crmselect.analysis import Analysis, analyse
from crmselect.display import Plottable, Result
from crmselect.hashing import canonical, digest, sha256_of_canonical
from crmselect.weights import judgement_results, member_weights

PACKAGE = Path(crmselect.__file__).resolve().parent
ANALYTIC = ("weights", "consensus", "scoring", "robustness", "cost", "analysis")
"""The packages whose results follow the protocol (the io forms report what a file held)."""


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    """One of every result, computed from the bundled example."""
    evaluation = crmselect.example()
    analysis = analyse(crmselect.example_tender(), n_samples=1_000)
    assert analysis.smaa is not None
    assert analysis.costs is not None
    assert analysis.costs.case is not None
    assert analysis.costs.simulation is not None
    score = analysis.result
    aggregate = consensus.aggregate_scores(evaluation)
    agreement = consensus.panel_agreement(evaluation)
    agreed = consensus.ModeratedScore("kestrel", "D1", "sfa", 3.5, "re-run", "chair")
    equal = robustness.equal_weights(list(score.weights.index))
    return {
        "score": score,
        "analysis": analysis,
        "smaa": analysis.smaa,
        "flip": analysis.closest_flip,
        "scenarios": robustness.compare_rankings(score, {"agreed": score.weights, "eq": equal}),
        "ahp": judgement_results(evaluation.criteria, evaluation.judgements)[""],
        "group": member_weights(evaluation.criteria, evaluation.judgements),
        "aggregate": aggregate,
        "agreement": agreement,
        "kendall": agreement.vendors,
        "icc": agreement.icc,
        "alpha": agreement.alpha,
        "moderation": consensus.moderation_list(evaluation),
        "consensus": consensus.apply_moderation(aggregate, [agreed]),
        "bootstrap": consensus.panel_bootstrap(aggregate, 200, seed=1),
        "costs": analysis.costs,
        "tco": analysis.costs.tco,
        "tco_offer": analysis.costs.tco["orbis"],
        "business_case": analysis.costs.case,
        "sensitivity": analysis.costs.case.npv_sensitivity(),
        "monte_carlo": analysis.costs.simulation,
        "pairs": analysis.pairs,
    }


NAMES = [
    "score",
    "analysis",
    "smaa",
    "flip",
    "scenarios",
    "ahp",
    "group",
    "aggregate",
    "agreement",
    "kendall",
    "icc",
    "alpha",
    "moderation",
    "consensus",
    "bootstrap",
    "costs",
    "tco",
    "tco_offer",
    "business_case",
    "sensitivity",
    "monte_carlo",
    "pairs",
]
PLOTTED = [
    "score",
    "smaa",
    "group",
    "aggregate",
    "agreement",
    "tco",
    "tco_offer",
    "sensitivity",
    "monte_carlo",
    "pairs",
]


def _result_classes() -> set[type]:
    """Every class of the analytic packages that shows itself as a table."""
    found: set[type] = set()
    for name in ANALYTIC:
        package = importlib.import_module(f"crmselect.{name}")
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [
                importlib.import_module(m.name)
                for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
            ]
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                own = cls.__module__ == module.__name__
                if own and ("_repr_html_" in vars(cls) or "to_frame" in vars(cls)):
                    found.add(cls)
    return found


def test_every_result_class_is_covered_here_and_follows_the_protocol(
    results: dict[str, object],
) -> None:
    classes = _result_classes()
    assert {type(results[name]) for name in NAMES} == classes
    for cls in classes:
        assert callable(getattr(cls, "to_frame", None)), cls
        assert callable(getattr(cls, "_repr_html_", None)), cls


@pytest.mark.parametrize("name", NAMES)
def test_a_result_gives_its_table_and_a_one_line_repr(
    results: dict[str, object], name: str
) -> None:
    result = results[name]
    assert isinstance(result, Result)
    assert isinstance(result.to_frame(), pd.DataFrame)
    assert not result.to_frame().empty
    assert "<table" in result._repr_html_()
    text = repr(result)
    assert "\n" not in text
    assert len(text) < 400
    assert text.startswith(f"<{type(result).__name__}")


def _marked(frame: pd.DataFrame, row: int) -> pd.DataFrame:
    """``frame`` with the first level of row ``row``'s label replaced by ``<MARK>``."""
    labels = list(frame.index)
    key = labels[row]
    labels[row] = ("<MARK>", *key[1:]) if isinstance(key, tuple) else "<MARK>"
    marked = frame.copy()
    if isinstance(frame.index, pd.MultiIndex):
        marked.index = pd.MultiIndex.from_tuples(labels, names=frame.index.names)
    else:
        marked.index = pd.Index(labels, name=frame.index.name)
    return marked


@pytest.mark.parametrize("name", NAMES)
def test_the_html_is_drawn_from_to_frame_and_escaped(
    results: dict[str, object], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = results[name]
    assert isinstance(result, Result)
    frame = result.to_frame()
    if name == "aggregate":  # shown as the scores averaged over scripts
        marked, mark = frame.assign(score=1.234), "1.23"
    elif name == "bootstrap":  # shown as mean ± std per vendor × criterion
        marked, mark = frame.assign(mean=9.876), "9.88 ±"
    else:
        row = list(frame["moderated"]).index(True) if name == "consensus" else 0
        marked, mark = _marked(frame, row), "&lt;MARK&gt;"
    monkeypatch.setattr(type(result), "to_frame", lambda self, *args, **kwargs: marked)
    html = result._repr_html_()
    assert mark in html
    assert "<MARK>" not in html


def test_vendor_text_never_becomes_markup() -> None:
    vendors = [
        crmselect.Vendor("x", "<img src=x onerror=alert(1)>"),
        crmselect.Vendor("y", "Yarrow & <b>Sons</b>"),
        crmselect.Vendor("z", "Zephyr"),
    ]
    evaluation = minimal_evaluation(name="<script>tender</script>", vendors=vendors)
    analysis = analyse(evaluation, n_samples=500)
    for html in (analysis.result._repr_html_(), analysis._repr_html_()):
        assert "<script>" not in html
        assert "<img" not in html
        assert "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in analysis.result._repr_html_()
    assert "&lt;script&gt;tender&lt;/script&gt;" in analysis._repr_html_()


@pytest.mark.parametrize("name", PLOTTED)
def test_plot_draws_on_the_axes_it_is_given(results: dict[str, object], name: str) -> None:
    result = results[name]
    assert isinstance(result, Plottable)
    _, ax = plt.subplots()
    assert result.plot(ax=ax) is ax
    assert ax.patches or ax.lines or ax.images or ax.collections
    new = result.plot()
    assert new is not ax
    assert new.figure is not ax.figure
    plt.close("all")


def test_one_helper_opens_every_figure() -> None:
    calls = []  # plt.subplots(...) or plt.figure(...) anywhere in the package
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            opens = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.value.id, func.attr) in (("plt", "subplots"), ("plt", "figure"))
            )
            if opens:
                calls.append(path.relative_to(PACKAGE).as_posix())
    assert calls == ["plots.py"]
    _, given = plt.subplots()
    assert plots.axes(given, (3, 2)) is given
    made = plots.axes(None, (3, 2))
    assert made.figure.get_size_inches().tolist() == [3.0, 2.0]
    assert plots.axes(None, (4, 4), projection="polar").name == "polar"
    plt.close("all")


# -- the analysis headline ------------------------------------------------------------------


def test_the_headline_names_the_winner_the_challenger_and_the_flip(
    results: dict[str, object],
) -> None:
    analysis = results["analysis"]
    assert isinstance(analysis, Analysis)
    assert analysis.smaa is not None
    assert analysis.closest_flip is not None
    assert analysis.stability is not None
    frame = analysis.to_frame()
    assert frame.loc["winner", "subject"] == "orbis"
    assert frame.loc["winner", "value"] == pytest.approx(analysis.result.totals["orbis"])
    first = analysis.smaa.acceptability.loc["orbis", 1]
    assert frame.loc["rank-1 acceptability", "value"] == pytest.approx(first)
    assert frame.loc["challenger", "subject"] == analysis.challenger == "kestrel"
    sensitive = analysis.most_sensitive
    assert frame.loc["most sensitive weight", "subject"] == sensitive
    margin = analysis.stability.loc[sensitive, "margin"]
    assert frame.loc["most sensitive weight", "value"] == pytest.approx(margin)
    flip = analysis.closest_flip
    assert frame.loc["closest flip", "subject"] == flip.challenger
    assert frame.loc["closest flip", "value"] == pytest.approx(flip.distance)
    assert frame.loc["closest flip", "detail"] == flip.message
    assert {"members", "panel", "lowest TCO", "business case", "best pair"} <= set(frame.index)
    text = repr(analysis)
    assert "winner orbis" in text
    assert f"closest flip {flip.challenger}" in text
    assert "DataFrame" not in text
    assert "acceptability=" not in text


def test_the_headline_with_nothing_to_rank_says_so() -> None:
    base = minimal_evaluation()  # z is knocked out; knock x out too
    responses = [
        attrs.evolve(r, compliance="not_supported")
        if (r.vendor, r.requirement) == ("x", "R3")
        else r
        for r in base.responses
    ]
    analysis = analyse(attrs.evolve(base, responses=responses))
    frame = analysis.to_frame()
    assert list(frame.index) == ["winner", "robustness"]
    assert frame.loc["winner", "subject"] == "y"
    assert frame.loc["robustness", "detail"].startswith("not run")
    assert "robustness not run" in repr(analysis)
    assert "not run" in analysis._repr_html_()


def test_analysis_takes_keywords_only(results: dict[str, object]) -> None:
    score = results["score"]
    with pytest.raises(TypeError):
        Analysis(score)  # type: ignore[misc]
    assert Analysis(result=score).to_frame().index.tolist() == ["winner", "robustness"]


# -- fingerprints ---------------------------------------------------------------------------


def test_an_evaluations_fingerprint_is_the_digest_of_its_inputs_computed_once() -> None:
    evaluation = minimal_evaluation()  # no judgements: every weight is an input
    # no reference checks: an absent references field is not hashed (fingerprints as before)
    absent = ("origin", "import_problems", "references")
    expected = sha256_of_canonical(canonical(evaluation, exclude=absent))
    assert evaluation.fingerprint == expected
    assert evaluation.fingerprint is evaluation.fingerprint  # kept, not recomputed
    assert attrs.evolve(evaluation, origin="elsewhere").fingerprint == expected
    assert attrs.evolve(evaluation, name="Another tender").fingerprint != expected
    assert crmselect.score(evaluation).fingerprint == expected


def test_a_panels_fingerprint_is_the_digest_of_its_scale_and_scores(
    results: dict[str, object],
) -> None:
    panel = consensus.Panel.from_evaluation(crmselect.example())
    text = f"{panel.scale.minimum!r}:{panel.scale.maximum!r}\n" + panel.scores.to_csv(index=False)
    assert panel.fingerprint == hashlib.sha256(text.encode()).hexdigest()
    bootstrap = results["bootstrap"]
    assert isinstance(bootstrap, consensus.PanelBootstrap)
    assert bootstrap.fingerprint == panel.fingerprint


def test_run_fingerprints_are_the_digests_of_their_inputs(results: dict[str, object]) -> None:
    run = results["smaa"]
    assert isinstance(run, robustness.SmaaResult)
    inputs = (run.performance, run.weights, run.performance_sampler, run.n_samples, run.seed)
    assert run.fingerprint == digest(*inputs)
    simulation = results["monte_carlo"]
    case = results["business_case"]
    assert isinstance(simulation, crmselect.cost.MonteCarloResult)
    assert isinstance(case, crmselect.cost.BusinessCase)
    assert simulation.fingerprint == digest(
        case.pv_per_unit.to_numpy(dtype=float),
        case.pv_costs.to_numpy(dtype=float),
        case.inputs[["low", "likely", "high"]].to_numpy(dtype=float),
        simulation.n,
        simulation.seed,
        simulation.distribution,
    )


@pytest.mark.parametrize("name", ["score", "smaa", "bootstrap", "monte_carlo"])
def test_a_fingerprint_is_an_attribute_never_a_method(
    results: dict[str, object], name: str
) -> None:
    fingerprint = getattr(results[name], "fingerprint")  # noqa: B009
    assert isinstance(fingerprint, str)
    assert len(fingerprint) == 64
    assert int(fingerprint, 16) >= 0
