"""The award report: the decision record a board reads top to bottom, as one HTML page.

:func:`award` analyses a tender (:func:`crmselect.analyse`) and renders
``templates/award.html.j2``: the decision in one sentence; the published award basis
(criteria and weights, price rule, knock-out rule) and every deviation from it; the funnel
(who entered, who left at which stage and why); the scores on one scale, points out of 100
(a total ``100 · Σ_j w_j x_ij``, a criterion score ``100 · x_ij``, a criterion's points
``100 · w_j x_ij``); how robust the win is, in plain words (SMAA-2 rank-1 acceptability,
Lahdelma & Salminen 2001, and its sampling; each member's winner; the most sensitive weight
and its stability interval; the smallest weight change that flips the winner, Wolters &
Mareschal 1995); the winner against the runner-up criterion by criterion; value for money
(quality — the non-price criteria, ``100 · Σ_{j≠p} w_j x_ij / Σ_{j≠p} w_j`` — against the
5-year cost, the Pareto front, the budget); the business case; the panel's agreement and
what was moderated; clarifications, declarations of interest, abnormally low bids (EU
2014/24 art. 69 and 84); and the provenance (crmselect version, seed, input hash, frozen
award basis hash).

The report follows the two-envelope procedure and the best and final offers on the record
(:mod:`crmselect.envelope`, :mod:`crmselect.bafo`). While the price envelope is sealed the
analysis is of the quality envelope alone (:func:`crmselect.envelope.sealed_view`, as
``crmselect evaluate`` reports it: ``Q_v = 100 · Σ_c w'_c · P_vc`` over the non-price
leaves, ``w'_c = w_c / Σ_c' w_c'``), under the banner :data:`SEALED_BANNER`, with no price,
cost or Pricing sheet. Once opened, :func:`procedure` says which envelope each number came
from, with each quality score frozen at the opening, a moved one flagged, and the vendors
the quality threshold eliminated (World Bank Procurement Regulations § 6.61); after a BAFO
round, each re-priced vendor's earlier and final price, ``Δ_v = p_v^final − p_v^earlier``,
and that every analysis ran on the final prices (EU 2014/24 art. 29(6)). The record
section lists the what-if scenarios kept on the record, each marked not the award basis.

Everything here is pure but for drawing the figures (matplotlib, in memory); the page
object (:class:`~crmselect.report.page.Page`) saves and prints itself.
"""

from __future__ import annotations

import math

import attrs
import pandas as pd

from crmselect import plots
from crmselect.analysis import DEFAULT_SAMPLES, DEFAULT_SEED, Analysis, analyse
from crmselect.bafo import bafo_lines
from crmselect.consensus import moderation_list, panel_agreement
from crmselect.cost.partners import pareto
from crmselect.cost.tco import money
from crmselect.envelope import envelope_lines, is_sealed, opened, sealed_view
from crmselect.errors import CrmselectError, ValidationError
from crmselect.io.forms.rfp_template import PRICING_SHEET
from crmselect.low_bids import open_cases
from crmselect.model import Evaluation
from crmselect.record import Event, basis_status, eliminated, funnel
from crmselect.report.page import Page, Table, figure, frame_table, number, points, render
from crmselect.report.text import PRICE_BASES, price_rule, record_facts, record_tables
from crmselect.robustness import describe, tornado
from crmselect.scoring import ScoreResult
from crmselect.tender import Tender, derive
from crmselect.weights import local_weights

Facts = list[tuple[str, str]]
"""Label–text pairs, shown as a definition list."""


