"""The answers and demo scores read column by column (crmselect/io/folder/tables.py
responses_from_frame, demo_scores_from_frame) are those a row-by-row reading makes, with the
same problems at the same rows: checked against a plain reference on random tables."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmselect.errors import InputFileError, Problem
from crmselect.io.folder.tables import (
    DEMO_SCORE_COLUMNS,
    FREE_TEXT,
    RESPONSE_COLUMNS,
    demo_scores_from_frame,
    responses_from_frame,
)
from crmselect.model import DemoScore, Response
from crmselect.scales import ComplianceLevel, ComplianceScale


def _text(value: object, *, strip: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip() if strip else str(value)


def _reference(
    frame: pd.DataFrame,
    columns: Sequence[str],
    required: Sequence[str],
    source: str,
    make: Callable[[dict[str, str]], tuple[Any, list[str]]],
) -> tuple[list[Any], list[str]]:
    """Row by row: the objects ``make`` accepts and every problem, as the table reader
    reported them before it read columns (missing columns alone; unknown columns first)."""
    name = source or "table"
    missing = [f"{name}: missing column {c!r}" for c in required if c not in frame.columns]
    if missing:
        return [], missing
    problems = [
        f"{name}: unknown column {c!r}; expected {', '.join(columns)}"
        for c in frame.columns
        if c not in columns
    ]
    built = []
    for i, record in enumerate(frame.to_dict("records")):
        where = f"{source}: row {i + 2}" if source else f"row {i + 2}"
        row = {c: _text(record.get(c), strip=c not in FREE_TEXT) for c in columns}
        made, whats = make(row)
        if whats:
            problems += [f"{where}: {what}" for what in whats]
        else:
            built.append(attrs.evolve(made, origin=where))
    return built, problems


def _reference_answers(row: dict[str, str], scale: ComplianceScale) -> tuple[Any, list[str]]:
    text = row["compliance"]
    level = scale.parse(text) if text else None
    whats = (
        []
        if not text or level
        else [f"compliance {text!r} is not on the scale; use one of: {scale.describe()}"]
    )
    whats += [f"{key} is empty" for key in ("vendor", "requirement") if not row[key]]
    return Response(
        row["vendor"], row["requirement"], level, row["comment"], row["evidence"]
    ), whats


def _reference_scores(row: dict[str, str]) -> tuple[Any, list[str]]:
    whats = [
        f"{key} is empty" for key in ("evaluator", "vendor", "script", "criterion") if not row[key]
    ]
    text, value = row["score"], None
    if text:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            whats.append(f"score {text!r} is not a number")
        else:
            if not math.isfinite(value):
                whats.append(f"score {text!r} is not a finite number")
                value = None
    made = DemoScore(
        row["evaluator"], row["vendor"], row["script"], row["criterion"], value, row["note"]
    )
    return made, whats


def _fields(objects: list[Any]) -> list[tuple[Any, ...]]:
    """Every field, the origin too (it takes no part in equality)."""
    return [(*attrs.astuple(o), o.origin) for o in objects]


Pool = tuple[list[str], list[str]]
"""The cells of a column: those no row is refused for, and the others."""
IDS: Pool = (["v1", "v2 ", "R1", " R2", "e1"], ["", " "])
ANSWERS: Pool = (
    ["", " ", "oob", "Out of box", "configuration", "CONFIG", "yes", "roadmap "],
    ["sort of", "x", "promised"],  # 'promised' is on the scale with a promise level
)
SCORES_: Pool = (
    ["", " ", "3", "3,5", " 4.0", "-1", "1e3", "1_0"],
    ["four", "nan", "inf", "2,5,0", "∞"],
)
FREE: Pool = (["", " ", "a note", " =1+1", "'quoted", "\u00a0x\t", "é,\n"], [])
ODD = st.one_of(st.none(), st.just(float("nan")), st.integers(-3, 3))
"""The values a DataFrame built in code may hold besides text."""


def _cells(draw: st.DrawFn, pool: Pool, rows: int, odd: bool) -> list[Any]:
    """``rows`` cells of ``pool``: some columns clean, the others with refused cells too."""
    good, bad = pool
    values: st.SearchStrategy[Any] = st.sampled_from(good + bad if draw(st.booleans()) else good)
    return draw(st.lists(values | ODD if odd else values, min_size=rows, max_size=rows))


@st.composite
def tables(draw: st.DrawFn, columns: dict[str, Pool]) -> pd.DataFrame:
    """A table with some of ``columns`` (maybe an unknown one), text cells — or, in some
    tables, the values a DataFrame built in code may hold (None, NaN, numbers)."""
    names = [c for c in columns if draw(st.integers(0, 9)) > 0]
    if draw(st.booleans()):
        names.append("extra")
    rows = draw(st.integers(0, 8))
    odd = draw(st.integers(0, 3)) == 0
    data = {c: _cells(draw, columns.get(c, FREE), rows, odd) for c in names}
    return pd.DataFrame(data, columns=names, dtype=None if odd else str)


RESPONSES = {
    "vendor": IDS,
    "requirement": IDS,
    "compliance": ANSWERS,
    "comment": FREE,
    "evidence": FREE,
}
SCORES = {
    "evaluator": IDS,
    "vendor": IDS,
    "script": IDS,
    "criterion": IDS,
    "score": SCORES_,
    "note": FREE,
}
ROADMAP_ALIAS = ComplianceScale(
    (*ComplianceScale().levels, ComplianceLevel("promise", "Promised", 0.1, False, ("promised",)))
)


@given(tables(RESPONSES), st.sampled_from(["", "responses.csv"]), st.booleans())
def test_answers_are_read_as_row_by_row(frame: pd.DataFrame, source: str, custom: bool) -> None:
    scale = ROADMAP_ALIAS if custom else ComplianceScale()
    expected, problems = _reference(
        frame,
        RESPONSE_COLUMNS,
        ("vendor", "requirement", "compliance"),
        source,
        lambda row: _reference_answers(row, scale),
    )
    found: list[Problem] = []
    built = responses_from_frame(frame, scale, source, found=found)
    assert (_fields(built), [str(p) for p in found]) == (_fields(expected), problems)
    _raised_alike(lambda: responses_from_frame(frame, scale, source), expected, problems)


@given(tables(SCORES), st.sampled_from(["", "demo_scores.csv"]))
def test_demo_scores_are_read_as_row_by_row(frame: pd.DataFrame, source: str) -> None:
    required = ("evaluator", "vendor", "script", "criterion", "score")
    expected, problems = _reference(frame, DEMO_SCORE_COLUMNS, required, source, _reference_scores)
    found: list[Problem] = []
    built = demo_scores_from_frame(frame, source, found=found)
    assert (_fields(built), [str(p) for p in found]) == (_fields(expected), problems)
    _raised_alike(lambda: demo_scores_from_frame(frame, source), expected, problems)


def _raised_alike(read: Callable[[], list[Any]], expected: list[Any], problems: list[str]) -> None:
    """Without ``found``, every problem is raised at once — or the objects returned."""
    if not problems:
        assert _fields(read()) == _fields(expected)
        return
    with pytest.raises(InputFileError) as caught:
        read()
    assert [str(p) for p in caught.value.problems] == problems
