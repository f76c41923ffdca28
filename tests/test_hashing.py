"""Hashes identify inputs and come out the same on every machine (crmselect/hashing.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import attrs
import numpy as np
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect.hashing import canonical, canonical_float, digest, sha256_hex
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.rfp_template import questions_fingerprint, requirements_hash
from crmselect.model import (
    Criterion,
    Evaluation,
    Judgements,
    Requirement,
    Response,
    Vendor,
    fingerprint_of,
)
from crmselect.weights import apply_judgements


def _tree_evaluation(judgements: tuple[Judgements, ...] = ()) -> Evaluation:
    tree = (
        Criterion("a", children=(Criterion("a1", weight=2), Criterion("a2"))),
        Criterion("b"),
    )
    if judgements:
        tree = apply_judgements(tree, judgements)
    return Evaluation(
        "t",
        tree,
        [Requirement("r1", "x", "a1"), Requirement("r2", "y", "a2"), Requirement("r3", "z", "b")],
        [Vendor("v1", "V1"), Vendor("v2", "V2")],
        judgements=judgements,
    )


def _nudged(evaluation: Evaluation, ulps: int) -> Evaluation:
    """The same evaluation with every top-level weight moved by ``ulps`` units in the last
    place — what another BLAS kernel's eigen-solver may return."""
    moved = tuple(
        attrs.evolve(c, weight=float(c.weight + ulps * np.spacing(c.weight)))
        for c in evaluation.criteria
    )
    return attrs.evolve(evaluation, criteria=moved)


def test_canonical_float_keeps_twelve_significant_digits() -> None:
    assert canonical_float(0.1 + 0.2) == "0.3"
    assert canonical_float(1 / 3) == "0.333333333333"
    assert canonical_float(-0.0) == canonical_float(0.0) == "0"
    assert canonical_float(float("inf")) == "inf"
    assert canonical_float(float("nan")) == "nan"
    assert canonical_float(123456789012345.0) == "1.23456789012e+14"


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_decimal_inputs_of_twelve_digits_round_trip_exactly(x: float) -> None:
    typed = float(f"{x:.12g}")  # what a committee types: at most 12 significant digits
    assert float(canonical_float(typed)) == typed


def test_canonical_renders_numpy_like_python() -> None:
    plain = canonical({"n": np.int64(10), "x": np.float64(0.5), "a": np.array([1.0, 2.0])})
    assert (
        plain
        == canonical({"n": 10, "x": 0.5, "a": [1.0, 2.0]})
        == {
            "n": 10.0,
            "x": 0.5,
            "a": [1.0, 2.0],
        }
    )
    assert sha256_hex([np.int64(3)]) == sha256_hex([3]) == sha256_hex([3.0]) != sha256_hex(["3"])


def test_canonical_keeps_bools_apart_from_numbers() -> None:
    plain = canonical([True, np.bool_(False), 1, np.int64(0)])
    assert plain == [True, False, 1.0, 0.0]
    assert [type(v) for v in plain] == [bool, bool, float, float]
    assert sha256_hex([True]) != sha256_hex([1])


@attrs.frozen
class _Inner:
    kept: int
    secret: str


@attrs.frozen
class _Outer:
    inner: _Inner
    secret: str
    items: tuple[_Inner, ...]


def test_canonical_leaves_out_excluded_attrs_fields_at_any_depth() -> None:
    outer = _Outer(_Inner(1, "a"), "b", (_Inner(2, "c"),))
    assert canonical(outer, exclude=["secret"]) == {
        "inner": {"kept": 1.0},
        "items": [{"kept": 2.0}],
    }
    assert canonical(outer)["secret"] == "b"
    assert canonical(outer)["inner"] == {"kept": 1.0, "secret": "a"}


def test_canonical_writes_mapping_keys_as_their_canonical_text() -> None:
    assert canonical({1: "one", None: "none", "k": None}) == {
        "1.0": "one",
        "None": "none",
        "k": None,
    }
    assert sha256_hex({1: "x"}) == sha256_hex({1.0: "x"}) == sha256_hex({"1.0": "x"})


def test_digest_ignores_last_bits_but_not_values_or_shape() -> None:
    a = np.array([[0.2, 0.7], [0.1, 0.9]])
    assert digest(a, 1) == digest(a + np.spacing(a), 1)
    assert digest(a, 1) != digest(a, 2)
    assert digest(a) != digest(a.T)
    assert digest(a) != digest(a.ravel())
    assert digest(a) != digest(a * (1 + 1e-9))


