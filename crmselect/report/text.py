"""Plain-text reports of a :class:`~crmselect.scoring.ScoreResult` for the terminal.

Pure functions returning strings; the CLI prints them. Every name, id and text a line quotes
is :func:`~crmselect.text.printable` (tables make every cell printable), so one line of a
report is one line on the terminal whatever a vendor, a member or a file name holds.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Collection, Sequence
from typing import cast

import pandas as pd

from crmselect.analysis import Analysis
from crmselect.catalog import Catalog
from crmselect.clarifications import Applied
from crmselect.consensus import moderation_list, panel_agreement
from crmselect.cost.case import CostAnalysis
from crmselect.cost.report import business_case_report, pairs_report, tco_report
from crmselect.cost.tco import money
from crmselect.declarations import declarations, undeclared
from crmselect.errors import ValidationError
from crmselect.low_bids import cases, open_cases
from crmselect.model import Evaluation, PriceBasis, PriceCriterion, PriceMethod
from crmselect.price import AT_LIMIT
from crmselect.record import Event, TenderRecord, basis_status, eliminated, funnel, stage_of
from crmselect.robustness import SmaaResult, describe
from crmselect.scoring import ScoreResult, process_gaps
from crmselect.text import printable, text_table
from crmselect.weights import AhpResult, judgement_results, local_weights


def criteria_report(result: ScoreResult) -> str:
    """The criteria tree with local and global weights (in per cent)."""
    tree = local_weights(result.evaluation.criteria)
    rows = [
        [
            "  " * int(r.depth) + str(r["name"]),
            cid,
            f"{100 * r.local:5.1f}",
            f"{100 * r.glob:5.1f}" if r.leaf else "",
        ]
        for cid, r in tree.rename(columns={"global": "glob"}).iterrows()
    ]
    return text_table(rows, ["criterion", "id", "local %", "global %"], right=[2, 3])


def _verdict(ahp: AhpResult) -> str:
    """``CR = 0.017`` plus, when inconsistent, the judgement to revisit first."""
    text = f"CR = {ahp.consistency_ratio:.3f}"
    if ahp.is_consistent:
        return text
    table = ahp.inconsistent_judgements()
    row, column = (printable(part) for part in table.index[0])
    worst = table.iloc[0]
    return (
        f"{text} INCONSISTENT (above 0.10): revisit {row} vs {column} (judged "
        f"{worst['judgement']:.3g}, consistent would be {worst['consistent']:.3g})"
    )


def judgements_report(result: ScoreResult) -> str:
    """One line per node whose weights came from pairwise judgements, with its consistency
    (CR > 0.10 is inconsistent, Saaty 1980) — and each member's, when several judged."""
    evaluation = result.evaluation
    lines = []
    for node, ahp in judgement_results(evaluation.criteria, evaluation.judgements).items():
        sets = [j for j in evaluation.judgements if j.node == node]
        pairs = sum(len(j.pairs) for j in sets)
        who = f", {len(sets)} members, geometric mean" if len(sets) > 1 else ""
        lines.append(
            f"Weights of {printable(node) or 'the top level'} from AHP ({ahp.n} criteria, "
            f"{pairs} judgements{who}): {_verdict(ahp)}"
        )
        if len(sets) > 1:
            for j in sets:
                own = judgement_results(evaluation.criteria, [j])[node]
                lines.append(f"  {printable(j.member) or '(unnamed)'}: {_verdict(own)}")
    return "\n".join(lines)


def process_report(result: ScoreResult) -> str:
    """Each rated business process and the requirements whose priority it raised."""
    gaps = process_gaps(result.evaluation)
    rows = []
    for process in result.evaluation.processes:
        mine = gaps[gaps["process"] == process.id]
        raised = mine[mine["stated"] != mine["effective"]]
        detail = ", ".join(f"{r.requirement} {r.stated}→{r.effective}" for r in raised.itertuples())
        rows.append([process.name, process.rating.value, str(len(mine)), detail or "-"])
    return text_table(rows, ["process", "rating", "requirements", "priority raised"], right=[2])


