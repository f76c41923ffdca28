"""crmselect.cost.partners: partners evaluated on the bundled ``partner`` catalogue, who
implements what, and the ranking of software × partner pairs on quality and combined cost."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import crmselect
from crmselect import Evaluation, Response, Vendor
from crmselect.cost import (
    Assumptions,
    Offer,
    PartnerOffer,
    TcoComparison,
    compare_tco,
    implementers,
    rank_pairs,
)
from crmselect.errors import ValidationError
from crmselect.scoring import ScoreResult


@functools.cache
def partner_evaluation() -> ScoreResult:
    """Three partners on the partner catalogue: northwind answers everything out of the box,
    bluebird by configuration, cinder lacks the vendor partnership (PRD-001, mandatory)."""
    catalog = crmselect.load_catalog("partner")
    partners = [
        Vendor("northwind", "Northwind Consulting"),
        Vendor("bluebird", "Bluebird Digital"),
        Vendor("cinder", "Cinder & Co"),
    ]
    responses = []
    for r in catalog.requirements:
        responses.append(Response("northwind", r.id, "out_of_box"))
        responses.append(Response("bluebird", r.id, "configuration"))
        responses.append(
            Response("cinder", r.id, "not_supported" if r.id == "PRD-001" else "out_of_box")
        )
    evaluation = Evaluation(
        "Partner selection", catalog.criteria, catalog.requirements, partners, responses
    )
    return crmselect.score(evaluation)


SOFTWARE = pd.Series({"orbis": 0.80, "kestrel": 0.70, "meridian": 0.60})
QUOTES = [
    PartnerOffer("northwind", "orbis", 200, 1000.0, data_migration=20_000.0),
    PartnerOffer("bluebird", "orbis", 250, 800.0),
    PartnerOffer("northwind", "kestrel", 300, 900.0, integration=10_000.0),
    PartnerOffer("cinder", "kestrel", 100, 700.0),
    PartnerOffer("bluebird", "meridian", 100, 800.0),
]


def costs() -> TcoComparison:
    offers = [
        Offer("orbis", "subscription", 100.0, "month", implementation_days=999, day_rate=999.0),
        Offer(
            "kestrel",
            "perpetual",
            1000.0,
            "one_off",
            maintenance_rate=0.2,
            implementation_days=999,
            day_rate=999.0,
            data_migration=999.0,
            integration=999.0,
        ),
    ]
    return compare_tco(offers, Assumptions([10, 10], discount_rate=0.0, support_fte=0.0))


def test_partner_catalogue_evaluation_scores_partners() -> None:
    result = partner_evaluation()
    assert result.totals["northwind"] == pytest.approx(1.0)
    assert result.totals["bluebird"] == pytest.approx(0.8)
    assert "cinder" in result.knocked_out


def test_implementers_records_who_implements_what() -> None:
    table = implementers(QUOTES)
    assert table.loc["northwind"].to_dict() == {"kestrel": True, "meridian": False, "orbis": True}
    assert table.loc["bluebird", "meridian"]
    assert not table.loc["cinder", "orbis"]


def test_pairs_combine_scores_and_replace_the_vendors_services_with_the_partners() -> None:
    ranking = rank_pairs(SOFTWARE, partner_evaluation(), QUOTES, costs(), partner_share=0.3)
    table = ranking.table
    # quality = 0.7 · software + 0.3 · partner
    assert table.loc[("orbis", "northwind"), "quality"] == pytest.approx(0.7 * 0.8 + 0.3 * 1.0)
    assert table.loc[("orbis", "bluebird"), "quality"] == pytest.approx(0.7 * 0.8 + 0.3 * 0.8)
    assert table.loc[("kestrel", "northwind"), "quality"] == pytest.approx(0.7 * 0.7 + 0.3)
    # orbis: 10 users × 100 × 12 × 2 years = 24,000 + northwind's 200 000 + 20 000
    assert table.loc[("orbis", "northwind"), "total_cost"] == pytest.approx(244_000)
    assert table.loc[("orbis", "bluebird"), "total_cost"] == pytest.approx(24_000 + 200_000)
    # kestrel: licences 10,000 + maintenance 2 × 2,000 + northwind 270,000 + 10,000
    assert table.loc[("kestrel", "northwind"), "total_cost"] == pytest.approx(294_000)
    assert table.loc[("kestrel", "northwind"), "npv_cost"] == pytest.approx(294_000)
    flows = ranking.cash_flows.loc[("kestrel", "northwind")]
    assert flows.loc[0, "implementation"] == 270_000
    assert flows.loc[0, "data_migration"] == 0  # the vendor's 999 is gone
    assert flows.loc[0, "integration"] == 10_000
    # ranks: orbis+northwind 0.86, kestrel+northwind 0.79, orbis+bluebird 0.80
    assert ranking.best == ("orbis", "northwind")
    assert table["rank"].dropna().astype(int).to_dict() == {
        ("orbis", "northwind"): 1,
        ("orbis", "bluebird"): 2,
        ("kestrel", "northwind"): 3,
    }


def test_excluded_pairs_keep_their_row_and_reason() -> None:
    table = rank_pairs(SOFTWARE, partner_evaluation(), QUOTES, costs()).table
    assert table.loc[("kestrel", "cinder"), "excluded"].startswith("partner knocked out (PRD-001")
    assert pd.isna(table.loc[("kestrel", "cinder"), "rank"])
    assert table.loc[("meridian", "bluebird"), "excluded"] == "the software has no priced offer"
    assert list(table.index[-2:]) == [("kestrel", "cinder"), ("meridian", "bluebird")]


def test_pareto_front_and_price_weight() -> None:
    ranking = rank_pairs(SOFTWARE, partner_evaluation(), QUOTES, costs())
    pareto = ranking.table["pareto"]
    assert pareto[("orbis", "northwind")]  # best quality
    assert pareto[("orbis", "bluebird")]  # cheapest
    assert not pareto[("kestrel", "northwind")]  # dearer and worse than orbis+northwind
    priced = rank_pairs(
        SOFTWARE, partner_evaluation(), QUOTES, costs(), partner_share=0.3, price_weight=0.5
    )
    t = priced.table
    # lowest-price ratio among eligible pairs: the cheapest pair (224,000) scores 1
    assert t.loc[("orbis", "bluebird"), "price_score"] == pytest.approx(1.0)
    assert t.loc[("orbis", "northwind"), "price_score"] == pytest.approx(224_000 / 244_000)
    assert t.loc[("orbis", "bluebird"), "total"] == pytest.approx(0.5 * 0.8 + 0.5 * 1.0)
    assert priced.best == ("orbis", "bluebird")


def test_rank_pairs_reports_unknown_partners_and_products() -> None:
    bad = [PartnerOffer("ghost", "orbis", 1, 1.0), PartnerOffer("northwind", "nowhere", 1, 1.0)]
    with pytest.raises(ValidationError) as caught:
        rank_pairs(SOFTWARE, partner_evaluation(), bad, costs(), partner_share=1.5)
    text = str(caught.value)
    assert "partner 'ghost' has no evaluation score" in text
    assert "product 'nowhere' has no software score" in text
    assert "partner_share: 1.5" in text
    with pytest.raises(ValidationError, match="day_rate is -1"):
        PartnerOffer("p", "orbis", 10, -1.0)


def test_pair_ranking_display_and_plot() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranking = rank_pairs(SOFTWARE, partner_evaluation(), QUOTES, costs())
    html = ranking._repr_html_()
    assert "orbis + northwind" in html
    assert "crmselect-flag" in html  # excluded pairs are highlighted
    assert "best orbis/northwind" in repr(ranking)
    ax = ranking.plot()
    assert len(ax.collections) == 1
    plt.close("all")


WITHOUT_NORTHWIND_ORBIS = [q for q in QUOTES if (q.partner, q.product) != ("northwind", "orbis")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("quotes", "price_weight", "edges"),
    [
        (QUOTES, 0.0, (0.0, 1.0)),  # the best software with the best partner: never overtaken
        (QUOTES, 0.4, (0.2732, 1.0)),  # the cheaper bluebird quote wins below 0.27
        (WITHOUT_NORTHWIND_ORBIS, 0.0, (0.0, 1 / 3)),  # kestrel + northwind above 1/3
    ],
)
def test_share_interval_matches_ranking_at_every_partner_share(
    quotes: list[PartnerOffer], price_weight: float, edges: tuple[float, float]
) -> None:
    """The closed-form interval against brute force: re-rank the pairs at 101 partner
    shares; the best pair is the same exactly inside the interval."""
    partners = partner_evaluation()
    ranking = rank_pairs(SOFTWARE, partners, quotes, costs(), price_weight=price_weight)
    interval = ranking.share_interval()
    assert interval is not None
    assert interval.best == ranking.best
    assert (interval.low, interval.high) == pytest.approx(edges, abs=1e-4)
    shares = np.linspace(0, 1, 101)
    best = [
        rank_pairs(
            SOFTWARE, partners, quotes, costs(), partner_share=a, price_weight=price_weight
        ).best
        for a in shares
    ]
    inside = (shares > interval.low + 1e-9) & (shares < interval.high - 1e-9)
    outside = (shares < interval.low - 1e-9) | (shares > interval.high + 1e-9)
    assert all(b == interval.best for b, i in zip(best, inside, strict=True) if i)
    assert all(b != interval.best for b, o in zip(best, outside, strict=True) if o)
    assert interval.low < interval.share < interval.high
    takers = {b for b, o in zip(best, outside, strict=True) if o}
    assert takers <= {interval.by_low, interval.by_high}
