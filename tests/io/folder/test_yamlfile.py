"""Hostile ``evaluation.yaml`` files: never a traceback, always the file, the line and what to
fix — through :func:`crmselect.load_tender` and through ``crmselect evaluate`` (exit 2).

Each case runs with libyaml's parser and with PyYAML's own (``FAST_LOADER`` set to ``None``),
and the two must give the same messages; the bundled YAML files must read the same both ways.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import crmselect
from crmselect import CrmselectError, InputFileError, derive, load_tender
from crmselect.cli import main
from crmselect.io.folder import yamlfile
from crmselect.io.folder.yamlfile import MAX_BYTES, MAX_DEPTH, parse_yaml
from tests.helpers import MINIMAL_YAML, REPO, write_minimal

LOADERS = ["libyaml", "pyyaml"] if yaml.__with_libyaml__ else ["pyyaml"]


def edit(old: str, new: str) -> str:
    assert old in MINIMAL_YAML, f"test set-up: {old!r} not in the minimal YAML"
    return MINIMAL_YAML.replace(old, new, 1)


NAME = "name: Minimal tender"
WEIGHT = "{id: a1, weight: 1}"

# (case id, the file's content, a part of the message that says what is wrong)
CORPUS: list[tuple[str, str | bytes, str]] = [
    ("impossible-date", edit(NAME, "name: 2026-02-30"), "'2026-02-30' is not a valid date"),
    ("not-a-date", edit(NAME, "name: !!timestamp soon"), "'soon' is not a valid date"),
    ("float-tag", edit(NAME, "name: !!float not-a-number"), "is not a valid !!float value"),
    ("int-tag", edit(NAME, "name: !!int abc"), "'abc' is not a valid !!int value"),
    ("bool-tag", edit(NAME, "name: !!bool maybe"), "'maybe' is not a valid !!bool value"),
    ("unknown-tag", edit(NAME, "name: !shout Minimal"), "could not determine a constructor"),
    ("python-tag", edit(NAME, "name: !!python/name:os.system x"), "remove the tag"),
    ("collection-tag", edit(NAME, "name: !!map tender"), "needs a mapping or a list"),
    ("401-digit-share", edit("demo_share: 0.5", "demo_share: " + "9" * 401), "expected a number"),
    ("401-digit-weight", edit(WEIGHT, "{id: a1, weight: " + "9" * 401 + "}"), "(401 characters)"),
    ("5000-digit-number", edit(NAME, "name: " + "9" * 5000), "4,300 digits"),
    ("huge-float", edit(WEIGHT, "{id: a1, weight: 1e999}"), "expected a number, got '1e999'"),
    ("nested-600", edit(NAME, "name: " + "[" * 600 + "]" * 600), "nested more than"),
    ("nested-block", edit(NAME, "name:" + "".join(f"\n{' ' * i}k:" for i in range(1, 90))), "64"),
    ("nul-byte", edit(NAME, "name: Mini\x00mal"), "U+0000 is not allowed"),
    ("control-char", edit(NAME, "name: Mini\x1bmal"), "U+001B is not allowed"),
    ("binary-garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "is not UTF-8"),
    ("latin-1", MINIMAL_YAML.replace("Minimal", "Minimal café").encode("latin-1"), "UTF-8"),
    ("empty", "", "the file is empty"),
    ("only-comments", "# nothing here yet\n\n", "the file is empty"),
    ("mapping-for-text", edit(NAME, "name: {first: Minimal}"), "expected text, got a mapping"),
    ("list-for-text", edit(NAME, "name: [Minimal, tender]"), "expected text, got a list"),
    ("list-for-mapping", edit("scoring:\n  demo_share: 0.5", "scoring: [0.5]"), "got a list"),
    (
        "number-for-mapping",
        edit("demo_share: 0.5", "demo_aggregation: {evaluator_weights: 5}"),
        "expected a mapping",
    ),
    ("mapping-for-catalog", edit(NAME, f"{NAME}\ncatalog: {{name: crm-core}}"), "expected text"),
    ("long-catalog-name", edit(NAME, f"{NAME}\ncatalog: {'c' * 5000}"), "No bundled catalogue"),
    ("long-file-name", edit("responses.csv", "r" * 5000 + ".csv"), "not found"),
    ("top-level-text", "just a sentence\n", "expected a mapping"),
    ("collection-key", edit(NAME, f"{NAME}\n? [a, b]\n: c"), "a key must be plain text"),
    ("alias", edit("  - {id: b, weight: 1}", "  - &b {id: b, weight: 1}\n  - *b"), "aliases"),
    ("two-documents", MINIMAL_YAML + "---\nname: again\n", "a second YAML document"),
    ("repeated-key", edit(NAME, f"{NAME}\nname: again"), "appears twice"),
    ("syntax", edit(NAME, "name: [unclosed"), "expected ',' or ']'"),
    ("tab-indent", edit("  demo_share: 0.5", "\tdemo_share: 0.5"), "found character '\\t'"),
]


def _write(folder: Path, name: str, content: str | bytes) -> None:
    if isinstance(content, bytes):
        (folder / name).write_bytes(content)
    else:
        (folder / name).write_text(content, encoding="utf-8")


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test once with libyaml's parser and once with PyYAML's own."""
    if request.param == "pyyaml":
        monkeypatch.setattr(yamlfile, "FAST_LOADER", None)
    return str(request.param)


