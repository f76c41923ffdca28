"""The tests mirror the package: ``tests/io/forms/test_rfp_template.py`` tests
``crmselect/io/forms/rfp_template.py``, and the layout stays true as modules come and go.

A test file in ``tests/<package path>/`` is ``test_<module>.py`` or
``test_<module>_<aspect>.py`` for a module (or subpackage) of ``crmselect/<package path>/``,
or ``test_<package>.py`` / ``test_<package>_<aspect>.py`` for tests of the package as a
whole. A test file directly in ``tests/`` does the same for a top-level module of crmselect,
or is one of the cross-cutting tests named here. Shared helpers are imported from
``tests.helpers``, never from ``conftest``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import REPO

PACKAGE = REPO / "crmselect"
TESTS = REPO / "tests"

CROSS_CUTTING = {
    "bench_pipeline",  # benchmarks/bench_pipeline.py runs end to end on tiny tenders
    "complexity",  # no function above cyclomatic complexity 15 (radon)
    "import_light",  # import crmselect loads the scoring core only
    "layers",  # dependencies point one way
    "layout",  # this file
    "notebooks",  # notebooks/ run top to bottom
    "numpy_numbers",  # numpy numbers accepted wherever Python numbers are
    "public_api",  # the names the README writes
    "readme",  # the README's commands are what CI runs
    "results_protocol",  # every result: to_frame, _repr_html_ from it, plot(ax), fingerprint
}
"""Tests of the whole library at the top of tests/, named for what they check."""

TEST_FILES = sorted(TESTS.rglob("test_*.py"))


def names_in(package: Path) -> set[str]:
    """The public modules and subpackages of ``package`` (no ``_private`` ones)."""
    modules = {p.stem for p in package.glob("*.py")}
    packages = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    return {name for name in modules | packages if not name.startswith("_")}


def mirrors(subject: str, names: set[str]) -> bool:
    return any(subject == name or subject.startswith(f"{name}_") for name in names)


def misplaced(path: Path) -> str | None:
    """Why ``path`` mirrors nothing in crmselect, or None when it does."""
    folder = path.parent.relative_to(TESTS)
    subject = path.stem.removeprefix("test_")
    if folder == Path():
        top_modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
        if subject in CROSS_CUTTING or mirrors(subject, top_modules):
            return None
        return (
            f"tests/{path.name} names no top-level module of crmselect and is not a "
            "cross-cutting test (CROSS_CUTTING): move it to the folder of the package it tests"
        )
    package = PACKAGE / folder
    if not (package / "__init__.py").is_file():
        return f"tests/{folder}/ mirrors no package: crmselect/{folder}/ does not exist"
    if mirrors(subject, names_in(package) | {package.name}):
        return None
    return (
        f"tests/{folder}/{path.name} names no module of crmselect/{folder}/ "
        f"({', '.join(sorted(names_in(package)))})"
    )


def test_every_test_file_mirrors_a_module_of_crmselect() -> None:
    assert len(TEST_FILES) > 50
    assert any(path.parent == TESTS for path in TEST_FILES)
    assert any(path.parent != TESTS for path in TEST_FILES)
    problems = [problem for path in TEST_FILES if (problem := misplaced(path))]
    assert not problems, "\n".join(problems)


def test_every_test_folder_is_a_package_so_equal_file_names_do_not_clash() -> None:
    folders = {path.parent for path in TEST_FILES} | {TESTS}
    missing = [str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file()]
    assert missing == []


def test_helpers_are_imported_from_tests_helpers_not_from_conftest() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in TESTS.rglob("*.py")
        if re.search(r"^\s*(from conftest import|import conftest)", path.read_text("utf-8"), re.M)
    ]
    assert offenders == []
