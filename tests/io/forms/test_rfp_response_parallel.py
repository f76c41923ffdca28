"""Many returned RFP workbooks are read by a pool of worker processes, with the result of
reading them one by one (crmselect/io/forms/reading.py read_each; issue 21 item 4)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from crmselect.io.forms.reading import POOL_MIN_BYTES, other_threads, read_each, worker_count
from crmselect.io.forms.rfp_response import RfpResponse, read_response
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY, questions
from tests.io.forms.test_rfp_response import fill


def _returned(folder: Path) -> list[Path]:
    """Four returned workbooks: two filled (one leaving a mandatory requirement blank), one
    that is not a workbook, one a second file of vendor x."""
    evaluation = questions()
    x = write_template(evaluation, "x", folder / "a-x.xlsx", key=KEY)
    fill(x, {"R1": ("out_of_box", "standard", ""), "R2": ("roadmap", "", "guide p. 4")})
    y = write_template(evaluation, "y", folder / "b-y.xlsx", key=KEY)
    fill(y, {"R3": ("configuration", "see the demo", "")})
    broken = folder / "c-broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")
    again = folder / "d-x-again.xlsx"
    shutil.copy(x, again)
    return [x, y, broken, again]


def _shown(response: RfpResponse) -> tuple[object, ...]:
    return (
        response.path,
        response.vendor,
        response.responses,
        dict(response.pricing),
        response.deployment,
        response.access,
        response.references,
        response.problems,
    )


def test_parallel_read_equals_the_serial_read_whatever_finishes_first(tmp_path: Path) -> None:
    paths = _returned(tmp_path)
    evaluation = questions()

    def read(path: Path) -> RfpResponse:
        if path.name.startswith("a-"):
            time.sleep(0.5)  # the first file finishes last in the pool
        return read_response(path, evaluation, key=KEY)

    def each(workers: int) -> tuple[list[RfpResponse], list[object]]:
        read_ok, refused = read_each(
            paths, read, lambda r: r.vendor, second="RFP workbook from", desc="t", workers=workers
        )
        return read_ok, list(refused)

    serial_ok, serial_refused = each(1)
    parallel_ok, parallel_refused = each(2)
    assert [_shown(r) for r in parallel_ok] == [_shown(r) for r in serial_ok]
    assert parallel_refused == serial_refused
    assert [r.vendor for r in serial_ok] == ["x", "y"]
    assert [(p.cell, p.requirement) for p in serial_ok[0].problems] == [("F4", "R3")]
    assert [p.where for p in serial_refused] == [str(paths[2]), str(paths[3])]
    assert "a second RFP workbook from 'x' (first: a-x.xlsx)" in serial_refused[1].what


@pytest.mark.parametrize(
    ("files", "workers", "expected"), [(1, None, 1), (5, 1, 1), (5, 3, 3), (2, 8, 2), (50, 50, 4)]
)
def test_one_file_is_read_here_and_the_pool_is_bounded(
    files: int, workers: int | None, expected: int
) -> None:
    assert worker_count(files, workers) == expected


def _readers(paths: list[Path]) -> list[int]:
    """The process that read each of ``paths`` (through :func:`read_each`, two workers)."""
    evaluation = questions()

    def read(path: Path) -> tuple[RfpResponse, int]:
        return read_response(path, evaluation, key=KEY), os.getpid()

    read_ok, _ = read_each(
        paths, read, lambda r: r[0].vendor, second="RFP workbook from", desc="t", workers=2
    )
    return [pid for _, pid in read_ok]


def test_workers_are_forked_only_while_no_other_thread_runs(tmp_path: Path) -> None:
    """A fork copies no thread but the caller's, and no lock another thread holds is ever
    released in the child: with a second thread running the files are read here."""
    paths = _returned(tmp_path)[:2]
    assert other_threads() == []
    assert os.getpid() not in _readers(paths)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert other_threads() == [other]
        assert _readers(paths) == [os.getpid(), os.getpid()]
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize(
    ("size", "workers", "expected"),
    [(POOL_MIN_BYTES - 1, None, 1), (POOL_MIN_BYTES, None, 2), (10, 2, 2), (None, None, 2)],
)
def test_small_files_are_read_here_unless_workers_are_asked_for(
    size: int | None, workers: int | None, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below POOL_MIN_BYTES of files in all a pool costs more CPU than it saves: the files
    are read here, unless the caller names the workers."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    assert worker_count(5, workers, size=size) == expected


def test_the_pool_is_sized_by_the_files_bytes(tmp_path: Path) -> None:
    """attempts() counts the files' bytes: files as small as the example's are read in
    this process by default."""
    paths = _returned(tmp_path)
    evaluation = questions()

    def read(path: Path) -> tuple[RfpResponse, int]:
        return read_response(path, evaluation, key=KEY), os.getpid()

    read_ok, refused = read_each(
        paths, read, lambda r: r[0].vendor, second="RFP workbook from", desc="t"
    )
    assert sum(p.stat().st_size for p in paths) < POOL_MIN_BYTES
    assert [pid for _, pid in read_ok] == [os.getpid(), os.getpid()]
    assert len(refused) == 2
