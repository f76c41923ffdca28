"""The public API is what the README writes: names reachable from ``import crmselect``."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

import crmselect
from tests.helpers import REPO


def test_every_name_in_all_resolves() -> None:
    missing = [name for name in crmselect.__all__ if not hasattr(crmselect, name)]
    assert missing == []
    assert "analyse" in crmselect.__all__
    assert set(crmselect.__all__) <= set(dir(crmselect))


@pytest.mark.slow
def test_subpackages_are_reachable_after_a_bare_import_and_loaded_on_first_use() -> None:
    code = (
        "import sys, crmselect\n"
        "assert 'crmselect.robustness' not in sys.modules\n"
        "assert 'crmselect.plots' not in sys.modules\n"
        "assert callable(crmselect.robustness.smaa)\n"
        "assert callable(crmselect.analysis.analyse)\n"
        "assert crmselect.analyse is crmselect.analysis.analyse\n"
        "assert callable(crmselect.rfp.read_response)\n"
        "assert callable(crmselect.plots.totals)\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "ok"


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'robustnes'"):
        _ = crmselect.robustnes  # type: ignore[attr-defined]


def _readme_block(marker: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    return next(b for b in blocks if marker in b)


@pytest.mark.slow
def test_readme_robustness_snippet_runs_and_samples_as_the_cli_does() -> None:
    result = crmselect.score(crmselect.example())
    namespace: dict[str, object] = {"result": result}
    exec(_readme_block("from crmselect import robustness"), namespace)
    around = namespace["around"]
    assert isinstance(around, crmselect.robustness.DirichletWeights)
    analysis = crmselect.analyse(crmselect.example(), seed=1, n_samples=2_000)
    assert analysis.smaa is not None
    cli_sampler = analysis.smaa.weights
    assert isinstance(cli_sampler, crmselect.robustness.DirichletWeights)
    assert cli_sampler.concentration == around.concentration
    pd.testing.assert_series_equal(cli_sampler.center, around.center)
