"""Progress bars: tqdm's widget bar only in a Jupyter kernel with ipywidgets, its plain bar
everywhere else, so a notebook without ipywidgets shows no "IProgress not found" warning
(issue 20 item 4)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
import tqdm.auto
import tqdm.std

from crmselect.progress import bar, bar_class, progress
from tests.helpers import run_cells


def test_outside_a_kernel_the_bar_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert bar_class() is tqdm.std.tqdm
    assert list(progress(range(7), total=7, desc="x", unit="i")) == list(range(7))
    with bar(total=3, disable=True) as shown:
        assert isinstance(shown, tqdm.std.tqdm)


def test_in_a_kernel_the_bar_is_a_widget_only_with_ipywidgets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert bar_class() is tqdm.auto.tqdm
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # as if not installed
    assert bar_class() is tqdm.std.tqdm


@pytest.mark.integration
def test_a_notebook_without_ipywidgets_shows_no_tqdm_warning(tmp_path: Path) -> None:
    notebook = run_cells(
        [
            "import sys, warnings\n"
            "sys.modules['ipywidgets'] = None  # as if the notebooks extra were missing\n"
            "warnings.simplefilter('always')\n"
            "import crmselect\n"
            "from crmselect.robustness import smaa\n"
            "result = smaa(crmselect.score(crmselect.example()), n_samples=2000, seed=1,"
            " progress=True)\n"
            "print(result.n_samples)",
        ],
        tmp_path,
    )
    outputs = notebook.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "2000" in text
    assert "IProgress not found" not in text
    assert "SMAA" in text  # the plain bar was shown instead
    assert all(o["output_type"] != "error" for o in outputs)
