"""Every CSV read is bounded: regular files only, at most MAX_CSV_BYTES and MAX_CSV_ROWS, and
every message short (crmselect/io/folder/tables.py read_csv, read_regular_file; issue 16
item 3)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from crmselect import InputFileError, load_tender
from crmselect.io import files
from crmselect.io.folder import tables
from crmselect.io.folder.tables import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    SHOWN_ROWS,
    EmptyCsvError,
    read_csv,
    read_regular_file,
)

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev need POSIX")
LINE_LIMIT = 300
"""Characters a line of a refusal may take besides the file's path: a message has at most
SHOWN_ROWS + 2 lines, however large or long the file."""


def refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_csv(path)
    message = str(caught.value)
    lines = message.splitlines()
    assert len(lines) <= SHOWN_ROWS + 2, message[:500]
    assert max(len(line) for line in lines) < len(str(path)) + LINE_LIMIT, message[:500]
    return message


def test_a_file_over_the_size_limit_is_refused_from_its_size_at_once(tmp_path: Path) -> None:
    huge = tmp_path / "responses.csv"
    with huge.open("wb") as handle:
        handle.truncate(3_600_000_000)  # sparse: nothing is written, nothing needs reading
    start = time.perf_counter()
    message = refusal(huge)
    assert time.perf_counter() - start < 1.0
    assert "3,433.2 MiB; a CSV table is read up to 50 MiB" in message


def test_a_file_that_grows_past_the_limit_while_being_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a\n" * 100)
    real_fstat = os.fstat

    def small(handle: int) -> os.stat_result:
        info = real_fstat(handle)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(files.os, "fstat", small)  # it was 10 bytes when examined
    with pytest.raises(InputFileError, match="it grew while being read"):
        read_regular_file(path, 100)
    assert read_regular_file(path, 200) == b"a\n" * 100


def test_a_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    row = "helix,SFA-001,out_of_box,a comment of a reasonable length for a tender,\n"
    count = (MAX_CSV_BYTES - 100) // len(row)
    path = tmp_path / "responses.csv"
    path.write_text("vendor,requirement,compliance,comment,evidence\n" + row * count)
    assert path.stat().st_size <= MAX_CSV_BYTES
    assert len(read_csv(path)) == count


def test_many_rows_longer_than_the_header_give_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "shifted.csv"
    path.write_text("a,b\n" + "1,2,3\n" * 200_000)
    message = refusal(path)
    assert message.count("cells, but the header has 2 columns") == SHOWN_ROWS
    assert f"… and {200_000 - SHOWN_ROWS:,} more rows longer than the header" in message


def test_too_many_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("a\n" + "x\n" * (MAX_CSV_ROWS + 1))
    assert f"more than {MAX_CSV_ROWS:,} rows" in refusal(path)
    path.write_text("a\n" + "x\n" * 1_000)
    assert len(read_csv(path)) == 1_000


def test_a_long_parser_message_is_quoted_in_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")

    def broken(*_: object, **__: object) -> None:
        raise tables.pd.errors.ParserError("x" * 1_000_000)

    monkeypatch.setattr(tables.pd, "read_csv", broken)
    message = refusal(path)
    assert "… (1,000,000 characters)" in message


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"vendor,comment\nx,ok\ny,caf\xe9\n")
    assert "byte 0xe9 in line 3 is not UTF-8 text" in refusal(path)


def test_an_empty_file_is_its_own_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf \r\n\t")
    with pytest.raises(EmptyCsvError, match="the file is empty"):
        read_csv(path)


def test_a_folder_is_not_a_csv_file(tmp_path: Path) -> None:
    assert "not a regular file" in refusal(tmp_path)


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    assert "file not found" in refusal(tmp_path / "nowhere.csv")


@posix
def test_a_device_is_refused_without_reading_it() -> None:
    assert "not a regular file" in refusal(Path("/dev/zero"))


def refused_in_time(path: Path, seconds: float = 20.0) -> str:
    """read_csv(path)'s refusal, from a thread that must end within ``seconds``: a FIFO
    read the ordinary way would wait for a writer forever."""
    found: list[str] = []

    def read() -> None:
        try:
            read_csv(path)
        except InputFileError as exc:
            found.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():  # let the thread end: a writer opens the FIFO, and it gets EOF
        with path.open("wb"):
            pass
        pytest.fail(f"read_csv({path.name}) waited on the FIFO")
    assert found, "a FIFO was read as a CSV file"
    return found[0]


@posix
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "responses.csv"
    os.mkfifo(fifo)
    assert "not a regular file (a pipe, a device or a folder)" in refused_in_time(fifo)


@posix
def test_a_tender_whose_table_is_a_fifo_is_refused(tmp_path: Path, minimal_folder: Path) -> None:
    for name in ("responses.csv", "demo_scores.csv"):
        (minimal_folder / name).unlink()
        os.mkfifo(minimal_folder / name)
    found: list[str] = []

    def load() -> None:
        try:
            load_tender(minimal_folder)
        except InputFileError as exc:
            found.append(str(exc))

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    loader.join(20)
    assert not loader.is_alive(), "load_tender waited on a FIFO"
    assert found
    assert "responses.csv" in found[0]
