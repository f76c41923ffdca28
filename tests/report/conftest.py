"""Fixtures of the report tests: the bundled example analysed once for all of them."""

from __future__ import annotations

import pytest

import crmselect
from crmselect.report.award import Standing, standing


@pytest.fixture(scope="session")
def state() -> Standing:
    """The example tender as written (with its record) and its analysis (1,000 SMAA
    samples, the default seed)."""
    return standing(crmselect.example_tender(), n_samples=1_000)
