"""``import crmselect`` loads the scoring core only: scipy, matplotlib and openpyxl are
imported where they are used (a statistic, a figure, a workbook), not when the package is
imported — a behaviour check, not a timing test."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "matplotlib", "openpyxl")


def _loaded_after(code: str) -> list[str]:
    script = (
        f"{code}\n"
        "import json, sys\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return list(json.loads(out.stdout))


def test_import_crmselect_loads_no_scipy_matplotlib_or_openpyxl() -> None:
    loaded = _loaded_after("import crmselect")
    assert "crmselect" in loaded
    assert [name for name in HEAVY if name in loaded] == []


def test_the_scoring_core_is_loaded_and_the_file_functions_on_first_use() -> None:
    loaded = _loaded_after(
        "import crmselect\n"
        "assert callable(crmselect.score) and callable(crmselect.Evaluation)\n"
        "assert callable(crmselect.load_evaluation)"
    )
    assert "openpyxl" in loaded