@attrs.frozen(eq=False)
class Standing:
    """What both the award report and the debriefs start from: the tender as loaded (for
    its record), its analysis, the vendors' and criteria's names, and the vendors in rank
    order (``ranked``: those in the running; the winner first, the runner-up second);
    ``sealed``: the price envelope is sealed, so the analysis is of the quality envelope
    alone (:func:`crmselect.envelope.sealed_view`)."""

    tender: Tender
    analysis: Analysis
    names: dict[str, str]
    criteria: dict[str, str]
    ranked: tuple[str, ...]
    sealed: bool = False

    @property
    def result(self) -> ScoreResult:
        """The score the analysis made."""
        return self.analysis.result

    @property
    def winner(self) -> str | None:
        """The vendor ranked first (the first of a tie), or ``None`` when none is ranked."""
        return self.ranked[0] if self.ranked else None

    @property
    def runner_up(self) -> str | None:
        """The vendor ranked second, or ``None``."""
        return self.ranked[1] if len(self.ranked) > 1 else None

    def name(self, vendor: str) -> str:
        """A vendor's name, with its id when the two differ."""
        name = self.names.get(vendor, vendor)
        return name if name == vendor else f"{name} ({vendor})"

    @property
    def currency(self) -> str:
        """The cost case's currency (``""`` without one)."""
        costs = self.tender.costs
        return "" if costs is None else f"{costs.assumptions.currency} "

    def price(self, vendor: str) -> tuple[str, float] | None:
        """The vendor's evaluated price and what it is (the price criterion's price, else
        the present value of its costs); ``None`` when there is neither."""
        prices = self.result.prices
        rule = self.result.evaluation.price
        price = math.nan if prices is None else number(prices.loc[vendor, "price"])
        if rule is not None and not math.isnan(price):
            return PRICE_BASES[rule.basis], price
        costs = self.analysis.costs
        if costs is not None and vendor in costs.tco.summary.index:
            years = costs.tco.assumptions.years
            return f"present value of {years}-year costs", number(
                costs.tco.summary.loc[vendor, "npv"]
            )
        return None


def standing(
    tender: Tender | Evaluation,
    *,
    analysis: Analysis | None = None,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
) -> Standing:
    """The :class:`Standing` of ``tender`` (a plain evaluation is a tender without a record
    or costs); ``analysis`` when already run, else :func:`crmselect.analyse` with ``seed``
    and ``n_samples``. While the price envelope is sealed, the analysis is of its quality
    envelope (:func:`crmselect.envelope.sealed_view`), measured against the whole award
    basis, and an ``analysis`` run on the prices is refused."""
    if isinstance(tender, Evaluation):
        tender = Tender(evaluation=tender)
    sealed = is_sealed(tender)
    shown = tender
    if sealed:  # the quality envelope alone, as `crmselect evaluate` reports it
        shown = sealed_view(tender, PRICING_SHEET)
        tender = attrs.evolve(tender, clarified=shown.clarified)
        if analysis is not None and analysis.result.evaluation.price is not None:
            raise CrmselectError(
                "the price envelope is sealed: the award report is of the quality envelope "
                "alone, and this analysis ran on the prices (pass none, it is run here)"
            )
    if analysis is None:
        analysis = analyse(shown, seed=seed, n_samples=n_samples, progress=False)
        if sealed:  # the basis is the whole evaluation's, price criterion and all
            derived = derive(tender) if not tender.derived else tender
            analysis = attrs.evolve(analysis, basis=basis_status(tender.record, derived.evaluation))
    result = analysis.result
    frame = result.to_frame()
    ranked = tuple(str(v) for v in frame.index[frame["rank"].notna()])
    evaluation = result.evaluation
    return Standing(
        tender=tender,
        analysis=analysis,
        names={v.id: v.name or v.id for v in evaluation.vendors},
        criteria={
            str(cid): str(row["name"]) for cid, row in local_weights(evaluation.criteria).iterrows()
        },
        ranked=ranked,
        sealed=sealed,
    )