def _refusal(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The message of ``load_tender`` (the evaluation, its costs and partners sections) and
    the CLI's, which must agree (exit 2)."""
    with pytest.raises(CrmselectError) as caught:
        load_tender(folder)
    message = str(caught.value)
    assert main(["evaluate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err == f"crmselect: {message}\n"
    assert "Traceback" not in err
    return message


def _names_file_and_line(message: str, file: str) -> bool:
    return re.search(re.escape(file) + r"(: [^\n]*)? \(line \d+", message) is not None


@pytest.mark.parametrize(("content", "what"), [pytest.param(c, w, id=i) for i, c, w in CORPUS])
@pytest.mark.usefixtures("loader")
def test_hostile_evaluation_yaml_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, what: str
) -> None:
    folder = write_minimal(tmp_path / "hostile")
    _write(folder, "evaluation.yaml", content)
    message = _refusal(folder, capsys)
    assert what in message
    assert _names_file_and_line(message, str(folder / "evaluation.yaml")), message


@pytest.mark.parametrize(("content", "what"), [pytest.param(c, w, id=i) for i, c, w in CORPUS])
def test_both_parsers_give_the_same_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes, what: str
) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    folder = write_minimal(tmp_path / "hostile")
    _write(folder, "evaluation.yaml", content)
    messages = []
    for fast in (yaml.CSafeLoader, None):
        monkeypatch.setattr(yamlfile, "FAST_LOADER", fast)
        with pytest.raises(CrmselectError) as caught:
            derive(load_tender(folder))
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert what in messages[0]


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_minimal(tmp_path / "huge")
    filler = "# " + "x" * 97 + "\n"  # 100 bytes a line
    lines = MAX_BYTES // len(filler) + 10
    _write(folder, "evaluation.yaml", MINIMAL_YAML + filler * lines)
    message = _refusal(folder, capsys)
    assert f"the file passes the limit of {MAX_BYTES // (1 << 20)} MiB here" in message
    line = int(re.findall(r"\(line (\d+)\)", message)[0])
    assert line == MINIMAL_YAML.count("\n") + (MAX_BYTES - len(MINIMAL_YAML)) // 100 + 1


def test_nesting_at_the_limit_is_read_and_one_deeper_is_refused() -> None:
    inside = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_yaml(f"a: {inside}\n", "f.yaml").value["a"].line == 1
    with pytest.raises(CrmselectError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml(f"a: [{inside}]\n", "f.yaml")


def test_every_content_problem_is_listed_at_once() -> None:
    text = "a: 2026-02-30\nb: !!int x\nc: 1\nc: 2\nd: *nowhere\n"
    with pytest.raises(InputFileError) as caught:
        parse_yaml(text, "f.yaml")
    assert [p.where for p in caught.value.problems] == [
        "f.yaml: a (line 1)",
        "f.yaml: b (line 2)",
        "f.yaml: c (line 4)",
        "f.yaml: d (line 5)",
    ]


def test_a_syntax_error_names_the_mapping_it_is_in() -> None:
    with pytest.raises(InputFileError) as caught:
        parse_yaml("vendors:\n  - {id: x, name: [Xylo}\n", "f.yaml")
    (problem,) = caught.value.problems
    assert problem.where == "f.yaml: vendors[0].name (line 2, column 24)"


BUNDLED = sorted(
    [
        *(REPO / "criteria").glob("*.yaml"),
        *(REPO / "examples").rglob("evaluation.yaml"),
    ]
)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(REPO)))
def test_both_parsers_read_the_bundled_files_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse_yaml(text, path.name, yaml.CSafeLoader)
    assert fast == parse_yaml(text, path.name, yaml.SafeLoader)
    assert _plain(fast) == yaml.safe_load(text)


def _plain(node: yamlfile.YNode) -> object:
    """The tree as the plain data ``yaml.safe_load`` returns."""
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value]
    return node.value


@pytest.mark.slow
@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_the_bundled_example_loads_the_same_with_either_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fingerprints = set()
    for fast in (yaml.CSafeLoader, None):
        monkeypatch.setattr(yamlfile, "FAST_LOADER", fast)
        fingerprints.add(crmselect.example().fingerprint)
    assert len(fingerprints) == 1


# -- the partners' evaluation and the costs: section -------------------------------------------

PARTNERS = "partners: {evaluation: partners, offers: partner_offers.csv}\n"


def software_with_partners(tmp_path: Path, partners_yaml: str | bytes) -> Path:
    """The minimal evaluation with a partners: section whose partners' evaluation (the
    minimal one again: its vendors are the partners) is ``partners_yaml``."""
    folder = write_minimal(tmp_path / "software", yaml_text=MINIMAL_YAML + PARTNERS)
    _write(write_minimal(folder / "partners"), "evaluation.yaml", partners_yaml)
    (folder / "partner_offers.csv").write_text(
        "partner,product,implementation_days,day_rate\nx,x,100,1000\n", encoding="utf-8"
    )
    return folder


