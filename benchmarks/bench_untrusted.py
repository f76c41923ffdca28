"""Benchmark: the worst cases of reading a returned file, each in a process of its own.

Run:  python benchmarks/bench_untrusted.py [--keep DIR]

Builds every case into a temporary folder (or ``--keep DIR``), then reads each one in a
fresh subprocess (``python bench_untrusted.py --read KIND PATH``) that reports the read's
wall time and the process's peak resident memory (``resource.getrusage`` ``ru_maxrss``),
before the read (the interpreter, crmselect, pandas, openpyxl) and after it. The first rows
are the baselines of the same run: the imports alone, and the example's own well-formed
returned workbook. Target (issue 16 item 3): every file read or refused in ≤ 5 s and
≤ 300 MiB on a 2-core machine, within the default ``ReadLimits``. Timings never go into the
unit tests; the tests check that each case is refused or read, this script how fast.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MiB = 1 << 20
REPO = Path(__file__).resolve().parent.parent
RETURNED = REPO / "examples" / "larkspur" / "returned" / "orbis.xlsx"
SST = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
Parts = dict[str, bytes]


# -- building the cases --------------------------------------------------------------------


def parts_of(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def zipped(parts: Parts, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def requirements_part(parts: Parts) -> str:
    """The part of the Requirements sheet (found through the workbook's relationships)."""
    book = parts["xl/workbook.xml"].decode()
    rid = re.search(r'<sheet [^>]*name="Requirements"[^>]*r:id="(rId\d+)"', book)
    if rid is None:
        rid = re.search(r'<sheet [^>]*r:id="(rId\d+)"[^>]*name="Requirements"', book)
    assert rid is not None
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'Id="{rid[1]}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid[1]}"', rels
    )
    assert target is not None
    return target[1].lstrip("/") if target[1].startswith("/") else f"xl/{target[1]}"


def extra_rows(parts: Parts, rows: int, cell: Callable[[int, int], bytes], width: int) -> None:
    """``rows`` rows of ``width`` cells appended to the Requirements sheet, from row 1,000."""
    name = requirements_part(parts)
    sheet = parts[name]
    letters = [column_letter(c) for c in range(1, width + 1)]
    added = b"".join(
        b'<row r="%d">' % r
        + b"".join(
            b'<c r="%s%d"%s</c>' % (letters[c].encode(), r, cell(r, c)) for c in range(width)
        )
        + b"</row>"
        for r in range(1_000, 1_000 + rows)
    )
    parts[name] = sheet.replace(b"</sheetData>", added + b"</sheetData>", 1)


def column_letter(column: int) -> str:
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def number(r: int, c: int) -> bytes:
    return b"><v>%d</v>" % (r * c)


def long_text(seed: int) -> Callable[[int, int], bytes]:
    rng = random.Random(seed)
    pool = ["".join(rng.choices(string.ascii_letters + " ", k=600)).encode() for _ in range(2_000)]
    return lambda r, c: b' t="inlineStr"><is><t>%s</t></is>' % pool[(r * 7 + c) % len(pool)]


def styles_with(parts: Parts, records: int) -> None:
    styles = parts["xl/styles.xml"]
    start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
    parts["xl/styles.xml"] = (
        styles[:start] + b'<cellXfs count="%d">' % records + b"<xf/>" * records + styles[end:]
    )


def edit_requirements(parts: Parts, change: Callable[[bytes], bytes]) -> None:
    name = requirements_part(parts)
    parts[name] = change(parts[name])


def second_row(sheet: bytes) -> bytes:
    row = re.search(rb'<row r="4".*?</row>', sheet)
    assert row is not None
    return sheet.replace(row[0], row[0] * 2, 1)