def test_fingerprint_leaves_out_weights_derived_from_judgements() -> None:
    judged = _tree_evaluation((Judgements("", [("a", "b", 3)]),))
    assert [c.weight for c in judged.criteria] == pytest.approx([0.75, 0.25])
    # Another machine's eigen-solver: the same judgements, weights a few ulps apart.
    assert _nudged(judged, 3).fingerprint == judged.fingerprint
    # The judgements themselves are inputs: changing one changes the hash.
    other = _tree_evaluation((Judgements("", [("a", "b", 5)]),))
    assert other.fingerprint != judged.fingerprint


def test_fingerprint_of_a_change_is_the_fingerprint_of_the_checked_copy() -> None:
    """fingerprint_of hashes the copy attrs.evolve would build, field by field, without
    building it: the same hash for no change, for answers left out or added, and for
    weights moved away from (or nudged within) what the judgements give."""
    judged = _tree_evaluation((Judgements("", [("a", "b", 3)]),))
    answered = attrs.evolve(judged, responses=[Response("v1", "r1", "out_of_box")])
    moved = (attrs.evolve(judged.criteria[0], weight=0.5), judged.criteria[1])
    nudged = _nudged(judged, 3).criteria
    assert fingerprint_of(answered) == answered.fingerprint
    for base, changes in [
        (answered, {"responses": ()}),
        (judged, {"responses": answered.responses, "description": "d"}),
        (judged, {"criteria": moved}),
        (judged, {"criteria": nudged}),
        (judged, {"judgements": (), "criteria": moved}),
    ]:
        copy = attrs.evolve(base, **changes)
        assert fingerprint_of(base, **changes) == copy.fingerprint, changes
    assert fingerprint_of(judged, criteria=nudged) == judged.fingerprint
    assert fingerprint_of(judged, criteria=moved) != judged.fingerprint
    with pytest.raises(TypeError, match="no field answers"):
        fingerprint_of(judged, answers=())


def test_fingerprint_keeps_weights_given_as_inputs() -> None:
    given_weights = _tree_evaluation()
    moved = attrs.evolve(
        given_weights,
        criteria=(
            attrs.evolve(given_weights.criteria[0], weight=1.5),
            given_weights.criteria[1],
        ),
    )
    assert moved.fingerprint != given_weights.fingerprint
    # The sub-criteria of a judged top level are not judged: their weights still count.
    judged = _tree_evaluation((Judgements("", [("a", "b", 3)]),))
    a = judged.criteria[0]
    reweighted = attrs.evolve(
        judged,
        criteria=(
            attrs.evolve(a, children=(attrs.evolve(a.children[0], weight=3), a.children[1])),
            judged.criteria[1],
        ),
    )
    assert reweighted.fingerprint != judged.fingerprint


@pytest.mark.slow
def test_fingerprint_of_the_example_ignores_last_bits_of_its_ahp_weights() -> None:
    example = crmselect.example()
    assert example.judgements, "the example derives its top-level weights from judgements"
    assert _nudged(example, 2).fingerprint == example.fingerprint
    assert questions_fingerprint(_nudged(example, -2)) == questions_fingerprint(example)


_PRINT_HASHES = (
    "import crmselect; from crmselect.io.forms.rfp_template import questions_fingerprint as q; "
    "e = crmselect.example(); r = crmselect.score(e); "
    "print(e.fingerprint, q(e), r.fingerprint)"
)


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            return {f for line in info if line.startswith("flags") for f in line.split()}
    except OSError:
        return set()


# OpenBLAS kernels and the x86-64 instruction set each needs: forcing a kernel the CPU
# lacks would stop the process with an illegal instruction, so such kernels are skipped.
_KERNELS = {"Sandybridge": "avx", "Haswell": "avx2", "SkylakeX": "avx512f"}


