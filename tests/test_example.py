"""The bundled example tender exercises every path the issue asks for."""

from __future__ import annotations

import crmselect
from crmselect import Deployment, Licensing, Offering


def test_example_has_the_promised_shape() -> None:
    e = crmselect.example()
    assert len(e.vendors) == 6
    offerings = {v.offering for v in e.vendors}
    assert offerings == {Offering.SUITE, Offering.POINT}
    deployments = set().union(*(v.deployment for v in e.vendors))
    assert {Deployment.SAAS, Deployment.ON_PREMISE, Deployment.PARTNER_HOSTED} <= deployments
    licensing = set().union(*(v.licensing for v in e.vendors))
    assert {Licensing.SUBSCRIPTION, Licensing.PERPETUAL} <= licensing
    catalogue_ids = {r.id for r in crmselect.load_catalog("crm-core").requirements}
    from_catalogue = [r for r in e.requirements if r.id in catalogue_ids]
    own = [r for r in e.requirements if r.id not in catalogue_ids]
    assert len(from_catalogue) >= 120
    assert len(own) >= 3
    assert len(e.demo_scripts) == 4
    assert len(e.evaluators) == 5


def test_example_shows_knock_out_and_missing_answers() -> None:
    result = crmselect.score(crmselect.example())
    assert list(result.knocked_out) == ["tidewater"]
    assert "CMP-002" in result.knocked_out["tidewater"][0]
    missing = result.missing
    assert (missing["kind"] == "rfp answer").sum() == 13  # 3 excluded by the workbook import
    assert (missing["kind"] == "demo score").any()
    assert result.winners == ("orbis",)
