"""Benchmark: import 30 returned RFP workbooks of 1,500 requirements each.

Run:  python benchmarks/bench_rfp_import.py [--vendors 30] [--requirements 1500]

Measured in one run, on the same files:
  crmselect   read_response() — container checks, then openpyxl read-only, every row compared
  bare        openpyxl.load_workbook(read_only=True) and iterating every value (the floor)
  normal      openpyxl.load_workbook() in normal mode and iterating every value (what reading
              data validations and protection would cost)
Target (issue 4): crmselect ≤ 10 s for 30 × 1,500 on a 2-core machine. Peak memory is
measured separately with tracemalloc (which slows execution, so it is not part of timing).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

import openpyxl

from crmselect import Criterion, Evaluation, Requirement, Vendor
from crmselect.io.excel.xlsx import put_text
from crmselect.rfp import TenderKey, read_response, write_template

KEY = TenderKey.generate()


def synthetic(vendors: int, requirements: int) -> Evaluation:
    leaves = [Criterion(f"c{i}", name=f"Criterion {i}", weight=1) for i in range(20)]
    return Evaluation(
        name="Benchmark tender",
        criteria=[Criterion("all", weight=1, children=leaves)],
        requirements=[
            Requirement(
                f"R{i:04d}",
                f"Requirement {i}: the system supports capability number {i} for every user role.",
                f"c{i % 20}",
                ("must", "should", "could")[i % 3],
            )
            for i in range(requirements)
        ],
        vendors=[Vendor(f"v{i:02d}", f"Vendor {i}") for i in range(vendors)],
    )


def returned_workbooks(evaluation: Evaluation, folder: Path) -> list[Path]:
    """One template per vendor, filled with random answers and comments."""
    rng = random.Random(1)
    labels = [lv.label for lv in evaluation.scale.levels]
    first = write_template(evaluation, evaluation.vendors[0].id, folder / "template.xlsx", key=KEY)
    paths = []
    for vendor in evaluation.vendors:
        path = write_template(evaluation, vendor.id, folder / f"{vendor.id}.xlsx", key=KEY)
        wb = openpyxl.load_workbook(path)
        ws = wb["Requirements"]
        for row in range(2, len(evaluation.requirements) + 2):
            ws.cell(row=row, column=6).value = rng.choice(labels)
            if rng.random() < 0.4:
                put_text(ws.cell(row=row, column=7), "Standard feature; see the admin guide.")
        wb.save(path)
        paths.append(path)
    first.unlink()
    return paths


def bare(path: Path, read_only: bool) -> int:
    wb = openpyxl.load_workbook(path, read_only=read_only)
    count = sum(
        1 for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for _ in row
    )
    wb.close()
    return count


def timed(label: str, work: list[Path], run: object) -> float:
    start = time.perf_counter()
    for path in work:
        run(path)  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:10s} {elapsed:7.2f} s   {1000 * elapsed / len(work):7.1f} ms/file")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vendors", type=int, default=30)
    parser.add_argument("--requirements", type=int, default=1500)
    args = parser.parse_args()
    evaluation = synthetic(args.vendors, args.requirements)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = returned_workbooks(evaluation, Path(tmp))
        print(
            f"prepared {len(paths)} workbooks × {args.requirements} requirements in "
            f"{time.perf_counter() - t0:.1f} s "
            f"({paths[0].stat().st_size / 1024:.0f} KiB each)\n"
        )
        ours = timed("crmselect", paths, lambda p: read_response(p, evaluation, key=KEY))
        floor = timed("bare", paths, lambda p: bare(p, read_only=True))
        normal = timed("normal", paths, lambda p: bare(p, read_only=False))
        tracemalloc.start()
        for path in paths[:3]:
            read_response(path, evaluation, key=KEY)
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
        tracemalloc.stop()
    print(
        f"\ncrmselect / bare read-only = {ours / floor:.2f}×;  normal mode / bare = "
        f"{normal / floor:.2f}×"
    )
    print(f"peak traced memory while importing: {peak:.0f} MiB (files are read one at a time)")
    print(f"target ≤ 10 s for 30 × 1,500: {'met' if ours <= 10 else 'MISSED'} ({ours:.2f} s)")


if __name__ == "__main__":
    main()