def build(folder: Path) -> list[tuple[str, str, Path]]:
    """(case, kind of reader, path) of every case."""
    import crmselect
    from crmselect.io.folder.key import tender_key
    from crmselect.io.forms.meta import META_SHEET, TAG_COLUMN, TAG_ROW, sign
    from crmselect.io.forms.workshop import write_workshop

    base = RETURNED.read_bytes()
    cases: list[tuple[str, str, Path]] = [("baseline: imports only", "none", RETURNED)]
    cases.append(("baseline: example's returned workbook", "rfp", RETURNED))

    def case(
        name: str, change: Callable[[Parts], None], method: int = zipfile.ZIP_DEFLATED
    ) -> None:
        parts = parts_of(base)
        change(parts)
        path = folder / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.xlsx"
        path.write_bytes(zipped(parts, method))
        cases.append((name, "rfp", path))

    case(
        "cells: 290 extra rows × 192 numbers (at the cell limit)",
        lambda p: extra_rows(p, 290, number, 192),
    )
    case("cells: 20,000 extra rows × 192 numbers", lambda p: extra_rows(p, 20_000, number, 192))
    case(
        "max-size sheet: 6,300 rows × 8 cells of 600 random characters",
        lambda p: extra_rows(p, 6_300, long_text(1), 8),
    )
    case("styles: 2,000,000 <xf> (stored)", lambda p: styles_with(p, 2_000_000), zipfile.ZIP_STORED)
    case("styles: 20,000 <xf> (at the limit)", lambda p: styles_with(p, 20_000))

    def names(count: int) -> Callable[[Parts], None]:
        def change(parts: Parts) -> None:
            listed = b"".join(
                b'<definedName name="n%d">A!$A$1</definedName>' % i for i in range(count)
            )
            parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
                b"</workbook>", b"<definedNames>" + listed + b"</definedNames></workbook>"
            )

        return change

    case("workbook: 2,000,000 defined names", names(2_000_000))
    case("workbook: 300,000 defined names", names(300_000))

    def strings(parts: Parts) -> None:
        parts["xl/sharedStrings.xml"] = (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"".join(b"<si><t>%d</t></si>" % i for i in range(1_000_000))
            + b"</sst>"
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % SST,
        )

    case("shared strings: 1,000,000", strings)
    case("malformed: a second <row r=4>", lambda p: edit_requirements(p, second_row))
    case(
        "malformed: <c r=F50> inside <row r=5>",
        lambda p: edit_requirements(p, lambda s: s.replace(b'<c r="F5" ', b'<c r="F50" ', 1)),
    )
    case(
        "malformed: DOCTYPE in a UTF-16 part",
        lambda p: p.update(
            {
                "docProps/custom.xml": b"\xff\xfe"
                + '<?xml version="1.0" encoding="UTF-16"?>'
                '<!DOCTYPE x [<!ENTITY e "e">]><x/>'.encode("utf-16-le")
            }
        ),
    )

    evaluation = crmselect.example()
    key = tender_key(crmselect.example_path())
    workshop = write_workshop(evaluation, "finance", folder / "workshop.xlsx", key=key)
    import openpyxl

    book = openpyxl.load_workbook(workshop)
    meta = book[META_SHEET]
    first_row = [c.value for c in meta[5]]
    start = meta.max_row + 1
    for r in range(15_000):
        for c, value in enumerate(first_row, start=1):
            meta.cell(row=start + r, column=c, value=value)
    # signed again, as only a holder of the key could: the worst case is the reading behind
    # the signature (a file whose tag does not verify is refused at once)
    values = [[cell.value for cell in row] for row in meta.iter_rows()]
    meta.cell(TAG_ROW, TAG_COLUMN).value = sign(key, str(meta["B1"].value), values)
    book.save(workshop)
    cases.append(("workshop: one node listed 15,000 times", "workshop", workshop))

    fifo = folder / "fifo.xlsx"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append(("not a file: a FIFO", "rfp", fifo))
    zero = folder / "zero.xlsx"
    zero.symlink_to("/dev/zero")
    cases.append(("not a file: a symlink to /dev/zero", "rfp", zero))
    csv = folder / "responses.csv"
    with csv.open("wb") as handle:
        handle.truncate(200 * 10**6)  # a sparse 200 MB file
    cases.append(("CSV: 200 MB", "csv", csv))
    return cases


# -- reading one case (in its own process) -------------------------------------------------


def peak_mib() -> float:
    """Peak resident memory of this process: ``VmHWM`` where Linux has it (``ru_maxrss``
    keeps the parent's peak across fork and exec), else ``ru_maxrss`` (KiB on Linux, bytes
    on macOS)."""
    status = Path("/proc/self/status")
    if status.exists():
        found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
        if found:
            return int(found[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (MiB if sys.platform == "darwin" else 1024)


def read_one(kind: str, path: Path) -> None:
    """Read ``path`` as ``kind``; print ``seconds<TAB>MiB before<TAB>MiB peak<TAB>outcome``."""
    import attrs

    import crmselect
    from crmselect.errors import CrmselectError
    from crmselect.io.folder.key import tender_key
    from crmselect.io.folder.tables import read_csv
    from crmselect.io.forms.rfp_response import read_response
    from crmselect.io.forms.workshop import read_workshop

    evaluation = attrs.evolve(crmselect.example(), responses=(), import_problems=())
    key = tender_key(crmselect.example_path())
    before = peak_mib()
    started = time.perf_counter()
    try:
        if kind == "rfp":
            returned = read_response(path, evaluation, key=key)
            outcome = f"read: {len(returned.problems):,} findings ({len(returned.errors):,} errors)"
        elif kind == "workshop":
            workshop = read_workshop(path, evaluation, key=key)
            outcome = f"read: {len(workshop.problems):,} findings"
        elif kind == "csv":
            outcome = f"read: {len(read_csv(path)):,} rows"
        else:
            outcome = "nothing read"
    except CrmselectError as exc:
        text = str(exc).splitlines()[-1].split(": ", 1)[-1]
        outcome = f"refused: {text[:90]}"
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.3f}\t{before:.0f}\t{peak_mib():.0f}\t{outcome}")


def measure(kind: str, path: Path, timeout: float) -> tuple[str, str, str, str]:
    command = [sys.executable, __file__, "--read", kind, str(path)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return (f"> {timeout:.0f}", "", "", "TIMED OUT")
    if done.returncode:
        return ("", "", "", f"CRASHED: {done.stderr.strip().splitlines()[-1][:90]}")
    seconds, before, peak, outcome = done.stdout.strip().splitlines()[-1].split("\t")
    return seconds, before, peak, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the cases here and keep them")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--read", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_one(args.read[0], Path(args.read[1]))
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        cases = build(folder)
        print(f"{'case':<64} {'file':>9} {'time s':>7} {'MiB before':>10} {'peak MiB':>8}  outcome")
        for name, kind, path in cases:
            size = path.stat().st_size if path.is_file() and not path.is_symlink() else 0
            seconds, before, peak, outcome = measure(kind, path, args.timeout)
            shown = f"{size / MiB:.1f} MiB" if size else "-"
            print(f"{name:<64} {shown:>9} {seconds:>7} {before:>10} {peak:>8}  {outcome}")


if __name__ == "__main__":
    main()
