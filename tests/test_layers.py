"""Dependencies point one way: no module of crmselect imports a module of a higher layer.

The layer order is the numbered list in ``crmselect/__init__.py``'s docstring; every
``import crmselect.…`` and ``from crmselect… import …`` in every module — at the top or
inside a function — is checked against it, except imports under ``if TYPE_CHECKING:``
(annotations only). The package's own ``__init__`` (the public API) is above every layer.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import crmselect

PACKAGE = Path(crmselect.__file__).resolve().parent


def _layers() -> dict[str, int]:
    """First component under ``crmselect`` (``model``, ``io``, …) → its layer number."""
    doc = crmselect.__doc__ or ""
    rows = re.findall(r"^ {4}(\d+)\. (.+)$", doc, re.M)
    return {name.strip(): int(n) for n, names in rows for name in names.split(",")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").is_file() or (root / relative).is_dir()


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of the statements under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                for inner in ast.walk(stmt):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, imported crmselect module)`` for every run-time import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names if _ours(a.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _ours(node.module or ""):
            base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield node.lineno, sub if _is_module(sub) else base


EXCEPTIONS = {
    ("crmselect.model.evaluation", "crmselect.weights.judgements"): (
        "Evaluation.fingerprint leaves out weights only where they are what the judgements "
        "give, which takes AHP; a function-level import, run once per evaluation (the "
        "fingerprint is an attribute computed on first use, issue 15 item 5)"
    ),
}
"""Upward imports allowed, each with its reason: (importer, imported module)."""


def _ours(name: str) -> bool:
    return name == "crmselect" or name.startswith("crmselect.")


def _layer(module: str, layers: dict[str, int]) -> int | None:
    if module == "crmselect":
        return max(layers.values()) + 1
    return layers.get(module.split(".")[1])


def test_the_docstring_lists_the_layers_in_order() -> None:
    layers = _layers()
    assert sorted(set(layers.values())) == list(range(1, max(layers.values()) + 1))
    assert layers["errors"] == 1
    assert layers["scoring"] < layers["cost"]
    assert layers["catalog"] == layers["model"] < layers["io"]  # the type pure, its files io's
    assert layers["cli"] == max(layers.values())


def test_every_module_is_in_a_layer() -> None:
    layers = _layers()
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    unplaced = sorted(m for m in modules if _layer(m, layers) is None)
    assert unplaced == []


def test_no_module_imports_a_higher_layer() -> None:
    layers = _layers()
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        own = _layer(importer, layers)
        assert own is not None, importer
        for line, imported in _imports(path):
            target = _layer(imported, layers)
            if (importer, imported) in EXCEPTIONS:
                continue
            if target is None or target > own:
                upward.append(
                    f"{importer} (layer {own}) imports {imported} (layer {target}) "
                    f"at {path.relative_to(PACKAGE.parent)}:{line}"
                )
    assert upward == []


def test_every_exception_is_still_needed() -> None:
    used = {
        (_module_name(path), imported)
        for path in PACKAGE.rglob("*.py")
        for _, imported in _imports(path)
    }
    assert set(EXCEPTIONS) <= used


def test_function_level_imports_count_and_type_checking_ones_do_not(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import crmselect.errors\n"
        "if TYPE_CHECKING:\n"
        "    from crmselect.scoring import ScoreResult\n"
        "def plot():\n"
        "    from crmselect import plots\n"
        "    from crmselect.cli import main\n",
        encoding="utf-8",
    )
    assert list(_imports(source)) == [
        (2, "crmselect.errors"),
        (6, "crmselect.plots"),
        (7, "crmselect.cli"),
    ]
