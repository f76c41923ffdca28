"""The options the commands share, defined once (crmselect/cli.py ``_shared_options``):
the tender folder, ``--strict``, ``--vendor`` (repeatable) and ``--debug`` after any
command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import crmselect
from crmselect.cli import build_parser, main
from crmselect.example import example_path
from crmselect.io.forms.rfp_response import read_response
from tests.helpers import KEY

FOLDER_COMMANDS = (
    "evaluate",
    "template",
    "import",
    "workshop",
    "scoring-sheets",
    "import-scores",
    "check",
)
STRICT_COMMANDS = ("demo", "evaluate", "import", "import-scores")
VENDOR_COMMANDS = ("template", "scoring-sheets", "new")  # new: the vendors it writes


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(command: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {name: a for a in command._actions for name in (*a.option_strings, a.dest)}


def test_every_command_that_reads_a_tender_takes_its_folder_first() -> None:
    commands = _commands()
    for name in FOLDER_COMMANDS:
        first = next(a for a in commands[name]._actions if not a.option_strings)
        assert first.dest == "path", name
    assert "path" not in _options(commands["demo"])
    assert "path" not in _options(commands["catalogs"])


def test_strict_and_vendor_mean_the_same_wherever_they_are_taken() -> None:
    commands = _commands()
    for name in STRICT_COMMANDS:
        strict = _options(commands[name])["--strict"]
        assert isinstance(strict, argparse._StoreTrueAction), name
    for name in VENDOR_COMMANDS:
        vendor = _options(commands[name])["--vendor"]
        assert isinstance(vendor, argparse._AppendAction), name
    assert {n for n, c in commands.items() if "--strict" in _options(c)} == set(STRICT_COMMANDS)
    assert {n for n, c in commands.items() if "--vendor" in _options(c)} == set(VENDOR_COMMANDS)


@pytest.mark.parametrize("name", ["demo", "catalogs", *FOLDER_COMMANDS])
def test_debug_is_accepted_after_every_command(name: str) -> None:
    args = {"demo": [], "catalogs": []}.get(name, ["tender"])
    extra = {
        "template": ["--out", "x"],
        "workshop": ["--out", "x"],
        "scoring-sheets": ["--out", "x"],
        "import": ["f.xlsx"],
        "import-scores": ["f.xlsx"],
    }.get(name, [])
    parsed = build_parser().parse_args([name, *args, *extra, "--debug"])
    assert parsed.debug is True
    assert build_parser().parse_args([name, *args, *extra]).debug is False


def test_template_writes_the_vendors_named(tmp_path: Path) -> None:
    out = tmp_path / "rfp"
    argv = ["template", str(example_path()), "--vendor", "orbis", "--vendor", "helix"]
    assert main([*argv, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["helix.xlsx", "orbis.xlsx"]
    evaluation = crmselect.example()
    assert read_response(out / "helix.xlsx", evaluation, key=KEY).vendor == "helix"
    assert read_response(out / "orbis.xlsx", evaluation, key=KEY).vendor == "orbis"


def test_one_workbook_for_two_vendors_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["template", str(example_path()), "--vendor", "orbis", "--vendor", "helix"]
    assert main([*argv, "--out", str(tmp_path / "both.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "is one workbook: name one vendor with --vendor, or give a folder" in err
    assert not (tmp_path / "both.xlsx").exists()
