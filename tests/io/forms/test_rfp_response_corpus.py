"""A corpus of malformed and hostile returned workbooks, generated at test time.

For every case, the import either succeeds — and then every value that was planted is
found again, as an answer or in the problem report — or raises a CrmselectError subclass
naming the file. Never another exception, never a hang (each case runs under an alarm),
never a lost value.
"""

from __future__ import annotations

import datetime as dt
import io
import signal
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmselect import CrmselectError
from crmselect.errors import escape_controls
from crmselect.io.excel.xlsx import put_text
from crmselect.io.forms.rfp_response import RfpResponse
from crmselect.rfp import ReadLimits, read_response, write_template
from tests.helpers import KEY, questions

pytestmark = pytest.mark.slow  # a corpus of workbooks written and read at test time

SECONDS_PER_CASE = 20


@pytest.fixture(scope="module")
def base_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A correctly filled returned workbook for vendor x."""
    path = write_template(questions(), "x", tmp_path_factory.mktemp("base") / "x.xlsx", key=KEY)
    wb = openpyxl.load_workbook(path)
    ws = wb["Requirements"]
    for row, label in zip(
        range(2, 6),
        (
            "Fully supported out of the box",
            "Not supported",
            "Supported by configuration (no code)",
            "On the roadmap (not yet available)",
        ),
        strict=True,
    ):
        ws.cell(row=row, column=6).value = label
    wb.save(path)
    return path.read_bytes()


@pytest.fixture(autouse=True)
def alarm() -> Iterator[None]:
    """Fail, rather than hang, if one case takes too long."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"import took more than {SECONDS_PER_CASE} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(SECONDS_PER_CASE)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def attempt(path: Path, limits: ReadLimits | None = None) -> RfpResponse | CrmselectError:
    """The import's outcome: the response, or the CrmselectError it raised (which must name
    the file). Any other exception propagates and fails the test."""
    outcome: RfpResponse | CrmselectError
    try:
        outcome = read_response(path, questions(), limits=limits or ReadLimits(), key=KEY)
    except CrmselectError as exc:
        outcome = exc
    if isinstance(outcome, CrmselectError):
        assert path.name in str(outcome), str(outcome)
    return outcome


# -- container-level cases ---------------------------------------------------------------------


def rezip(data: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in change(parts).items():
            archive.writestr(name, content)
    return out.getvalue()


def replace_part(name: str, content: bytes) -> Callable[[bytes], bytes]:
    return lambda data: rezip(data, lambda parts: {**parts, name: content})


def drop_part(name: str) -> Callable[[bytes], bytes]:
    return lambda data: rezip(data, lambda parts: {k: v for k, v in parts.items() if k != name})


def add_parts(extra: dict[str, bytes]) -> Callable[[bytes], bytes]:
    return lambda data: rezip(data, lambda parts: {**parts, **extra})


def sheet_part(data: bytes, title: str) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    index = wb.sheetnames.index(title) + 1
    return f"xl/worksheets/sheet{index}.xml"


def in_sheet(title: str, change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        name = sheet_part(data, title)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            original = archive.read(name)
        return replace_part(name, change(original))(data)

    return mutate


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&e;</t></si></sst>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&lol9;</t></si></sst>"
)


def bomb(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (64 << 20))
    return out.getvalue()


def many_members(data: bytes) -> bytes:
    return add_parts({f"customXml/item{i}.xml": b"<a/>" for i in range(2_100)})(data)


def flip_byte(offset_fraction: float) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        position = int(len(data) * offset_fraction)
        return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]

    return mutate