def decision(state: Standing) -> str:
    """The decision in one sentence: who is to be awarded the contract, its total out of
    100 and its lead, and how often it ranks first when the weights are uncertain."""
    totals = state.result.totals
    what_if = "WHAT-IF, not the award basis: " if state.analysis.what_if else ""
    winners = state.result.winners
    if not winners or state.winner is None:
        return f"{what_if}No vendor can be awarded the contract: every vendor was knocked out."
    if len(winners) > 1:
        tied = " and ".join(state.name(v) for v in winners)
        return (
            f"{what_if}No award yet: {tied} tie for first place with "
            f"{points(number(totals[winners[0]]))} of 100 points; the committee must decide."
        )
    winner, lead = state.winner, ""
    if state.runner_up is not None:
        gap = number(totals[winner] - totals[state.runner_up])
        lead = f", {100 * gap:.1f} points ahead of {state.name(state.runner_up)}"
    smaa = state.analysis.smaa
    holds = ""
    if smaa is not None:
        share = number(smaa.acceptability.loc[winner, 1])
        holds = f", and ranks first in {share:.1%} of {smaa.n_samples:,} weight samples"
    award_to = (
        f"No award while the price envelope is sealed: on quality alone {state.name(winner)} "
        "leads, it scores"
        if state.sealed
        else f"Award the contract to {state.name(winner)}: it scores"
    )
    return f"{what_if}{award_to} {points(number(totals[winner]))} of 100{lead}{holds}."


def basis_facts(state: Standing) -> Facts:
    """The award basis in words: the price rule (while sealed, that the price criterion is
    withheld), the knock-out rule and how the weights were set."""
    evaluation = state.result.evaluation
    facts: Facts = []
    rule = evaluation.price
    published = state.tender.evaluation.price
    if state.sealed and published is not None:
        facts.append(
            (
                "Price",
                f"criterion {published.criterion!r} is in the sealed price envelope: until "
                "crmselect open-prices the weights below are the other criteria's, rescaled "
                "to sum to 1",
            )
        )
    if rule is not None:
        weight = number(state.result.weights[rule.criterion])
        facts.append(
            (
                "Price",
                f"criterion {state.criteria.get(rule.criterion, rule.criterion)}, "
                f"{weight:.1%} of the total; price = {PRICE_BASES[rule.basis]}; score "
                f"{price_rule(rule)}",
            )
        )
    mandatory = sum(r.mandatory for r in evaluation.requirements)
    facts.append(
        (
            "Knock-outs",
            f"{mandatory} mandatory requirement(s). {evaluation.scale.mandatory_rule()}",
        )
    )
    if evaluation.judgements:
        members = sorted({j.member for j in evaluation.judgements if j.member})
        facts.append(
            (
                "Weights",
                f"from pairwise judgements (AHP) of {len(members)} member(s), combined by "
                "the geometric mean",
            )
        )
    return facts


def criteria_table(state: Standing) -> Table:
    """The criteria tree with local and global weights in per cent."""
    tree = local_weights(state.result.evaluation.criteria)
    rows = tuple(
        (
            "\u2003" * int(row["depth"]) + str(row["name"]),
            str(cid),
            f"{100 * number(row['local']):.1f}",
            f"{100 * number(row['global']):.1f}" if bool(row["leaf"]) else "",
        )
        for cid, row in tree.iterrows()
    )
    return Table(("criterion", "id", "local %", "global %"), rows, frozenset({2, 3}))


def funnel_table(state: Standing) -> Table:
    """Who entered and how far each got: the stage reached, who decided an elimination
    and when, and every reason a vendor is out (eliminations and knock-outs)."""
    record = state.tender.record
    gone = eliminated(record)
    knocked = state.result.knocked_out
    rows, marked = [], []
    for vendor, stage, why in funnel(record, state.result.evaluation.vendor_ids):
        entry = gone.get(vendor)
        reasons = [why] if why else []
        reasons += [r for r in knocked.get(vendor, ()) if not r.startswith("eliminated at ")]
        rows.append(
            (
                state.name(vendor),
                stage,
                "" if entry is None else f"{entry.at:%Y-%m-%d} by {entry.by}",
                "; ".join(reasons) or "in the running",
            )
        )
        marked.append(bool(reasons))
    return Table(
        ("vendor", "stage reached", "left: on, by", "why out"), tuple(rows), marked=tuple(marked)
    )


