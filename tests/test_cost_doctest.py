"""The examples in crmselect.cost's docstrings run and give what they say (the worked
rank-reversal case of crmselect.price among them)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "crmselect.cost.offer",
    "crmselect.cost.tco",
    "crmselect.price",
    "crmselect.cost.partners",
    "crmselect.cost.business_case",
    "crmselect.cost.report",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.failed == 0
    if name != "crmselect.cost.partners":
        assert outcome.attempted > 0