def _hashes_in_a_process_with(env: dict[str, str]) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", _PRINT_HASHES],
        env={**{k: v for k, v in os.environ.items() if k not in env}, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()


def _hashes_here() -> list[str]:
    example = crmselect.example()
    return [
        example.fingerprint,
        questions_fingerprint(example),
        crmselect.score(example).fingerprint,
    ]


@pytest.mark.slow
@pytest.mark.parametrize("core", sorted(_KERNELS))
def test_fingerprints_agree_across_openblas_kernels(core: str) -> None:
    """The example's hashes with OpenBLAS forced to another kernel equal those of this
    process (whatever kernel it runs): the AHP weights differ in their last bits between
    the SkylakeX and Haswell kernels (…847 and …849), the hashes must not."""
    if _KERNELS[core] not in _cpu_flags():
        pytest.skip(f"this CPU has no {_KERNELS[core]} for OpenBLAS's {core} kernel")
    assert _hashes_in_a_process_with({"OPENBLAS_CORETYPE": core}) == _hashes_here()


NO_AVX512 = "X86_V4 AVX512_SPR AVX512_ICL AVX512_SKX AVX512F"
"""numpy's AVX-512 code paths, turned off: its vectorised ``power`` then gives the
example's quillpoint NPV as 881606.1505102791 instead of …279 on an AVX-512 machine."""


@pytest.mark.slow
def test_fingerprints_agree_without_numpys_avx512_paths() -> None:
    """Prices derived with numpy's SIMD-dispatched ``power`` differ in their last bits
    between CPUs; the hashes (12 significant digits) must not. Names of features a CPU
    lacks are ignored by numpy, so this runs anywhere."""
    assert _hashes_in_a_process_with({"NPY_DISABLE_CPU_FEATURES": NO_AVX512}) == _hashes_here()


@pytest.mark.slow
def test_example_returned_workbooks_carry_the_current_requirements_hash() -> None:
    """The importer compares a returned RFP workbook's ``requirements_hash`` with the
    evaluation's (a change of weights is the award basis's business, not the file's): the
    example's six answers carry today's, so none is diffed requirement by requirement."""
    evaluation = crmselect.example()
    current = requirements_hash(evaluation)
    files = sorted((crmselect.example_path() / "returned").glob("*.xlsx"))
    assert len(files) == 6
    for path in files:
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            facts = {row[0]: row[1] for row in workbook[META_SHEET].iter_rows(values_only=True)}
        finally:
            workbook.close()
        assert facts["requirements_hash"] == current, path.name


@pytest.mark.slow
def test_weights_set_by_hand_over_judgements_are_hashed() -> None:
    """A judged node whose weights are not what its judgements give (a what-if, an edit
    after the workshop) is scored with those weights, so they must change the hash."""
    example = crmselect.example()
    top = [c.id for c in example.criteria]
    tilted = attrs.evolve(
        example,
        criteria=tuple(
            attrs.evolve(c, weight=3.0 if c.id == "commercial" else 1.0) for c in example.criteria
        ),
    )
    assert "commercial" in top
    assert crmselect.score(tilted).winners != crmselect.score(example).winners
    assert tilted.fingerprint != example.fingerprint
    # a change below the last-bit noise of an eigen-solver is still the same input
    assert _nudged(example, 50).fingerprint == example.fingerprint


def test_judgements_that_do_not_fit_the_tree_derive_nothing() -> None:
    """'c' is compared with nothing, so AHP derives no weights: the given ones are hashed."""
    tree = (Criterion("a"), Criterion("b"), Criterion("c"))
    answers = [Requirement(f"r{c.id}", "x", c.id) for c in tree]
    vendors = [Vendor("v1", "V1"), Vendor("v2", "V2")]
    judged = (Judgements("", [("a", "b", 3)]),)
    unfit = Evaluation("t", tree, answers, vendors, judgements=judged)
    reweighted = attrs.evolve(unfit, criteria=(attrs.evolve(tree[0], weight=2), *tree[1:]))
    assert reweighted.fingerprint != unfit.fingerprint


def test_a_number_and_its_text_are_different_inputs() -> None:
    assert sha256_hex({"price": 850}) == sha256_hex({"price": 850.0})
    assert sha256_hex({"price": 850}) != sha256_hex({"price": "850"})
    judged = _tree_evaluation((Judgements("", [("a", "b", 3)]),))
    as_float = _tree_evaluation((Judgements("", [("a", "b", 3.0)]),))
    assert as_float.fingerprint == judged.fingerprint


def _reference_canonical(value: object, skip: frozenset[str] = frozenset()) -> object:
    """The canonical form as the module docstring states it, one isinstance test at a time
    (what :func:`canonical` computes faster by exact type)."""
    if attrs.has(type(value)):
        return {
            a.name: _reference_canonical(getattr(value, a.name), skip)
            for a in attrs.fields(type(value))
            if a.name not in skip
        }
    if isinstance(value, crmselect.Priority):
        return _reference_canonical(value.value, skip)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(canonical_float(float(value)))
    if isinstance(value, frozenset):
        return sorted((_reference_canonical(v, skip) for v in value), key=repr)
    if isinstance(value, dict):
        return {
            str(_reference_canonical(k, skip)): _reference_canonical(v, skip)
            for k, v in value.items()
        }
    if isinstance(value, tuple | list):
        return [_reference_canonical(v, skip) for v in value]
    return value


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.just(-0.0)
    | st.text(max_size=5)
    | st.floats(allow_nan=False, width=32).map(np.float64)
    | st.integers(-5, 5).map(np.int64)
    | st.sampled_from(list(crmselect.Priority))
    | st.builds(Vendor, st.text("abc", min_size=1, max_size=3), st.text(max_size=3))
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=3), inner, max_size=4)
        | st.frozensets(st.integers(0, 9), max_size=4)
    ),
    max_leaves=20,
)