def ranking_table(state: Standing) -> Table:
    """Rank, vendor, total out of 100, evaluated price and status, best first."""
    frame = state.result.to_frame()
    rows, marked = [], []
    for vendor, row in frame.iterrows():
        vid = str(vendor)
        price = state.price(vid)
        status = "knocked out" if bool(row["knocked_out"]) else ""
        if int(row["missing_answers"]):
            status = (
                status + "; " if status else ""
            ) + f"{row['missing_answers']} missing answer(s)"
        rows.append(
            (
                "–" if pd.isna(row["rank"]) else str(row["rank"]),
                state.name(vid),
                points(number(row["total"])),
                "–" if price is None else state.currency + money(price[1]),
                status,
            )
        )
        marked.append(bool(row["knocked_out"]))
    return Table(
        ("rank", "vendor", "total (of 100)", "price", "status"),
        tuple(rows),
        frozenset({0, 2, 3}),
        tuple(marked),
    )


def group_points(state: Standing) -> Table:
    """Where each vendor's points come from: the points (of 100) it earns in each
    top-level criterion, whose full weight in points heads its column."""
    result = state.result
    roots = result.evaluation.criteria
    columns = ["vendor"]
    cells: list[list[str]] = [[state.name(str(v))] for v in result.to_frame().index]
    for root in roots:
        leaves = [n.id for _, n in root.walk() if n.is_leaf]
        columns.append(f"{root.label} ({points(number(result.weights[leaves].sum()))})")
        earned = result.contributions[leaves].sum(axis=1)
        for row, vendor in zip(cells, result.to_frame().index, strict=True):
            row.append(points(number(earned[vendor])))
    right = frozenset(range(1, len(columns)))
    return Table(tuple(columns), tuple(tuple(r) for r in cells), right)


def head_to_head(state: Standing, first: str, second: str) -> Table:
    """``first`` against ``second`` criterion by criterion: the weight, each one's score
    (of 100), and the points by which ``first`` leads (``100 · w_j (x_first,j −
    x_second,j)``; negative where ``second`` is ahead), the total on the last row."""
    result = state.result
    rows, marked = [], []
    gap = result.contributions.loc[first] - result.contributions.loc[second]
    for criterion in result.matrix.columns:
        lead = number(gap[criterion])
        rows.append(
            (
                state.criteria.get(str(criterion), str(criterion)),
                f"{100 * number(result.weights[criterion]):.1f}",
                points(number(result.matrix.loc[first, criterion])),
                points(number(result.matrix.loc[second, criterion])),
                f"{100 * lead:+.1f}",
            )
        )
        marked.append(lead < 0)
    total = number(gap.sum())
    rows.append(
        (
            "Total",
            "100.0",
            points(number(result.totals[first])),
            points(number(result.totals[second])),
            f"{100 * total:+.1f}",
        )
    )
    marked.append(False)
    columns = ("criterion", "weight %", state.name(first), state.name(second), "lead (points)")
    return Table(columns, tuple(rows), frozenset({1, 2, 3, 4}), tuple(marked))


def robustness_lines(state: Standing) -> list[str]:
    """How robust the win is, in plain sentences (none with fewer than two vendors
    ranked)."""
    analysis, smaa, winner = state.analysis, state.analysis.smaa, state.winner
    if smaa is None or winner is None:
        return ["Fewer than two vendors are in the running: there is no ranking to test."]
    share = number(smaa.acceptability.loc[winner, 1])
    error = 1.96 * number(smaa.standard_errors.loc[winner, 1])
    lines = [
        f"{state.name(winner)} ranks first in {share:.1%} (± {error:.1%}) of {smaa.n_samples:,} "
        f"sets of weights drawn at random around the committee's own (SMAA-2, seed "
        f"{smaa.seed}; {describe(smaa.weights)})."
    ]
    challenger = analysis.challenger
    if challenger is not None:
        lines.append(
            f"The closest challenger, {state.name(challenger)}, ranks first in "
            f"{number(smaa.acceptability.loc[challenger, 1]):.1%} of them."
        )
    lines += _member_lines(state, winner)
    lines += _sensitivity_lines(state, winner)
    return lines


