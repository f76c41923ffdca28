"""``crmselect new``, ``crmselect check`` and ``crmselect catalogs NAME --requirements``: a
tender started from the command line is ready for ``template``, and ``check`` tells the
loader's problems (exit 2) from the published schema's (exit 1)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crmselect.cli import main
from crmselect.io.folder.catalog import load_catalog
from crmselect.io.folder.tender import load_tender

FLAGS = [
    "--name",
    "Acme CRM",
    "--group",
    "functional",
    "--group",
    "commercial",
    "--vendor",
    "helix=Helix CRM",
    "--vendor",
    "orbis",
    "--evaluator",
    "it=Ana Ruiz:IT architect",
    "--no-input",
]


def test_new_then_template_with_flags_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "acme"
    assert main(["new", str(folder), *FLAGS]) == 0
    out = capsys.readouterr().out
    assert "Acme CRM: 2 criteria groups" in out
    assert "2 vendors, 1 evaluators" in out
    assert f"next: crmselect template {folder} --out {folder / 'rfp'}" in out
    assert main(["template", str(folder), "--out", str(folder / "rfp")]) == 0
    assert sorted(p.name for p in (folder / "rfp").iterdir()) == ["helix.xlsx", "orbis.xlsx"]


def test_new_asks_in_a_terminal_for_what_the_flags_leave_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = io.StringIO("Beta tender\nfunctional vendor\nhelix=Helix\nkestrel\n\nit=Ana:CIO\n\n")
    typed.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", typed)
    assert main(["new", str(tmp_path / "beta")]) == 0
    evaluation = load_tender(tmp_path / "beta").evaluation
    assert evaluation.name == "Beta tender"
    assert [c.id for c in evaluation.criteria] == ["functional", "vendor"]
    assert [v.id for v in evaluation.vendors] == ["helix", "kestrel"]
    assert [(e.id, e.name, e.role) for e in evaluation.evaluators] == [("it", "Ana", "CIO")]
    assert "Criteria groups of crm-core: functional" in capsys.readouterr().out


def test_new_without_a_terminal_never_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(tmp_path / "acme"), "--vendor", "helix"]) == 2
    assert "name the tender with --name" in capsys.readouterr().err
    assert not (tmp_path / "acme").exists()


def test_new_refuses_an_unknown_group_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["new", str(tmp_path / "acme"), "--name", "A", "--group", "sales", "--no-input"]) == 2
    )
    err = capsys.readouterr().err
    assert "no criteria group 'sales'" in err
    assert "Traceback" not in err


def test_check_accepts_a_new_tender(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["new", str(tmp_path / "acme"), *FLAGS])
    capsys.readouterr()
    assert main(["check", str(tmp_path / "acme")]) == 0
    assert "valid against the loader and the published schema" in capsys.readouterr().out


def test_check_reports_the_loaders_problem_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["new", str(tmp_path / "acme"), *FLAGS])
    file = tmp_path / "acme" / "evaluation.yaml"
    file.write_text(file.read_text("utf-8").replace("weight: 45", "weight: heavy", 1), "utf-8")
    assert main(["check", str(tmp_path / "acme")]) == 2
    assert "criteria[0].weight (line 9): expected a number, got 'heavy'" in capsys.readouterr().err


def test_check_reports_what_only_the_schema_says_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["new", str(tmp_path / "acme"), *FLAGS])
    file = tmp_path / "acme" / "evaluation.yaml"
    text = file.read_text("utf-8").replace(
        'name: "Helix CRM"}', 'name: "Helix CRM", offering: SUITE}'
    )
    file.write_text(text, "utf-8")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "acme")]) == 1
    out = capsys.readouterr().out
    assert "[schema]" in out
    assert "vendors[0].offering" in out
    assert "'SUITE' is not one of" in out
    assert load_tender(tmp_path / "acme").evaluation.vendors[0].offering.value == "suite"


def test_check_notes_a_schema_file_from_another_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["new", str(tmp_path / "acme"), *FLAGS])
    (tmp_path / "acme" / "evaluation.schema.json").write_text("{}", "utf-8")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "acme")]) == 0
    assert "is not this crmselect's schema" in capsys.readouterr().out


def test_catalogs_lists_the_requirements(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogs", "crm-core", "--requirements"]) == 0
    lines = capsys.readouterr().out.splitlines()
    core = load_catalog("crm-core")
    assert lines[0] == f"crm-core: {len(core.requirements)} requirements"
    first = core.requirements[0]
    assert lines[3].startswith(first.id)
    assert first.text[:40] in lines[3]


def test_catalogs_requirements_needs_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogs", "--requirements"]) == 2
    assert "name it" in capsys.readouterr().err


def test_check_notes_a_huge_schema_copy_without_reading_it_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["new", str(tmp_path / "acme"), *FLAGS])
    with (tmp_path / "acme" / "evaluation.schema.json").open("wb") as handle:
        handle.truncate(10**9)  # sparse: 1 GB that is never read
    capsys.readouterr()
    assert main(["check", str(tmp_path / "acme")]) == 0
    assert "is not this crmselect's schema" in capsys.readouterr().out


def test_new_stops_cleanly_when_the_input_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = io.StringIO("Beta tender\n")  # then the input ends
    typed.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", typed)
    assert main(["new", str(tmp_path / "beta")]) == 2
    assert "the input ended; nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "beta").exists()