@given(_VALUES)
def test_canonical_by_exact_type_equals_the_general_rendering(value: object) -> None:
    for skip in (frozenset(), frozenset({"name", "origin"})):
        assert canonical(value, exclude=skip) == _reference_canonical(value, skip)
        assert sha256_hex(value, exclude=skip) == sha256_hex(_reference_canonical(value, skip))


@attrs.frozen
class _Row:
    """A flat record, as an answer or a demo score is."""

    a: object
    b: object
    c: object = None
    origin: str = ""


@attrs.frozen
class _Empty:
    """A record without fields."""


_COLUMNS: st.SearchStrategy[st.SearchStrategy[object]] = st.sampled_from(
    [
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, 0.0, -0.0, 1, 1.0, True, False, 2.5, None, 10**20, 1e20]),
        st.integers(-(10**20), 10**20) | st.none(),
        st.text(max_size=3) | st.none() | st.booleans(),
        _LEAVES,
        _VALUES,
    ]
)
"""What one field holds across a run of records: numbers of one kind or several (``1``,
``1.0`` and ``True`` included), texts, anything."""


@st.composite
def _records(draw: st.DrawFn) -> list[object]:
    """A list of records of one class, each field drawn from one column strategy; at times
    a record of another class in it (then it is no longer a run of one class)."""
    size = draw(st.integers(0, 12))
    a, b, c = (draw(_COLUMNS) for _ in range(3))
    rows: list[object] = [
        _Row(draw(a), draw(b), draw(c), draw(st.text(max_size=2))) for _ in range(size)
    ]
    other: st.SearchStrategy[object] = st.sampled_from([_Empty(), 1.5])
    if rows and draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), draw(other))
    return rows


@given(_records(), st.booleans())
def test_canonical_of_a_run_of_records_equals_the_general_rendering(
    rows: list[object], as_tuple: bool
) -> None:
    """The column-by-column rendering of a list of one attrs class gives what rendering
    every record one by one gives: the same mappings (compared as JSON: NaN is NaN)."""
    value = tuple(rows) if as_tuple else rows
    for skip in (frozenset(), frozenset({"origin"}), frozenset({"a", "origin"})):
        fast, reference = canonical(value, exclude=skip), _reference_canonical(value, skip)
        assert type(fast) is list
        assert isinstance(reference, list)
        assert _json(fast) == _json(reference)
        assert [type(x) for x in fast] == [type(x) for x in reference]


def test_canonical_of_records_keeps_bools_and_numbers_of_one_column_apart() -> None:
    rows = (_Row(True, 1), _Row(1, 1.0), _Row(1.0, True), _Row(-0.0, None), _Row(0, 2))
    assert canonical(rows, exclude={"origin"}) == [
        {"a": True, "b": 1.0, "c": None},
        {"a": 1.0, "b": 1.0, "c": None},
        {"a": 1.0, "b": True, "c": None},
        {"a": 0.0, "b": None, "c": None},
        {"a": 0.0, "b": 2.0, "c": None},
    ]
    assert [type(r["a"]) for r in canonical(rows)] == [bool, float, float, float, float]
    assert canonical((_Empty(), _Empty())) == [{}, {}]


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)