def truncate(tenths: int) -> Callable[[bytes], bytes]:
    return lambda data: data[: len(data) * tenths // 10]


def random_bytes(seed: int) -> Callable[[bytes], bytes]:
    return lambda data: bytes((i * 7919 + seed) % 256 for i in range(5000))


def duplicate_member(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    return out.getvalue()


CONTAINER: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("empty-file", lambda d: b""),
    ("csv-renamed", lambda d: b"vendor,requirement,compliance\nx,R1,oob\n"),
    ("pdf-renamed", lambda d: b"%PDF-1.7\n1 0 obj <<>> endobj\n"),
    ("html-renamed", lambda d: b"<html><body><table><tr><td>=1+1</td></tr></table></body></html>"),
    ("exe-renamed", lambda d: b"MZ\x90\x00" + bytes(200)),
    ("ole-xls-or-encrypted", lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)),
    ("zip-without-workbook", drop_part("xl/workbook.xml")),
    ("zip-without-content-types", drop_part("[Content_Types].xml")),
    ("zip-of-text", lambda d: rezip(d, lambda parts: {"readme.txt": b"hello"})),
    ("macro-part", add_parts({"xl/vbaProject.bin": b"\0" * 100})),
    ("activex-part", add_parts({"xl/activeX/activeX1.xml": b"<ax/>"})),
    (
        "macro-content-type",
        lambda d: rezip(
            d,
            lambda p: {
                **p,
                "[Content_Types].xml": p["[Content_Types].xml"].replace(
                    b"sheet.main+xml", b"sheet.macroEnabled.main+xml"
                ),
            },
        ),
    ),
    ("xxe-shared-strings", replace_part("xl/sharedStrings.xml", XXE)),
    ("billion-laughs", replace_part("xl/sharedStrings.xml", LAUGHS)),
    (
        "doctype-content-types",
        lambda d: rezip(
            d,
            lambda p: {
                **p,
                "[Content_Types].xml": b'<!DOCTYPE t SYSTEM "http://evil.example/t.dtd">'
                + p["[Content_Types].xml"],
            },
        ),
    ),
    (
        "xxe-in-sheet",
        in_sheet(
            "Requirements",
            lambda x: b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/hostname">]>' + x,
        ),
    ),
    ("zip-bomb", bomb),
    ("too-many-members", many_members),
    ("duplicate-member", duplicate_member),
    ("malformed-sheet-xml", in_sheet("Requirements", lambda x: x[: len(x) // 2])),
    ("malformed-workbook-xml", replace_part("xl/workbook.xml", b"<workbook><sheets>")),
    ("garbage-shared-strings", replace_part("xl/sharedStrings.xml", b"\x00\x01not xml")),
    ("sheet-part-missing", lambda d: drop_part(sheet_part(d, "Requirements"))(d)),
    *[(f"truncated-{n}", truncate(n)) for n in range(1, 10)],
    *[(f"flipped-byte-{n}", flip_byte(n / 20)) for n in range(1, 20)],
    *[(f"random-bytes-{n}", random_bytes(n)) for n in range(6)],
]


@pytest.mark.parametrize("mutate", [pytest.param(m, id=i) for i, m in CONTAINER])
def test_container_attack_is_refused_or_read_safely(
    tmp_path: Path, base_bytes: bytes, mutate: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(mutate(base_bytes))
    outcome = attempt(path)
    if isinstance(outcome, RfpResponse):  # a flipped byte in padding may leave it readable
        assert {r.requirement for r in outcome.responses} == {"R1", "R2", "R3", "R4"}


MUST_REFUSE = [
    "empty-file",
    "csv-renamed",
    "pdf-renamed",
    "ole-xls-or-encrypted",
    "macro-part",
    "activex-part",
    "macro-content-type",
    "xxe-shared-strings",
    "billion-laughs",
    "doctype-content-types",
    "xxe-in-sheet",
    "zip-bomb",
    "too-many-members",
    "duplicate-member",
    "zip-without-workbook",
]


@pytest.mark.parametrize("name", MUST_REFUSE)
def test_known_attacks_are_refused(tmp_path: Path, base_bytes: bytes, name: str) -> None:
    mutate = dict(CONTAINER)[name]
    path = tmp_path / "x.xlsx"
    path.write_bytes(mutate(base_bytes))
    assert isinstance(attempt(path), CrmselectError)


def test_defusedxml_is_what_openpyxl_parses_with() -> None:
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_limits_are_enforced_and_overridable(tmp_path: Path, base_bytes: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_bytes)
    assert isinstance(attempt(path, ReadLimits(max_rows=3)), CrmselectError)
    assert isinstance(attempt(path, ReadLimits(max_file_bytes=1000)), CrmselectError)
    assert isinstance(attempt(path, ReadLimits(max_columns=3)), CrmselectError)
    assert isinstance(attempt(path, ReadLimits()), RfpResponse)


def test_oversized_cell_is_refused_not_truncated(tmp_path: Path, base_bytes: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_bytes)
    wb = openpyxl.load_workbook(path)
    put_text(wb["Requirements"]["G2"], "y" * 30_000)
    wb.save(path)
    assert isinstance(attempt(path), RfpResponse)
    outcome = attempt(path, ReadLimits(max_cell_chars=20_000))
    assert isinstance(outcome, CrmselectError)
    assert "Requirements!G2 holds 30,000 characters" in str(outcome)


# -- cell-level cases: every planted value is found again ----------------------------------

HOSTILE_VALUES: list[object] = [
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1",
    "@SUM(A1)",
    "\uff1d1+1",
    "'=quoted",
    "Fully supported out of the box ",
    "FULLY SUPPORTED",
    "oob",
    "roadmap",
    "Partially",
    "n/a",
    "TBD",
    "#N/A",
    "0",
    0,
    1,
    -5,
    3.75,
    1e308,
    True,
    False,
    dt.datetime(2026, 1, 1, 12, 0),
    dt.date(2026, 3, 1),
    "日本語の回答",
    "مرحبا",
    "\u202etxt.exe",
    "zero\u200bwidth",
    "emoji 🚀",
    "  ",
    "\t",
    "line\nbreak",
    "x" * 2_000,
    "<script>alert(1)</script>",
    "NULL",
    "None",
    "R1",
    "SELECT 1;",
]
TARGETS = {
    "id": "A3",
    "section": "B3",
    "text": "C3",
    "priority": "D3",
    "compliance": "F3",
    "comment": "G3",
    "evidence": "H3",
}


def planted(path: Path, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Requirements"][cell].value = value
    wb.save(path)


def shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def found_again(outcome: RfpResponse, value: object) -> bool:
    """The planted value is an answer, a comment/evidence, or quoted in a problem."""
    text = shown(value).strip()
    if not text:
        return True
    in_answers = any(
        text in (r.comment, r.evidence)
        or text == r.compliance
        or text.lower().startswith(r.compliance or "\0")
        for r in outcome.responses
    )
    quoted = escape_controls(text)[:100]  # a finding's value shows control characters escaped
    in_report = any(quoted in p.value or text in p.requirement for p in outcome.problems)
    parsed = any(r.compliance is not None and r.origin.endswith("!F3") for r in outcome.responses)
    return in_answers or in_report or parsed


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[f"v{i}" for i in range(len(HOSTILE_VALUES))])
def test_planted_value_is_answer_or_reported(
    tmp_path: Path, base_bytes: bytes, target: str, value: object
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_bytes)
    planted(path, TARGETS[target], value)
    outcome = attempt(path)
    if isinstance(outcome, CrmselectError):
        assert target == "id" or isinstance(value, str)  # only structure-breaking plants refuse
        return
    assert found_again(outcome, value), (target, value, [str(p) for p in outcome.problems])
    if target == "compliance":
        answer = next(r for r in outcome.responses if r.requirement == "R2")
        if answer.compliance is None and shown(value).strip():
            assert any(p.cell == "F3" and p.severity == "error" for p in outcome.problems)


def test_corpus_has_at_least_two_hundred_workbooks() -> None:
    assert len(CONTAINER) + len(HOSTILE_VALUES) * len(TARGETS) >= 200


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(min_size=1, max_size=80), st.sampled_from(["F2", "G2", "H2", "C2", "A2"]))
def test_fuzzed_cell_text_never_crashes_or_vanishes(
    tmp_path: Path, base_bytes: bytes, text: str, cell: str
) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(base_bytes)
    wb = openpyxl.load_workbook(path)
    try:
        wb["Requirements"][cell].value = text
    except openpyxl.utils.exceptions.IllegalCharacterError:
        put_text(wb["Requirements"][cell], text)  # what a vendor's Excel would store
    wb.save(path)
    outcome = attempt(path)
    if isinstance(outcome, RfpResponse):
        stored = openpyxl.load_workbook(path)["Requirements"][cell].value
        assert found_again(outcome, stored if stored is not None else "")