def ranking_report(result: ScoreResult) -> str:
    """Rank, vendor, offering, total (0–100) and status, best first."""
    vendors = {v.id: v for v in result.evaluation.vendors}
    rows = []
    for vid, r in result.to_frame().iterrows():
        status = "KNOCKED OUT" if r.knocked_out else ""
        if r.missing_answers:
            status = (status + "; " if status else "") + f"{r.missing_answers} missing answer(s)"
        rank = "-" if pd.isna(r["rank"]) else str(r["rank"])
        rows.append(
            [
                rank,
                vid,
                r["name"],
                vendors[str(vid)].offering.value,
                f"{100 * r.total:5.1f}",
                status,
            ]
        )
    return text_table(rows, ["rank", "vendor", "name", "offering", "total", "status"], right=[0, 4])


def price_rule(rule: PriceCriterion) -> str:
    """One line saying how prices become scores, and whether a bid can move others."""
    if rule.method is PriceMethod.BUDGET:
        return (
            f"linear from 1 at {money(rule.floor)} to 0 at the budget "
            f"{money(float(rule.budget or 0))}, fixed before the bids were opened: no bid "
            "changes how two others compare"
        )
    relative = (
        "relative to the bids in the running: adding or withdrawing a bid can reverse two "
        "others (method 'budget' cannot)"
    )
    if rule.method is PriceMethod.LOWEST_RATIO:
        return f"lowest bid / price, {relative}"
    ceiling = money(rule.ceiling) if rule.ceiling is not None else "the highest bid"
    return f"linear from 1 at the lowest bid to 0 at {ceiling}, {relative}"


PRICE_BASES = {
    PriceBasis.NPV: "present value of the costs",
    PriceBasis.TOTAL: "total of the costs",
    PriceBasis.BID: "bid price",
}
"""What the price criterion's price is, for each :class:`~crmselect.model.PriceBasis`."""


def price_report(result: ScoreResult) -> str:
    """The price criterion: each bid, its score and the points it adds, with the bids that
    look abnormally low (a reason to ask, not to reject) and knocked-out bids marked."""
    rule, table = result.evaluation.price, result.prices
    if rule is None or table is None:
        return ""
    weight = float(result.weights[rule.criterion])
    head = (
        f"criterion {printable(repr(rule.criterion))}, {weight:.1%} of the total; price = "
        f"{PRICE_BASES[rule.basis]}; score {price_rule(rule)}"
    )
    rows = []
    for vendor, row in table.sort_values("price", na_position="last", kind="stable").iterrows():
        notes = []
        if not row["in_running"]:
            notes.append("knocked out: not ranked")
        if row["abnormally_low"]:
            notes.append("abnormally low (over 20 % under the median bid): ask the vendor why")
        if row["note"]:
            notes.append(str(row["note"]))
        price = "no price" if pd.isna(row["price"]) else money(float(row["price"]))
        score = float(row["score"])
        rows.append(
            [str(vendor), price, f"{score:.3f}", f"{100 * weight * score:.1f}", "; ".join(notes)]
        )
    listing = text_table(rows, ["vendor", "price", "score", "points", "note"], right=[1, 2, 3])
    at_a_limit = [str(v) for v, note in table["note"].items() if str(note).startswith("at the")]
    if at_a_limit:
        listing += (
            f"\nAt a price limit (the score hinges on the limit, within {AT_LIMIT:g} of it): "
            + ", ".join(map(printable, at_a_limit))
        )
    return textwrap.fill(head, 100) + "\n" + listing


def knockout_report(result: ScoreResult) -> str:
    """The knock-out rule of the evaluation's scale (:meth:`ComplianceScale.mandatory_rule
    <crmselect.scales.ComplianceScale.mandatory_rule>`; by default a roadmap promise does
    not meet a must-have), then each knocked-out vendor with its reasons."""
    rule = textwrap.fill(printable(result.evaluation.scale.mandatory_rule()), 100)
    if not result.knocked_out:
        return f"{rule}\nNo vendor failed a mandatory requirement."
    return f"{rule}\n" + "\n".join(
        f"{printable(vid)}:\n" + "\n".join(f"  - {printable(reason)}" for reason in reasons)
        for vid, reasons in result.knocked_out.items()
    )


