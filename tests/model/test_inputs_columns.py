"""Objects made column by column (crmselect/model/inputs.py from_columns) are the objects
their constructor makes, for the classes whose ``__init__`` only stores its arguments."""

from __future__ import annotations

import gc
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmselect.model import DemoScore, Requirement, Response
from crmselect.model.inputs import from_columns

text = st.text(max_size=6)
response_rows = st.lists(st.tuples(text, text, st.none() | text, text, text, text), max_size=30)
score_rows = st.lists(
    st.tuples(text, text, text, text, st.none() | st.floats(allow_nan=False), text, text),
    max_size=30,
)


def _same(built: list[object], made: list[object]) -> None:
    """Equal, equally hashed and shown, field by field (the origin takes no part in
    equality), and the same when pickled and read back."""
    assert built == made
    assert [hash(b) for b in built] == [hash(m) for m in made]
    assert [repr(b) for b in built] == [repr(m) for m in made]
    assert [attrs.astuple(b) for b in built] == [attrs.astuple(m) for m in made]  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(built)) == made
    assert all(type(b) is type(m) for b, m in zip(built, made, strict=True))


@given(response_rows)
def test_responses_made_by_columns_are_the_constructors(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    columns = [list(column) for column in zip(*rows, strict=True)] or [[]] * 6
    _same(from_columns(Response, columns), [Response(*row) for row in rows])


@given(score_rows)
def test_demo_scores_made_by_columns_are_the_constructors(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    columns = [list(column) for column in zip(*rows, strict=True)] or [[]] * 7
    _same(from_columns(DemoScore, columns), [DemoScore(*row) for row in rows])


def test_the_objects_stay_frozen() -> None:
    (answer,) = from_columns(Response, [["v"], ["R1"], [None], [""], [""], ["row 2"]])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        answer.vendor = "w"  # type: ignore[misc]
    assert answer.origin == "row 2"


def test_a_class_whose_init_does_more_is_refused() -> None:
    """A converter, a validator or a post-init hook would be skipped: such a class cannot be
    built by columns (Requirement checks its ids and converts its priority)."""

    @attrs.frozen
    class Converted:
        value: int = attrs.field(converter=int)

    @attrs.frozen
    class Validated:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen(cache_hash=True)
    class Cached:
        value: int

    @attrs.define
    class Unfrozen:
        value: int

        def __attrs_post_init__(self) -> None:
            self.value += 1

    for cls in (Converted, Validated, Cached, Unfrozen):
        with pytest.raises(TypeError, match="cannot be built column by column"):
            from_columns(cls, [[1]])
    with pytest.raises(TypeError, match="cannot be built column by column"):
        from_columns(Requirement, [["R1"], ["t"], ["c"], ["must"], [False], [""]])
    with pytest.raises(TypeError, match="cannot be built column by column"):
        from_columns(Response, [["v"], ["R1"]])  # a column per field


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        from_columns(Response, [["v", "w"], ["R1"], [None], [""], [""], [""]])


class Unreadable(list[str]):
    """A column of one value that fails while it is read."""

    def __len__(self) -> int:
        return 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("unreadable")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        from_columns(Response, [["v"], ["R1"], [None], [""], [""], [""]])
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError, match="unreadable"):
            from_columns(Response, [["v"], ["R1"], [None], [""], [""], Unreadable()])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
