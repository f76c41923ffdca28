"""A tender started from a catalogue loads, validates against the published schema, is ready
for the RFP workbooks, and a refused start leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmselect.errors import CrmselectError, InputFileError
from crmselect.io.folder.catalog import load_catalog
from crmselect.io.folder.json_schema import schema_problems
from crmselect.io.folder.key import TenderKey
from crmselect.io.folder.scaffold import SCHEMA_FILE, Member, new_tender
from crmselect.io.folder.tender import load_tender
from crmselect.io.folder.yamlfile import read_yaml
from crmselect.io.forms.rfp_template import write_template
from crmselect.model import walk_tree

VENDORS = [Member("helix", "Helix CRM"), Member("orbis")]
PANEL = [Member("it", "Ana Ruiz", "IT architect"), Member("sales", "Ben Ode")]


def _start(folder: Path, **kwargs: object) -> Path:
    options: dict[str, object] = {
        "name": "Acme — CRM 2027",
        "groups": ["functional", "commercial"],
        "vendors": VENDORS,
        "evaluators": PANEL,
        **kwargs,
    }
    return new_tender(folder, **options)  # type: ignore[arg-type]


def test_a_new_tender_loads_with_the_chosen_groups_vendors_and_panel(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    file = _start(folder)
    evaluation = load_tender(folder).evaluation
    core = load_catalog("crm-core")
    assert file == folder / "evaluation.yaml"
    assert evaluation.name == "Acme — CRM 2027"
    assert [c.id for c in evaluation.criteria] == ["functional", "commercial"]
    assert [r.id for r in evaluation.requirements] == [
        r.id for r in core.select(["functional", "commercial"])
    ]
    weights = {c.id: c.weight for _, c in walk_tree(core.criteria)}
    assert all(c.weight == weights[c.id] for _, c in walk_tree(evaluation.criteria))
    assert [(v.id, v.name) for v in evaluation.vendors] == [
        ("helix", "Helix CRM"),
        ("orbis", "orbis"),
    ]
    assert [(e.id, e.name, e.role) for e in evaluation.evaluators] == [
        ("it", "Ana Ruiz", "IT architect"),
        ("sales", "Ben Ode", ""),
    ]


def test_a_new_tender_names_and_ships_its_schema_and_is_valid_against_it(tmp_path: Path) -> None:
    file = _start(tmp_path / "acme")
    first = file.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    assert (file.parent / SCHEMA_FILE).is_file()
    assert schema_problems(read_yaml(file)) == []


def test_every_group_by_default(tmp_path: Path) -> None:
    _start(tmp_path / "all", groups=None)
    ids = [c.id for c in load_tender(tmp_path / "all").evaluation.criteria]
    assert ids == [c.id for c in load_catalog("crm-core").criteria]


def test_the_rfp_workbook_can_be_made_before_any_bid(tmp_path: Path) -> None:
    _start(tmp_path / "acme")
    evaluation = load_tender(tmp_path / "acme").evaluation
    out = write_template(evaluation, "helix", tmp_path / "helix.xlsx", key=TenderKey.generate())
    assert out.stat().st_size > 0


def test_a_folder_in_use_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputFileError, match="Cannot start a tender") as caught:
        _start(folder)
    assert "not empty" in str(caught.value.problems[0])
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_an_unknown_group_names_the_known_ones_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        _start(tmp_path / "acme", groups=["functionl"])
    message = str(caught.value.problems[0])
    assert "no criteria group 'functionl'" in message
    assert "did you mean 'functional'" in message
    assert not (tmp_path / "acme").exists()


def test_no_group_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CrmselectError, match="at least one criteria group"):
        _start(tmp_path / "acme", groups=[])


@pytest.mark.parametrize(
    ("vendors", "expected"),
    [
        ([Member("bad id!", "Bad")], "bad id!"),
        ([Member("helix"), Member("helix")], "helix"),
    ],
    ids=["bad id", "twice"],
)
def test_a_vendor_the_loader_refuses_leaves_no_folder(
    tmp_path: Path, vendors: list[Member], expected: str
) -> None:
    with pytest.raises(InputFileError, match="Cannot start a tender") as caught:
        _start(tmp_path / "acme", vendors=vendors)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
    assert not (tmp_path / "acme").exists()


def test_a_refused_start_in_an_empty_folder_keeps_the_folder_empty(tmp_path: Path) -> None:
    with pytest.raises(InputFileError):
        _start(tmp_path, vendors=[Member("bad id!")])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("helix", Member("helix")),
        ("helix=Helix CRM", Member("helix", "Helix CRM")),
        ("it=Ana Ruiz:IT architect", Member("it", "Ana Ruiz", "IT architect")),
        (" it = Ana : CIO ", Member("it", "Ana", "CIO")),
    ],
)
def test_a_member_is_written_as_id_name_and_role(text: str, member: Member) -> None:
    assert Member.parse(text) == member


def test_a_name_with_quotes_and_a_colon_survives_the_round_trip(tmp_path: Path) -> None:
    name = 'Acme: "phase 2" \\ CRM # not a comment'
    _start(tmp_path / "acme", name=name, vendors=[Member("helix", 'He said: "ok" #1')])
    evaluation = load_tender(tmp_path / "acme").evaluation
    assert evaluation.name == name
    assert evaluation.vendors[0].name == 'He said: "ok" #1'


def test_members_may_be_given_as_text(tmp_path: Path) -> None:
    _start(tmp_path / "acme", vendors=["helix=Helix CRM", "orbis"], evaluators=["it=Ana:CIO"])
    evaluation = load_tender(tmp_path / "acme").evaluation
    assert [(v.id, v.name) for v in evaluation.vendors] == [
        ("helix", "Helix CRM"),
        ("orbis", "orbis"),
    ]
    assert [(e.id, e.name, e.role) for e in evaluation.evaluators] == [("it", "Ana", "CIO")]