def missing_report(result: ScoreResult, limit: int = 12) -> str:
    """Missing RFP answers listed per vendor (first ``limit``), demo scores counted."""
    missing = result.missing
    if missing.empty:
        return "Every requirement was answered and every demo score given."
    lines = []
    for vid, group in missing.groupby("vendor", sort=False):
        answers = group[group["kind"] == "rfp answer"]
        demos = group[group["kind"] == "demo score"]
        parts = []
        if len(answers):
            ids = ", ".join(printable(item) for item in answers["item"].head(limit))
            more = f" … and {len(answers) - limit} more" if len(answers) > limit else ""
            treatment = printable(answers["treatment"].iloc[0])
            parts.append(f"{len(answers)} RFP answer(s) [{ids}{more}] ({treatment})")
        if len(demos):
            treatments = "; ".join(printable(t) for t in demos["treatment"].unique())
            parts.append(f"{len(demos)} demo score(s) ({treatments})")
        lines.append(f"{printable(vid)}: " + "; ".join(parts))
    return "\n".join(lines)


def import_report(result: ScoreResult, limit: int = 10) -> str:
    """Findings from the returned workbooks, most severe first (first ``limit`` lines)."""
    problems = result.evaluation.import_problems
    if not problems:
        return "No findings: every returned workbook matched its template."
    order = {"error": 0, "warning": 1, "info": 2}
    ranked = sorted(problems, key=lambda p: order.get(p.severity, 3))
    counts = ", ".join(
        f"{sum(p.severity == s for p in problems)} {s}(s)"
        for s in order
        if any(p.severity == s for p in problems)
    )
    lines = [f"{counts} — errors are excluded answers, kept in this report:"]
    lines += [f"  [{printable(p.severity)}] {p}" for p in ranked[:limit]]  # str(p) is printable
    if len(ranked) > limit:
        lines.append(f"  … and {len(ranked) - limit} more (crmselect import PATH FILES lists all)")
    return "\n".join(lines)


Section = tuple[str, str]
"""A section of :func:`full_report`: its title and its text (left out when empty)."""


def full_report(result: ScoreResult, analysis: Analysis | None = None, record: str = "") -> str:
    """Everything a committee checks first: set-up, weights, ranking, knock-outs, gaps,
    (given an :class:`~crmselect.analysis.Analysis`) whether the winner holds, and (given
    the text of :func:`record_report`) the tender's record; the winner on the last line."""
    winners = ", ".join(map(printable, result.winners)) or "none (every vendor knocked out)"
    sections = [
        *_scoring_sections(result),
        *_analysis_sections(analysis),
        ("Without each evaluator (leave one out)", leave_one_out_report(result)),
        ("The tender's record", record),
    ]
    body = "\n\n".join(f"== {title} ==\n{text}" for title, text in sections if text)
    return f"{_setup(result)}\n\n{body}\n\nWinner: {winners}"


def _setup(result: ScoreResult) -> str:
    """The head of :func:`full_report`: the tender's name, its size, the scoring policy, the
    input hash and the crmselect version."""
    e = result.evaluation
    mandatory = sum(r.mandatory for r in e.requirements)
    return (
        f"{printable(e.name)}\n"
        f"{len(e.vendors)} vendors, {len(e.requirements)} requirements ({mandatory} mandatory), "
        f"{len(e.demo_scripts)} demo scripts, {len(e.evaluators)} evaluators\n"
        f"missing answers: {e.policy.missing.value}; demo share default "
        f"{e.policy.demo_share:.0%}; input hash {result.fingerprint[:12]}; "
        f"crmselect {result.version}"
    )


def _scoring_sections(result: ScoreResult) -> list[Section]:
    """The sections of the score itself: weights, business processes (when rated),
    ranking, price, knock-outs, gaps, the panel (when two or more evaluators scored) and
    the returned workbooks' findings (when there are any)."""
    e = result.evaluation
    weights = "\n\n".join(
        part for part in (criteria_report(result), judgements_report(result)) if part
    )
    sections = [("Criteria and weights", weights)]
    if e.processes:
        sections.append(("Business processes (weak ones raise priorities)", process_report(result)))
    sections += [
        ("Ranking (totals out of 100)", ranking_report(result)),
        ("Price criterion", price_report(result)),
        ("Knock-outs", knockout_report(result)),
        ("Missing answers and scores", missing_report(result)),
    ]
    if len({d.evaluator for d in e.demo_scores if d.score is not None}) >= 2:
        sections.append(("Evaluation panel (scripted demos)", panel_report(e)))
    if e.import_problems:
        sections.append(("Returned workbooks", import_report(result)))
    return sections