def _member_lines(state: Standing, winner: str) -> list[str]:
    """Each member's winner under their own weights, and the resampled panel's."""
    lines = []
    members = state.analysis.member_winners
    if members is not None:
        same = int((members == winner).sum())
        others = [f"{m}: {state.name(str(w))}" for m, w in members.items() if w != winner]
        lines.append(
            f"Under each member's own weights, {state.name(winner)} wins for {same} of "
            f"{len(members)} members" + (f" (the others: {'; '.join(others)})." if others else ".")
        )
    panel = state.analysis.panel
    if panel is not None and winner in panel.acceptability.index:
        lines.append(
            f"With a different panel of evaluators (resampled, weights fixed), "
            f"{state.name(winner)} ranks first in "
            f"{number(panel.acceptability.loc[winner, 1]):.1%} of {panel.n_samples:,} samples."
        )
    return lines


def _sensitivity_lines(state: Standing, winner: str) -> list[str]:
    """The most sensitive weight and how far it can move, and the smallest flip."""
    analysis, lines = state.analysis, []
    sensitive, stability = analysis.most_sensitive, analysis.stability
    if sensitive is not None and stability is not None:
        row = stability.loc[sensitive]
        beyond = row["upper_by"] if isinstance(row["upper_by"], str) else row["lower_by"]
        who = f" (beyond it {state.name(str(beyond))} wins)" if isinstance(beyond, str) else ""
        lines.append(
            f"The most sensitive weight is {state.criteria.get(sensitive, sensitive)}: now "
            f"{number(row['weight']):.1%}, {state.name(winner)} stays first while it stays "
            f"between {number(row['lower']):.1%} and {number(row['upper']):.1%}{who}."
        )
    flip = analysis.closest_flip
    if flip is not None:
        moves = flip.change[flip.change.abs() > 5e-4].sort_values()
        detail = ", ".join(
            f"{state.criteria.get(str(c), str(c))} {d:+.1%}" for c, d in moves.items()
        )
        lines.append(
            f"The smallest change of weights that flips the result: {flip.message}"
            + (f" (weights moved: {detail})." if detail else ".")
        )
    elif analysis.flips is not None:
        lines.append("No challenger can draw level with the winner under any weights.")
    return lines


def members_table(state: Standing) -> Table | None:
    """Each member and the vendor that wins under their own weights."""
    members = state.analysis.member_winners
    if members is None:
        return None
    rows = tuple((str(m), state.name(str(w))) for m, w in members.items())
    return Table(("member", "winner under their own weights"), rows)


def quality(result: ScoreResult) -> pd.Series:
    """Each vendor's quality, points of 100 on the non-price criteria:
    ``100 · Σ_{j≠p} w_j x_ij / Σ_{j≠p} w_j`` (all criteria without a price criterion)."""
    rule = result.evaluation.price
    columns = [c for c in result.matrix.columns if rule is None or c != rule.criterion]
    weights = result.weights[columns]
    if number(weights.sum()) <= 0:
        raise ValidationError("No quality to show: every non-price criterion has weight 0")
    return 100 * (result.matrix[columns] @ weights) / number(weights.sum())


@attrs.frozen
class ValueForMoney:
    """Quality against cost: the table, the figure (base64 PNG) and what the cost is."""

    table: Table
    image: str
    cost_label: str


