"""Fixtures and hooks for every test (the helpers tests import are in ``tests/helpers.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import write_minimal

# CI runs the property tests derandomized (HYPOTHESIS_PROFILE=ci in .ci/run), so that main
# stays green on a fixed set of examples; locally they explore new examples on every run.
# No deadline in CI: a slow example on a loaded machine is not a failure (speed is measured
# in benchmarks/, never by a unit test).
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """An ``integration`` test is ``slow`` too, so ``-m "not slow"`` leaves every one out."""
    for item in items:
        if item.get_closest_marker("integration") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def minimal_folder(tmp_path: Path) -> Path:
    return write_minimal(tmp_path / "minimal")


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty folder, so that commands writing to the current folder
    (``crmselect demo`` leaves its workbook there) never touch the repository."""
    monkeypatch.chdir(tmp_path)