def _analysis_sections(analysis: Analysis | None) -> list[Section]:
    """The sections of the analysis, when one was run: robustness, then costs and the
    business case, then software × partner pairs, each when it was run."""
    if analysis is None:
        return []
    sections = [("Does the winner hold? (rank robustness)", robustness_report(analysis))]
    if analysis.costs is not None:
        sections += _cost_sections(analysis.costs)
    if analysis.pairs is not None:
        sections.append(("Software × implementation partner", pairs_report(analysis.pairs)))
    return sections


def _cost_sections(costs: CostAnalysis) -> list[Section]:
    """The TCO of every offer and, when benefits were given, the business case."""
    sections = [("Costs", tco_report(costs.tco))]
    if costs.case is not None:
        sections.append(("Business case", business_case_report(costs.case, costs.simulation)))
    return sections


def panel_report(evaluation: Evaluation, limit: int = 8, eliminated: Collection[str] = ()) -> str:
    """The evaluation panel: agreement headline (Kendall's W, ICC, Krippendorff's α), the
    items to moderate (first ``limit``; none of an ``eliminated`` vendor, which takes part
    in no later stage) and evaluators whose scoring stands out."""
    try:
        agreement = panel_agreement(evaluation)
        moderation = moderation_list(evaluation)
    except ValidationError:
        return "Fewer than two evaluators scored the same demo items: no agreement to measure."
    lines = [textwrap.fill(printable(agreement.headline), width=100)]
    items = moderation.items
    items = items[~items.index.get_level_values("vendor").isin(list(eliminated))]
    if items.empty:
        lines.append(f"No item needs moderation ({printable(moderation.describe())}).")
    else:
        lines.append(
            textwrap.fill(
                f"{len(items)} item(s) to moderate — {printable(moderation.describe())}:", 100
            )
        )
        rows = [
            [
                "/".join(str(k) for k in cast(tuple[str, ...], key)),
                f"{_number(row['min']):g}–{_number(row['max']):g}",
                str(row["farthest"]),
                f"{_number(row['deviation']):+.2f}",
                f"{_number(row['agreed']):g} by {row['agreed_by']}" if row["moderated"] else "",
            ]
            for key, row in items.head(limit).iterrows()
        ]
        header = ["item", "scores", "farthest", "vs others", "agreed"]
        lines.append(text_table(rows, header, right=[3]))
        if len(items) > limit:
            lines.append(f"… and {len(items) - limit} more")
    flagged = moderation.evaluators[moderation.evaluators["flagged"]]
    lines += [
        f"evaluator {printable(e)}: {printable(row['reasons'])}" for e, row in flagged.iterrows()
    ]
    if evaluation.moderations:
        lines.append(
            f"{len(evaluation.moderations)} score(s) agreed in moderation replace the panel's."
        )
    return "\n".join(lines)


def _number(value: object) -> float:
    """A table cell known to hold a number (pandas types cells as a wide union)."""
    return float(cast(float, value))


def robustness_report(analysis: Analysis) -> str:
    """The robustness headline: rank-1 acceptability and confidence of the winner, the
    closest challenger, each member's winner, the most sensitive weight, how far the price
    criterion's weight may move, and the smallest weight change that flips the winner."""
    smaa = analysis.smaa
    if smaa is None:
        return "Fewer than two vendors are ranked: there is no ranking to test."
    winner_id = str(smaa.acceptability[1].idxmax())
    found = (line(analysis, winner_id) for line in _ROBUSTNESS_LINES)
    return "\n".join(
        [*_smaa_lines(analysis, smaa, winner_id), *(text for text in found if text is not None)]
    )


def _smaa_lines(analysis: Analysis, smaa: SmaaResult, winner_id: str) -> list[str]:
    """The SMAA run, how often the winner ranks first (with its 95 % margin) and its
    confidence factor, and the closest challenger when there is one."""
    first = _number(smaa.acceptability.loc[winner_id, 1])
    error = _number(smaa.standard_errors.loc[winner_id, 1]) * 1.96
    lines = [
        f"SMAA-2, {smaa.n_samples:,} weight samples, seed {smaa.seed}; weights: "
        f"{printable(describe(smaa.weights))}:",
        f"  {printable(winner_id)} ranks first in {first:.1%} ± {error:.1%} of samples; "
        f"confidence factor {_number(smaa.confidence[winner_id]):.2f}",
    ]
    challenger = analysis.challenger
    if challenger is not None:
        lines.append(
            f"  closest challenger: {printable(challenger)} (first in "
            f"{_number(smaa.acceptability.loc[challenger, 1]):.1%})"
        )
    return lines


