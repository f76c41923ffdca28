"""No function or method of crmselect has a cyclomatic complexity above :data:`LIMIT`.

Complexity is radon's (``radon cc``, McCabe's count of the paths through a function's own
body; a nested function counts on its own). A function above the limit is split into
smaller, well-named ones — a step, a rule or a section each — without changing what it
does. Every module under ``crmselect/`` is read, every function, method and nested
function in it checked, and the failure lists all that are too complex at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from tests.helpers import REPO

complexity = pytest.importorskip(
    "radon.complexity",
    reason="radon is not installed (it comes with the test extra: pip install -e '.[test]')",
)
visitors = pytest.importorskip("radon.visitors")

LIMIT = 15
"""The highest cyclomatic complexity a function may have."""


def _functions(blocks: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, int]]:
    """``(qualified name, complexity)`` of every function in radon's ``blocks`` and in
    them: methods as ``Class.method``, nested functions as ``outer.inner``."""
    for block in blocks:
        name = f"{prefix}{block.name}"
        if isinstance(block, visitors.Class):
            yield from _functions([*block.methods, *block.inner_classes], f"{name}.")
        else:
            yield name, block.complexity
            yield from _functions(block.closures, f"{name}.")


def _blocks(code: str) -> list[Any]:
    """The top-level functions and classes of ``code`` (``cc_visit`` also lists each
    method of a top-level class beside it; :func:`_functions` finds it in its class)."""
    return [block for block in complexity.cc_visit(code) if not getattr(block, "is_method", False)]


@pytest.fixture(scope="module")
def found() -> dict[str, int]:
    """``"path::name"`` → cyclomatic complexity of every function of every module of
    crmselect (paths relative to the repository, with ``/``)."""
    table: dict[str, int] = {}
    for path in sorted((REPO / "crmselect").rglob("*.py")):
        where = path.relative_to(REPO).as_posix()
        functions = _functions(_blocks(path.read_text(encoding="utf-8")))
        table.update((f"{where}::{name}", cc) for name, cc in functions)
    return table


def test_the_walk_finds_functions_methods_and_nested_functions() -> None:
    code = (
        "def f(x):\n"
        "    def g(y):\n"
        "        return 1 if y else 2\n"
        "    return g\n"
        "class A:\n"
        "    def m(self, x):\n"
        "        if x:\n"
        "            return 1\n"
        "        return 2\n"
        "    class B:\n"
        "        def n(self):\n"
        "            pass\n"
    )
    found = dict(_functions(_blocks(code)))
    assert found == {"f": 1, "f.g": 2, "A.m": 2, "A.B.n": 1}


def test_no_function_is_more_complex_than_the_limit(found: dict[str, int]) -> None:
    assert len(found) > 500  # every module was read
    too_complex = {name: cc for name, cc in found.items() if cc > LIMIT}
    assert not too_complex, (
        f"cyclomatic complexity above {LIMIT} (radon cc): split these into smaller, "
        "well-named functions:\n"
        + "\n".join(f"  {name}: {cc}" for name, cc in sorted(too_complex.items()))
    )
