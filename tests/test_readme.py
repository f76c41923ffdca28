"""The README's two quick-start commands are exactly what CI runs."""

from __future__ import annotations

import re
import tomllib

from tests.helpers import REPO


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S)
    assert block, "README has no Quick start bash block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_has_exactly_two_commands_a_demo_and_the_tests() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("crmselect demo")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_commands_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for command in quick_start_commands():
        assert command in ci


def test_the_readme_explains_the_quick_loop_and_every_marker() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    development = readme.split("## Development", 1)[1]
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    markers = [m.split(":")[0] for m in pyproject["tool"]["pytest"]["ini_options"]["markers"]]
    assert markers
    assert all(f"`{marker}`" in development for marker in markers)
    assert 'python -m pytest -m "not slow"' in development
