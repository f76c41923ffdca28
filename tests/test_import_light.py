"""``import crmselect`` loads the scoring core only: scipy, matplotlib and openpyxl are
imported where they are used (a statistic, a figure, a workbook), not when the package is
imported; the command line starts without scipy, and the demo never loads scipy.stats —
behaviour checks, not timing tests (the timings are in benchmarks/README.md, "Start-up")."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import crmselect

HEAVY = ("scipy", "matplotlib", "openpyxl", "pandas")


def _modules_after(code: str) -> list[str]:
    """Every module loaded after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    return list(json.loads(out.stdout.splitlines()[-1]))


def _loaded_after(code: str) -> list[str]:
    """The top-level packages loaded after running ``code`` in a fresh interpreter."""
    return sorted({name.split(".")[0] for name in _modules_after(code)})


def test_import_crmselect_loads_no_scipy_matplotlib_openpyxl_or_pandas() -> None:
    loaded = _loaded_after("import crmselect")
    assert "crmselect" in loaded
    assert [name for name in HEAVY if name in loaded] == []


def test_the_scoring_core_is_loaded_and_the_file_functions_on_first_use() -> None:
    loaded = _loaded_after(
        "import crmselect\n"
        "assert callable(crmselect.score) and callable(crmselect.Evaluation)\n"
        "assert callable(crmselect.load_tender)"
    )
    assert "openpyxl" in loaded


def test_the_command_line_loads_scipy_only_where_a_command_uses_it() -> None:
    """``crmselect --help`` and every command start without scipy (0.6 s of CPU for
    scipy.optimize and scipy.stats): the robustness modules import it inside the functions
    that solve an LP, rank-correlate scenarios or build the first-place matrix."""
    loaded = _loaded_after("import crmselect.cli")
    assert "crmselect" in loaded
    assert "scipy" not in loaded


def test_the_demo_s_analysis_and_report_do_not_load_scipy_stats() -> None:
    """The demo's statistics (Kendall's W, the ICC's F intervals, the moderation list's
    Spearman's ρ) take mid-ranks from numpy and the χ² and F tails from scipy.special, so
    ``crmselect demo`` never pays for importing scipy.stats (about 0.6 s of CPU)."""
    loaded = _modules_after(
        "import crmselect\n"
        "from crmselect.report import full_report\n"
        "analysis = crmselect.analyse(crmselect.example_tender(), n_samples=500)\n"
        "assert 'Kendall' in full_report(analysis.result, analysis)\n"
    )
    assert "scipy.special" in loaded  # the statistics ran
    assert "scipy.stats" not in loaded


def test_the_lazy_names_are_the_names_type_checkers_see() -> None:
    """Every name of ``_PUBLIC`` is imported under ``TYPE_CHECKING`` from the same module,
    and the other way round."""
    tree = ast.parse(Path(crmselect.__file__).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    typed = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = {name: module for module, names in crmselect._PUBLIC.items() for name in names}
    assert typed == lazy
    assert set(lazy) <= set(crmselect.__all__)
