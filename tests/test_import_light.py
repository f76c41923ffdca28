"""``import crmselect`` loads the scoring core only: scipy, matplotlib and openpyxl are
imported where they are used (a statistic, a figure, a workbook), not when the package is
imported — a behaviour check, not a timing test."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import crmselect

HEAVY = ("scipy", "matplotlib", "openpyxl", "pandas")


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
