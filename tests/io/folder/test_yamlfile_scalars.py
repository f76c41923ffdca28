"""A ``!!str`` scalar is taken as written without PyYAML's constructor
(crmselect/io/folder/yamlfile.py _Composer._construct): the tree and the problems are those
the constructor gives, for both parsers, on random documents."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from crmselect.errors import InputFileError
from crmselect.io.folder.yamlfile import YNode, parse_yaml

PARSERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])]


def _constructed(parser: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``parser`` with every ``!!str`` scalar made by the safe constructor itself (the same
    function, wrapped: the composer cannot tell it is the one it may skip)."""

    class Constructed(parser):  # type: ignore[valid-type,misc]
        pass

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        return yaml.constructor.SafeConstructor.construct_yaml_str(loader, node)

    Constructed.add_constructor("tag:yaml.org,2002:str", construct)
    return Constructed


def _tree(node: YNode) -> Any:
    value = node.value
    if isinstance(value, dict):
        value = {k: _tree(v) for k, v in value.items()}
    elif isinstance(value, list):
        value = [_tree(v) for v in value]
    return (type(node.value).__name__, value, *attrs.astuple(node, recurse=False)[1:])


def _read(text: str, parser: type[yaml.SafeLoader]) -> Any:
    try:
        return _tree(parse_yaml(text, "e.yaml", parser))
    except InputFileError as exc:
        return [str(p) for p in exc.problems]


ACCEPTED = [
    "text",
    "'quoted'",
    '"double"',
    "yes",
    "No",
    "~",
    "null",
    "001",
    "0x1F",
    "1_000",
    "3.5",
    "1e3",
    ".inf",
    "2026-11-20",
    "!!str 12",
    "!!int '7'",
    "! plain",
    "!!binary aGk=",
    "!!str",
    "''",
    "|\n    block\n",
    ">-\n    folded\n",
    '"a\\tb "',
    "'it''s'",
    "é ✓",
    "'trailing  '",
    '"\\n"',
]
REFUSED = ["2026-02-30", "!!int abc", "!!float x", "!!bool maybe", "!shout hey", "!!timestamp soon"]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=5)
accepted = st.sampled_from(ACCEPTED) | text.map(
    lambda t: yaml.safe_dump(t, default_style='"').strip()
)


@st.composite
def documents(draw: st.DrawFn, scalar: st.SearchStrategy[str] = accepted) -> str:
    """A mapping of scalars, lists of scalars and mappings of scalars, keys repeated at times."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from(["a", "b", "c", "'d'", "1"]))
        kind = draw(st.integers(0, 2))
        if kind == 0:
            lines.append(f"{key}: {draw(scalar)}")
        elif kind == 1:
            items = draw(st.lists(scalar, max_size=3))
            lines.append(
                f"{key}:" + "".join(f"\n  - {item}" for item in items) if items else f"{key}: []"
            )
        else:
            lines.append(f"{key}: {{x: {draw(scalar)}}}".replace("\n", " "))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@given(documents() | documents(accepted | st.sampled_from(REFUSED)))
def test_text_scalars_are_read_as_the_constructor_makes_them(
    parser: type[yaml.SafeLoader], text: str
) -> None:
    assert _read(text, parser) == _read(text, _constructed(parser))


def _document(scalars: list[str]) -> str:
    return "".join(f"k{i}: {s}" + ("" if s.endswith("\n") else "\n") for i, s in enumerate(scalars))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
def test_every_kind_of_scalar_is_read_as_the_constructor_makes_it(
    parser: type[yaml.SafeLoader],
) -> None:
    read = _read(_document(ACCEPTED), parser)
    assert read == _read(_document(ACCEPTED), _constructed(parser))
    assert read[1]["k20"][1] == "block\n"  # a tree, not problems
    refused = _read(_document(ACCEPTED + REFUSED), parser)
    assert refused == _read(_document(ACCEPTED + REFUSED), _constructed(parser))
    assert any("'abc' is not a valid !!int value" in p for p in refused)