def _members_line(analysis: Analysis, winner_id: str) -> str | None:
    """For how many members the winner wins under their own weights, naming the others'
    winners (``None`` when the members' weights were not compared)."""
    winners = analysis.member_winners
    if winners is None:
        return None
    same = (winners == winner_id).sum()
    detail = ", ".join(
        f"{printable(m)} → {printable(w)}" for m, w in winners.items() if w != winner_id
    )
    return (
        f"  under each member's own weights: {printable(winner_id)} wins for {same} of "
        f"{len(winners)} members" + (f" ({detail})" if detail else "")
    )


def _panel_line(analysis: Analysis, winner_id: str) -> str | None:
    """How often the winner ranks first with the evaluation panel resampled (``None`` when
    the panel was not resampled)."""
    panel = analysis.panel
    if panel is None:
        return None
    return (
        f"  with a different panel (evaluators resampled, weights fixed): "
        f"{printable(winner_id)} ranks first in "
        f"{_number(panel.acceptability.loc[winner_id, 1]):.1%} of {panel.n_samples:,} samples"
    )


def _sensitive_line(analysis: Analysis, winner_id: str) -> str | None:
    """The weight with the narrowest range keeping the winner first, and that range."""
    sensitive, stability = analysis.most_sensitive, analysis.stability
    if sensitive is None or stability is None:
        return None
    row = stability.loc[sensitive]
    return (
        f"  most sensitive weight: {printable(sensitive)} — {printable(winner_id)} stays first "
        f"for weights {_number(row['lower']):.3f}–{_number(row['upper']):.3f} (now "
        f"{_number(row['weight']):.3f})"
    )


def _price_weight_line(analysis: Analysis, winner_id: str) -> str | None:
    """The range of the price criterion's weight keeping the winner first, and who wins
    beyond it (``None`` without a price criterion, or when it is the most sensitive weight,
    already shown)."""
    price = analysis.result.evaluation.price
    stability = analysis.stability
    if price is None or stability is None or analysis.most_sensitive == price.criterion:
        return None
    row = stability.loc[price.criterion]
    upper, lower = row["upper_by"], row["lower_by"]
    above = f"; above it {printable(upper)} wins" if isinstance(upper, str) else ""
    below = f"; below it {printable(lower)} wins" if isinstance(lower, str) else ""
    return (
        f"  price weight: {printable(winner_id)} stays first for weights "
        f"{_number(row['lower']):.3f}–{_number(row['upper']):.3f} "
        f"(now {_number(row['weight']):.3f}){below}{above}"
    )


def _flip_line(analysis: Analysis, winner_id: str) -> str | None:
    """The smallest weight change that flips the winner, with the weights it moves; or that
    none can (``None`` when neither was computed). The winner is not named: the change
    names both vendors."""
    flip = analysis.closest_flip
    if flip is not None:
        moves = flip.change[flip.change.abs() > 5e-4].sort_values()
        detail = ", ".join(f"{printable(c)} {d:+.3f}" for c, d in moves.items())
        return f"  smallest change that flips the winner: {printable(flip.message)}" + (
            f" [{detail}]" if detail else ""
        )
    if analysis.flips is not None:
        return "  no challenger can draw level under any weights"
    return None


_ROBUSTNESS_LINES: tuple[Callable[[Analysis, str], str | None], ...] = (
    _members_line,
    _panel_line,
    _sensitive_line,
    _price_weight_line,
    _flip_line,
)
"""The lines of :func:`robustness_report` after the SMAA headline, in order; each is
``None`` when its analysis was not run."""


def catalog_report(catalog: Catalog) -> str:
    """A catalogue's criteria tree with the number of requirements per leaf."""
    counts = catalog.to_frame().groupby("criterion").size()
    tree = local_weights(catalog.criteria)
    rows = [
        [
            "  " * int(r.depth) + str(r["name"]),
            cid,
            f"{100 * r.local:5.1f}",
            str(counts.get(cid, "")) if r.leaf else "",
        ]
        for cid, r in tree.iterrows()
    ]
    head = f"{printable(catalog.name)} {printable(catalog.version)} — {printable(catalog.title)}\n"
    return head + text_table(rows, ["criterion", "id", "local %", "requirements"], right=[2, 3])