def costs_of(state: Standing) -> tuple[pd.Series, str] | None:
    """Each vendor's cost for the value-for-money chart and what it is: the present value
    of its costs over the cost case's horizon, else its evaluated price (``None`` with
    neither)."""
    costs, prices = state.analysis.costs, state.result.prices
    if costs is not None:
        years, currency = costs.tco.assumptions.years, state.currency.strip()
        return costs.tco.summary["npv"].astype(
            float
        ), f"present value of {years}-year costs ({currency})"
    if prices is not None:
        return prices["price"].astype(float).dropna(), "evaluated price"
    return None


def value_for_money(state: Standing) -> ValueForMoney | None:
    """Quality (of 100) against each vendor's cost (:func:`costs_of`), the Pareto front of
    the vendors in the running and the budget; ``None`` when there are no costs or
    prices."""
    found = costs_of(state)
    if found is None:
        return None
    (cost, label), result = found, state.result
    marks = quality(result).reindex(cost.index)
    out = [str(v) for v in cost.index if v in result.knocked_out]
    running = [str(v) for v in cost.index if v not in result.knocked_out]
    on_front = pareto(marks[running].to_numpy(), cost[running].to_numpy())
    front = [v for v, yes in zip(running, on_front, strict=True) if yes]
    rule = result.evaluation.price
    budget = None if rule is None or rule.budget is None else number(rule.budget)
    image = figure(
        lambda ax: plots.value_for_money(
            marks, cost, front=front, budget=budget, excluded=out, cost_label=label, ax=ax
        ),
        (7.5, 4.5),
    )

    def row(v: str) -> tuple[str, ...]:
        within = "" if budget is None else ("yes" if number(cost[v]) <= budget else "OVER")
        return (
            state.name(v),
            points(number(marks[v]) / 100),
            state.currency + money(number(cost[v])),
            points(number(result.totals[v])),
            "out" if v in out else ("yes" if v in front else ""),
            within,
        )

    rows = tuple(row(str(v)) for v in cost.sort_values(kind="stable").index)
    columns = ("vendor", "quality (of 100)", "cost", "total (of 100)", "Pareto front", "in budget")
    return ValueForMoney(Table(columns, rows, frozenset({1, 2, 3})), image, label)


def business_case(state: Standing) -> Table | None:
    """The business case of the vendors in the running: present values of benefits and
    costs, NPV, ROI, payback and, when simulated, the probability that the NPV is
    positive."""
    costs = state.analysis.costs
    if costs is None or costs.case is None:
        return None
    summary, simulation = costs.case.summary, costs.simulation
    rows = tuple(
        (
            state.name(str(v)),
            money(number(row["pv_benefits"])),
            money(number(row["pv_costs"])),
            money(number(row["npv"])),
            f"{number(row['roi']):.0%}",
            "never"
            if pd.isna(row["discounted_payback_years"])
            else f"{number(row['discounted_payback_years']):.1f}",
            "" if simulation is None else f"{number(simulation.p_positive[str(v)]):.0%}",
        )
        for v, row in summary.iterrows()
    )
    money_head = state.currency.strip() or "amount"
    columns = (
        "vendor",
        f"benefits (PV, {money_head})",
        f"costs (PV, {money_head})",
        "NPV",
        "ROI",
        "payback (years, discounted)",
        "P(NPV > 0)",
    )
    marked = tuple(number(row["npv"]) < 0 for _, row in summary.iterrows())
    return Table(columns, rows, frozenset(range(1, 7)), marked)


@attrs.frozen
class Panel:
    """The evaluation panel: its agreement, the scores agreed in moderation, the items
    still to moderate and the evaluators whose scoring stands out."""

    headline: str
    moderated: Table | None
    pending: int
    flagged: tuple[str, ...]


