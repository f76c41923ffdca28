"""Bundled criteria catalogues: content, selection, and shipping inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crmselect import CrmselectError, InputFileError, ValidationError, catalogs, load_catalog
from crmselect.model import walk_tree
from tests.helpers import REPO

CORE_AREAS = {
    "sfa",
    "marketing",
    "service",
    "field_service",
    "prm",
    "analytics",
    "platform",
    "integration",
    "data_migration",
    "data_quality",
    "security",
    "compliance",
    "deployment_model",
    "access",
    "licensing",
    "contract",
    "viability",
    "roadmap",
    "support",
}


def test_bundled_catalogues_are_listed() -> None:
    assert catalogs() == ("crm-core", "partner")


def test_crm_core_covers_the_domain() -> None:
    core = load_catalog("crm-core")
    assert len(core.requirements) >= 150
    leaves = {c.id for _, c in walk_tree(core.criteria) if c.is_leaf}
    assert leaves == CORE_AREAS
    per_leaf = core.to_frame().groupby("criterion").size()
    assert per_leaf.min() >= 6
    assert {r.priority.value for r in core.requirements} == {"must", "should", "could", "wont"}
    assert 1 <= sum(r.mandatory for r in core.requirements) <= 8


def test_partner_catalogue_covers_partner_selection() -> None:
    partner = load_catalog("partner")
    leaves = {c.id for _, c in walk_tree(partner.criteria) if c.is_leaf}
    assert leaves == {
        "industry",
        "product",
        "methodology",
        "team",
        "references",
        "commercials",
        "after_go_live",
    }
    assert len(partner.requirements) >= 40


def test_select_by_requirement_and_by_branch() -> None:
    core = load_catalog("crm-core")
    functional = core.select(["functional"])
    assert {r.criterion for r in functional} == {
        "sfa",
        "marketing",
        "service",
        "field_service",
        "prm",
        "analytics",
        "platform",
    }
    assert [r.id for r in core.select(["SEC-001"])] == ["SEC-001"]
    with pytest.raises(ValidationError, match="no requirement or criterion 'XYZ-1'"):
        core.select(["XYZ-1"])


def test_unknown_catalogue_lists_the_available_ones() -> None:
    with pytest.raises(CrmselectError, match="available: crm-core, partner"):
        load_catalog("crm-cor")


def test_catalogue_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "schema: crmselect.catalog/1\nname: mine\ncriteria:\n  - {id: a, weight: 1}\n"
        "  - {id: b, weight: 1}\nrequirements:\n"
        "  - {id: R1, criterion: a, priority: must, text: Something, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        load_catalog(path)
    assert "mine.yaml: requirements[0].colour (line 7): unknown key 'colour'" in str(caught.value)
    path.write_text(path.read_text().replace(", colour: red", ""), encoding="utf-8")
    with pytest.raises(InputFileError, match="leaf criterion has no requirements"):
        load_catalog(path)


@pytest.mark.integration
def test_wheel_ships_catalogues_and_example_and_loads_them_in_a_clean_venv(
    tmp_path: Path,
) -> None:
    """Build the wheel, install it into a fresh virtual environment, load every catalogue."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("crmselect-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "crmselect/_data/criteria/crm-core.yaml" in names
    assert "crmselect/_data/examples/larkspur/evaluation.yaml" in names
    assert "crmselect/_data/examples/larkspur/.crmselect/key" in names  # its files verify
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = (
        "import crmselect, pathlib\n"
        "assert 'site-packages' in crmselect.__file__\n"
        "for name in crmselect.catalogs():\n"
        "    c = crmselect.load_catalog(name)\n"
        "    print(name, len(c.requirements), c.origin)\n"
        "r = crmselect.score(crmselect.example())\n"
        "print('winner', r.winners[0])\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    out = subprocess.run(
        [str(python), "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean,
    ).stdout
    lines = out.splitlines()
    assert lines[0].startswith("crm-core ")
    assert "site-packages" in lines[0]
    assert lines[1].startswith("partner ")
    assert lines[2] == "winner orbis"


def test_unknown_ids_are_named_with_the_closest_known_ones() -> None:
    core = load_catalog("crm-core")
    assert core.knows("SFA-001")
    assert core.knows("functional")
    assert not core.knows("SFA-0001")
    with pytest.raises(ValidationError) as caught:
        core.select(["SFA-0001", "markting", "zzz"])
    assert [p.what for p in caught.value.problems] == [
        "no requirement or criterion 'SFA-0001' in catalogue 'crm-core'; did you mean "
        "'SFA-001' or 'SFA-019' or 'SFA-018'?",
        "no requirement or criterion 'markting' in catalogue 'crm-core'; did you mean 'marketing'?",
        "no requirement or criterion 'zzz' in catalogue 'crm-core'",
    ]