def requirements_report(catalog: Catalog) -> str:
    """A catalogue's requirements, one per line: id, criterion, priority, ``M`` when
    mandatory, and the text (``crmselect catalogs NAME --requirements``)."""
    rows = [
        [r.id, r.criterion, r.priority.value, "M" if r.mandatory else "", printable(r.text)]
        for r in catalog.requirements
    ]
    head = f"{printable(catalog.name)}: {len(rows)} requirements\n"
    return head + text_table(rows, ["id", "criterion", "priority", "mand.", "text"])


def tender_summary(evaluation: Evaluation) -> str:
    """One line on what a tender holds: its name, criteria, requirements, vendors, panel."""
    leaves = len(evaluation.leaves())
    return (
        f"{printable(evaluation.name)}: {len(evaluation.criteria)} criteria groups "
        f"({leaves} leaf criteria), {len(evaluation.requirements)} requirements, "
        f"{len(evaluation.vendors)} vendors, {len(evaluation.evaluators)} evaluators"
    )


def record_report(
    record: TenderRecord,
    evaluation: Evaluation,
    clarified: Sequence[Applied] = (),
    flagged: Sequence[str] = (),
) -> str:
    """Where the tender stands, and the record a reader must see beside the scores: the
    award basis (frozen when, by whom; every deviation, recorded with its reason or not yet
    recorded), the vendors eliminated and why, the members' declarations of interest, the
    abnormally-low-bid cases (``flagged``: the vendors whose bid is flagged now, each open
    case a line in capitals), the clarifications that changed an answer or a price, and the
    what-if scenarios kept on the record, each marked NOT the award basis."""
    parts = [f"Stage: {stage_of(record).value}", _basis_lines(record, evaluation)]
    parts += [
        p for p in (_low_bid_lines(record, flagged), _declaration_lines(record, evaluation)) if p
    ]
    gone = eliminated(record)
    if gone:
        rows = [
            [v, stage, *((gone[v].by, f"{gone[v].at:%Y-%m-%d}") if v in gone else ("", "")), why]
            for v, stage, why in funnel(record, evaluation.vendor_ids)
        ]
        parts.append(
            "Funnel (who reached which stage; who left, and why):\n"
            + text_table(rows, ["vendor", "stage", "left: by", "on", "reason"])
        )
    if clarified:
        parts.append("Clarifications:\n" + "\n".join(f"  {printable(str(a))}" for a in clarified))
    scenarios = _what_if_lines(record)
    if scenarios:
        parts.append(scenarios)
    return "\n\n".join(parts)


def _what_if_lines(record: TenderRecord) -> str:
    """The what-if scenarios kept on the record (:meth:`crmselect.whatif_model.WhatIf.scenario`),
    each NOT the award basis: its name, when, by whom, why, what it changed and who would
    win under it."""
    found = record.of(Event.WHAT_IF)
    if not found:
        return ""
    lines = [
        f"  {printable(str(e.data['name']))} ({e.at:%Y-%m-%d} by {printable(e.by)}): "
        f"{printable(e.reason)}; winner under it {printable(str(e.data['winner']))}; "
        f"changes: {printable('; '.join(map(str, e.data['changes'])))}"
        for e in found
    ]
    return "What-if scenarios on the record (NOT the award basis):\n" + "\n".join(lines)


def _low_bid_lines(record: TenderRecord, flagged: Sequence[str]) -> str:
    """The abnormally-low-bid cases (EU 2014/24 art. 69), each step with its date and who
    recorded it, and a line for each flagged bid whose case is not decided."""
    found = cases(record)
    lines = [
        f"  FLAGGED, NOT YET EXPLAINED: {printable(v)}, abnormally low ({status}) — record "
        f"each step: `crmselect low-bid DIR {printable(v)} --ask …`, then --explanation, "
        "--accept or --reject"
        for v, status in open_cases(record, flagged)
    ]
    for vendor, case in found.items():
        lines.append(f"  {printable(vendor)}: {case.status}")
        lines += [
            f"    {e.data['step']} {e.at:%Y-%m-%d} by {printable(e.by)}: {printable(e.reason)}"
            for e in case.steps
        ]
    if not lines:
        return ""
    return "Abnormally low bids (EU 2014/24 art. 69: asked, explained, decided):\n" + "\n".join(
        lines
    )