def panel(state: Standing) -> Panel | None:
    """The panel's agreement and moderation (``None`` with fewer than two evaluators
    scoring the same items)."""
    evaluation = state.result.evaluation
    try:
        agreement = panel_agreement(evaluation)
        moderation = moderation_list(evaluation)
    except ValidationError:
        return None
    gone = list(eliminated(state.tender.record))
    items = moderation.items
    items = items[~items.index.get_level_values("vendor").isin(gone)]
    moderated = None
    if evaluation.moderations:
        rows = tuple(
            (state.name(m.vendor), m.script, m.criterion, f"{m.score:g}", m.by, m.reason)
            for m in evaluation.moderations
        )
        moderated = Table(("vendor", "script", "criterion", "agreed", "by", "why"), rows)
    flagged = moderation.evaluators[moderation.evaluators["flagged"]]
    return Panel(
        headline=agreement.headline,
        moderated=moderated,
        pending=int((~items["moderated"].astype(bool)).sum()),
        flagged=tuple(f"{e}: {row['reasons']}" for e, row in flagged.iterrows()),
    )


def record_sections(state: Standing) -> tuple[Facts, dict[str, Table], list[str]]:
    """The record at a glance (:func:`~crmselect.report.text.record_facts`), its tables
    (:func:`~crmselect.report.text.record_tables`) and the abnormally low bids flagged now
    whose case is not decided."""
    tender = state.tender
    facts = record_facts(tender.record, tender.evaluation)
    tables = {
        title: frame_table(frame)
        for title, frame in record_tables(
            tender.record, tender.evaluation, tender.clarified
        ).items()
    }
    prices = state.result.prices
    flagged = [] if prices is None else [str(v) for v in prices.index[prices["abnormally_low"]]]
    pending = [
        f"{state.name(v)}: abnormally low bid — {status}; the record must say whether it is "
        "accepted or rejected before the award"
        for v, status in open_cases(tender.record, flagged)
    ]
    return facts, tables, pending


SEALED_BANNER = "price envelope sealed: quality only"
"""The banner of an award report made while the price envelope is sealed."""


def threshold_eliminated(tender: Tender) -> dict[str, tuple[float, float]]:
    """The vendors eliminated by the quality threshold when the price envelope was opened
    (:func:`crmselect.envelope.open_prices`): vendor → (its quality score of 100 frozen at
    the opening, the minimum quality); empty while sealed or without a threshold."""
    entry = opened(tender.record)
    if entry is None:
        return {}
    frozen = entry.data["quality"]
    return {
        v: (float(frozen[v]), float(e.data["quality_threshold"]))
        for v, e in eliminated(tender.record).items()
        if e.data.get("quality_threshold") is not None and v in frozen
    }


@attrs.frozen
class Procedure:
    """Which envelope each number came from and the best and final offers: the lines of
    :func:`crmselect.envelope.envelope_lines` (who opened the price envelope, each frozen
    quality score, each one that moved since), the vendors the quality threshold
    eliminated, and the lines of :func:`crmselect.bafo.bafo_lines` (each round, earlier →
    final price and difference per vendor, the final prices the analyses ran on)."""

    envelope: tuple[str, ...]
    below: Table | None
    bafo: tuple[str, ...]


def procedure(state: Standing) -> Procedure | None:
    """The :class:`Procedure` of the report (``None`` with one envelope and no BAFO)."""
    tender = state.tender
    envelope, bafo = envelope_lines(tender), bafo_lines(tender)
    if not envelope and not bafo:
        return None
    below = threshold_eliminated(tender)
    table = (
        Table(
            ("vendor", "quality (of 100, frozen)", "minimum quality"),
            tuple((state.name(v), f"{q:.1f}", f"{t:g}") for v, (q, t) in below.items()),
            frozenset({1, 2}),
            tuple(True for _ in below),
        )
        if below
        else None
    )
    lines = tuple(line.strip() for line in envelope.splitlines())
    return Procedure(lines, table, tuple(line.strip() for line in bafo.splitlines()))


