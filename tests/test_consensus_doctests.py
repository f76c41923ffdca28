"""The examples in the docstrings of crmselect.consensus and crmselect.io.forms.demo_sheets run."""

from __future__ import annotations

import doctest
import functools
import importlib

import pytest

import crmselect

MODULES = [
    "crmselect.consensus",
    "crmselect.consensus._panel",
    "crmselect.consensus.aggregate",
    "crmselect.consensus.agreement",
    "crmselect.consensus.moderation",
    "crmselect.consensus.uncertainty",
    "crmselect.io.forms.demo_sheets",
]
_example = functools.cache(crmselect.example)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the example evaluation is immutable: load it once for all the examples
    monkeypatch.setattr(crmselect, "example", _example)
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.failed == 0
    if name != "crmselect.consensus":
        assert outcome.attempted > 0, f"{name} has no examples"