def _declaration_lines(record: TenderRecord, evaluation: Evaluation) -> str:
    """The declarations of interest in force, and the evaluators without one (once anyone
    has declared: :mod:`crmselect.declarations`)."""
    declared = declarations(record)
    if not declared:
        return ""
    rows = [[d.member, f"{d.entry.at:%Y-%m-%d}", d.entry.by, str(d)] for d in declared.values()]
    text = "Declarations of interest and confidentiality:\n" + text_table(
        rows, ["member", "declared", "recorded by", "declaration"]
    )
    missing = undeclared(record, [e.id for e in evaluation.evaluators])
    if missing:
        text += (
            f"\n  NOT DECLARED: {', '.join(map(printable, missing))} — no scoring sheet or "
            "workshop goes to them (crmselect declare DIR --member ID …)"
        )
    return text


def _basis_lines(record: TenderRecord, evaluation: Evaluation) -> str:
    status = basis_status(record, evaluation)
    issued = record.of(Event.ISSUE)
    if status.frozen is None or not issued:
        return (
            "Award basis: not frozen yet — `crmselect issue DIR` freezes it when the RFP is "
            "sent; every change after that is a deviation on the record"
        )
    first = issued[0]
    lines = [
        f"Award basis: frozen {first.at:%Y-%m-%d %H:%M} UTC by {printable(first.by)} "
        f"(fingerprint {status.frozen[:12]})" + ("; it holds" if status.holds else "")
    ]
    for entry, changes in status.recorded:
        lines.append(
            f"  deviation recorded {entry.at:%Y-%m-%d} by {printable(entry.by)}: "
            f"{printable(entry.reason)}"
        )
        lines += [f"    {printable(change)}" for change in changes]
    if status.unrecorded:
        lines.append(
            f"  NOT ON THE RECORD: {len(status.unrecorded)} change(s) from the award basis — "
            "give the reason with `crmselect deviate DIR --reason …`, or undo them"
        )
        lines += [f"    {printable(str(d))}" for d in status.unrecorded]
    return "\n".join(lines)


def record_facts(record: TenderRecord, evaluation: Evaluation) -> list[tuple[str, str]]:
    """The record as label–text pairs, for the comparison workbook's Summary sheet: the
    stage, when the award basis was frozen and its fingerprint, the deviations, and once
    there are any the declarations of interest and the abnormally-low-bid cases."""
    status = basis_status(record, evaluation)
    facts = [("Stage", stage_of(record).value)]
    issued = record.of(Event.ISSUE)
    if status.frozen is None or not issued:
        return [*facts, ("Award basis", "not frozen yet (crmselect issue freezes it)")]
    first = issued[0]
    facts += [
        ("Award basis frozen", f"{first.at:%Y-%m-%d %H:%M} UTC by {first.by}"),
        ("Award basis fingerprint", status.frozen),
        ("Deviations on the record", str(len(status.recorded))),
    ]
    if status.unrecorded:
        changes = "; ".join(str(d) for d in status.unrecorded)
        facts.append(("NOT ON THE RECORD", f"{len(status.unrecorded)} change(s): {changes}"))
    declared = declarations(record)
    if declared:
        panel = [e.id for e in evaluation.evaluators]
        conflicts = sum(bool(d.conflict) for d in declared.values())
        missing = undeclared(record, panel)
        facts.append(
            (
                "Declarations of interest",
                f"{len(panel) - len(missing)} of {len(panel)} evaluators; {conflicts} "
                "conflict(s), each with its measure"
                + (f"; NOT DECLARED: {', '.join(missing)}" if missing else ""),
            )
        )
    found = cases(record)
    if found:
        listing = "; ".join(f"{v}: {c.status}" for v, c in found.items())
        facts.append(("Abnormally low bids", listing))
    return facts