def provenance(state: Standing) -> Facts:
    """Where the numbers come from: crmselect's version, the SMAA seed and samples, the
    input hash and the frozen award basis's hash."""
    result, smaa = state.result, state.analysis.smaa
    status = basis_status(state.tender.record, state.tender.evaluation)
    issued = state.tender.record.of(Event.ISSUE)
    facts: Facts = [
        ("crmselect", result.version),
        ("Input hash (SHA-256 of the evaluation)", result.fingerprint),
        (
            "Award basis hash (frozen)",
            status.frozen or "not frozen yet (crmselect issue freezes it)",
        ),
    ]
    if issued:
        facts.append(("Frozen", f"{issued[0].at:%Y-%m-%d %H:%M} UTC by {issued[0].by}"))
    if smaa is not None:
        facts.append(
            ("Robustness sampling", f"SMAA-2, {smaa.n_samples:,} samples, seed {smaa.seed}")
        )
    facts.append(("Record entries", str(len(state.tender.record.entries))))
    return facts


def figures(state: Standing) -> list[tuple[str, str]]:
    """The robustness figures, each with its caption: rank acceptability and the weight
    stability tornado (none with fewer than two vendors ranked)."""
    analysis, found = state.analysis, []
    smaa = analysis.smaa
    if smaa is not None:
        height = 0.35 * len(smaa.acceptability) + 1.4
        found.append(
            (
                "How often each vendor takes each rank when the weights vary (SMAA-2).",
                figure(smaa.plot, (8, height)),
            )
        )
    if analysis.stability is not None and not analysis.stability.empty:
        intervals = analysis.stability
        found.append(
            (
                "The range of each weight in which the winner stays first (others scaled "
                "in proportion); the dot is the weight now.",
                figure(lambda ax: tornado(intervals, ax=ax), (8, 0.3 * len(intervals) + 1.4)),
            )
        )
    return found


def award(
    tender: Tender | Evaluation,
    *,
    analysis: Analysis | None = None,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
) -> Page:
    """The award report of ``tender`` (module docstring): a :class:`Page` to show in a
    notebook, :meth:`~Page.save` as HTML or :meth:`~Page.save_pdf` as an A4 PDF.
    ``analysis``: one already run on the tender (else :func:`crmselect.analyse` with
    ``seed`` and ``n_samples``).

    >>> import crmselect
    >>> page = award(crmselect.example_tender(), n_samples=500)
    >>> page.decision.startswith("Award the contract to Orbis CRM Cloud (orbis)")
    True
    """
    state = standing(tender, analysis=analysis, seed=seed, n_samples=n_samples)
    return page_of(state)


def page_of(state: Standing) -> Page:
    """The award report of a :class:`Standing`."""
    sentence = decision(state)
    facts, tables, pending = record_sections(state)
    winner, runner_up = state.winner, state.runner_up
    title = f"Award report — {state.result.evaluation.name}"
    html = render(
        "award.html.j2",
        title=title,
        decision=sentence,
        what_if=state.analysis.what_if,
        sealed=SEALED_BANNER if state.sealed else "",
        procedure=procedure(state),
        winner=None if winner is None else state.name(winner),
        stage=state.tender.stage.value,
        basis=basis_facts(state),
        criteria=criteria_table(state),
        deviations=tables.pop("Deviations from the award basis", None),
        unrecorded=len(basis_status(state.tender.record, state.tender.evaluation).unrecorded),
        funnel=funnel_table(state),
        ranking=ranking_table(state),
        groups=group_points(state),
        robustness=robustness_lines(state),
        members=members_table(state),
        figures=figures(state),
        head_to_head=None
        if winner is None or runner_up is None
        else head_to_head(state, winner, runner_up),
        value=value_for_money(state),
        business=business_case(state),
        panel=panel(state),
        facts=facts,
        tables=tables,
        pending=pending,
        provenance=provenance(state),
    )
    return Page(title=title, decision=sentence, html=html)