def test_the_partners_setup_used_below_is_read(tmp_path: Path) -> None:
    setup = load_tender(software_with_partners(tmp_path, MINIMAL_YAML)).partners
    assert setup is not None
    assert [o.partner for o in setup.offers] == ["x"]


@pytest.mark.parametrize(("content", "what"), [pytest.param(c, w, id=i) for i, c, w in CORPUS])
@pytest.mark.usefixtures("loader")
def test_hostile_partners_evaluation_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, what: str
) -> None:
    folder = software_with_partners(tmp_path, content)
    message = _refusal(folder, capsys)
    assert what in message
    assert "evaluation.yaml: partners.evaluation (line 28): the partners' evaluation" in message
    assert _names_file_and_line(message, str(folder / "partners" / "evaluation.yaml")), message


PRICING = """\
pricing:
  x: {currency: EUR, licensing_model: subscription, user_type: named, price_per_named_user: 50,
      price_period: per month, contract_years: 3, implementation_days: 0, day_rate: 0}
"""
BIG = "9" * 401

COSTS: list[tuple[str, str, str]] = [
    ("not-a-mapping", "costs: [1, 2]", "costs (line 31): expected a mapping"),
    ("no-users", "costs: {years: 3}", "costs (line 31): missing required key 'users'"),
    ("401-digit-users", f"costs: {{users: [{BIG}]}}", "costs.users[0] (line 31): expected a"),
    ("401-digit-years", f"costs: {{users: {{start: 9}}, years: {BIG}}}", "costs.years (line 31)"),
    (
        "5000-digit-rate",
        f"costs: {{users: [9], discount_rate: {'9' * 5000}}}",
        "costs.discount_rate (line 31): a number of 5,000 characters",
    ),
    ("date", "costs: {users: 2026-02-30}", "costs.users (line 31): '2026-02-30' is not a valid"),
    ("float-tag", "costs: {users: [!!float ten]}", "costs.users[0] (line 31): 'ten' is not a"),
    (
        "nan",
        "costs: {users: [9], training_per_user: .nan}",
        "costs.training_per_user (line 31): expected a number, got '.nan'",
    ),
    ("mapping-for-text", "costs: {users: [9], currency: {EUR: 1}}", "costs.currency (line 31)"),
    ("list-for-mapping", "costs: {users: [9], offers: [x]}", "costs.offers (line 31): expected"),
    ("number-for-list", "costs: {users: [9], benefits: 5}", "costs.benefits (line 31): expected"),
    ("mapping-for-list", "costs: {users: [9], cost_factor: {a: 1}}", "costs.cost_factor (line 31)"),
    ("unknown-key", "costs: {users: [9], colour: red}", "costs.colour (line 31): unknown key"),
]


@pytest.mark.parametrize(("costs", "what"), [pytest.param(c, w, id=i) for i, c, w in COSTS])
def test_hostile_costs_section_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], costs: str, what: str
) -> None:
    folder = write_minimal(tmp_path / "costs", yaml_text=MINIMAL_YAML + PRICING + costs + "\n")
    message = _refusal(folder, capsys)
    assert f"{folder / 'evaluation.yaml'}: {what}" in message
    assert "(1 problem(s))" in message  # no follow-on of the one mistake


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("5e-1", "which YAML reads as text; write it with a decimal point (5.0e-1) or in full"),
        ("9" * 401, "too large to compute with; give a realistic amount"),
        ("'0.5'", ""),
    ],
)
def test_a_number_yaml_cannot_use_says_how_to_write_it(
    tmp_path: Path, written: str, hint: str
) -> None:
    folder = write_minimal(
        tmp_path / "f", yaml_text=MINIMAL_YAML.replace("demo_share: 0.5", f"demo_share: {written}")
    )
    with pytest.raises(InputFileError) as caught:
        derive(load_tender(folder))
    (problem,) = caught.value.problems
    assert "scoring.demo_share (line" in problem.where
    assert problem.what.startswith("expected a number, got ")
    assert problem.what.endswith(hint)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_libyaml_is_the_default_parser_and_its_errors_name_file_and_line() -> None:
    assert yamlfile.FAST_LOADER is yaml.CSafeLoader
    text = "name: t\nvendors:\n  - id: a\n    id: b\n  - when: 2026-02-30\n"
    with pytest.raises(InputFileError) as caught:
        parse_yaml(text, "evaluation.yaml", yaml.CSafeLoader)
    wheres = [p.where for p in caught.value.problems]
    assert wheres == [
        "evaluation.yaml: vendors[0].id (line 4)",
        "evaluation.yaml: vendors[1].when (line 5)",
    ]
    with pytest.raises(InputFileError) as syntax:
        parse_yaml("name: t\nvendors: [a, b\n", "evaluation.yaml")  # libyaml, then PyYAML's words
    (problem,) = syntax.value.problems
    assert re.fullmatch(r"evaluation\.yaml: vendors \(line 3, column 1\)", problem.where)