def record_tables(
    record: TenderRecord, evaluation: Evaluation, clarified: Sequence[Applied] = ()
) -> dict[str, pd.DataFrame]:
    """The record as tables for the workbook's Audit sheet, by title: every deviation from
    the award basis (recorded with its reason, or not yet), the eliminated vendors, the
    declarations of interest, each step of every abnormally-low-bid case, the
    clarifications and the what-if scenarios kept on the record (each marked not the award
    basis); empty tables left out."""
    status = basis_status(record, evaluation)
    deviations = [
        {"Recorded": f"{e.at:%Y-%m-%d}", "By": e.by, "Reason": e.reason, "Change": change}
        for e, changes in status.recorded
        for change in changes
    ] + [
        {"Recorded": "NOT ON THE RECORD", "By": "", "Reason": "", "Change": str(d)}
        for d in status.unrecorded
    ]
    gone = [
        {
            "Vendor": v,
            "Stage": e.data["stage"],
            "By": e.by,
            "On": f"{e.at:%Y-%m-%d}",
            "Reason": e.reason,
        }
        for v, e in eliminated(record).items()
    ]
    clarifications = [
        {
            "Vendor": a.clarification.vendor,
            "Item": a.clarification.item,
            "Original": a.clarification.original,
            "Read": "" if a.before is None else str(a.before),
            "Clarified": "" if a.after is None else str(a.after),
            "Changed a knock-out": "yes" if a.knockout else "",
            "Source": a.clarification.source,
            "Recorded by": a.clarification.recorded_by,
            "Recorded at": a.clarification.recorded_at,
        }
        for a in clarified
    ]
    declared = [
        {
            "Member": d.member,
            "Declared": f"{d.entry.at:%Y-%m-%d}",
            "Recorded by": d.entry.by,
            "Conflict of interest": d.conflict or "none",
            "Measure": d.measure,
        }
        for d in declarations(record).values()
    ]
    low_bids = [
        {
            "Vendor": vendor,
            "Status": case.status,
            "Step": e.data["step"],
            "On": f"{e.at:%Y-%m-%d}",
            "By": e.by,
            "Text": e.reason,
        }
        for vendor, case in cases(record).items()
        for e in case.steps
    ]
    tables = {
        "Deviations from the award basis": pd.DataFrame(deviations),
        "Eliminated vendors": pd.DataFrame(gone),
        "Declarations of interest": pd.DataFrame(declared),
        "Abnormally low bids (art. 69)": pd.DataFrame(low_bids),
        "Clarifications": pd.DataFrame(clarifications),
        "What-if scenarios (not the award basis)": _scenario_rows(record),
    }
    return {title: frame for title, frame in tables.items() if not frame.empty}


def _scenario_rows(record: TenderRecord) -> pd.DataFrame:
    """The what-if scenarios kept on the record, one row each, marked not the award basis."""
    return pd.DataFrame(
        [
            {
                "Scenario": e.data["name"],
                "On": f"{e.at:%Y-%m-%d}",
                "By": e.by,
                "Reason": e.reason,
                "Changes": "; ".join(map(str, e.data["changes"])),
                "Winner under it": e.data["winner"],
                "Award basis": "no",
            }
            for e in record.of(Event.WHAT_IF)
        ]
    )


def leave_one_out_report(result: ScoreResult) -> str:
    """Who would win without each evaluator's demo scores (the panel aggregated again
    without them, :func:`crmselect.whatif_model.winners_without_each`), and whether any
    one evaluator decides the winner; ``""`` with fewer than two evaluators who scored."""
    from crmselect.whatif_model import winners_without_each

    table = winners_without_each(result)
    if table.empty:
        return ""
    names = {e.id: e.name for e in result.evaluation.evaluators}
    winner = ", ".join(result.winners)
    rows = [
        [str(e), names.get(str(e), ""), str(row["winner"]), f"{100 * float(row['total']):5.1f}"]
        for e, row in table.iterrows()
    ]
    deciding = [str(e) for e, w in table["winner"].items() if w != winner]
    verdict = (
        f"{printable(winner)} wins without any one evaluator."
        if not deciding
        else f"The winner depends on one evaluator: without {', '.join(map(printable, deciding))} "
        f"another vendor wins (crmselect evaluate PATH --drop-evaluator ID shows the whole report)."
    )
    listing = text_table(rows, ["without", "name", "winner", "total"], right=[3])
    return f"{verdict}\n{listing}"
