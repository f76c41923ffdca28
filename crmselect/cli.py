"""The ``crmselect`` command.

::

    crmselect demo [--out DIR]          score the bundled example tender
    crmselect evaluate PATH [--out DIR] score your own evaluation folder
    crmselect catalogs [NAME]           list the bundled catalogues, or show one

Bad input prints one clear message (every problem, with file and place) and exits with
status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from crmselect._version import __version__
from crmselect.catalog import catalogs, load_catalog
from crmselect.errors import CrmselectError
from crmselect.example import example_path
from crmselect.io.folder import load_evaluation
from crmselect.report import catalog_report, full_report
from crmselect.scoring import ScoreResult, score

EXIT_BAD_INPUT = 2


def _write_results(result: ScoreResult, out: Path) -> list[Path]:
    """Result tables as CSV files in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "ranking.csv": result.to_frame(),
        "matrix.csv": result.matrix,
        "contributions.csv": result.contributions,
        "requirement_scores.csv": result.requirement_scores,
        "missing.csv": result.missing,
    }
    written = []
    for name, frame in tables.items():
        frame.to_csv(out / name, index=name != "missing.csv")
        written.append(out / name)
    return written


def _evaluate(path: Path, out: Path | None) -> int:
    result = score(load_evaluation(path))
    print(full_report(result))
    if out is not None:
        files = _write_results(result, out)
        print(f"\nWrote {len(files)} tables to {out}/")
    return 0


def _demo(args: argparse.Namespace) -> int:
    source = example_path()
    if args.out is not None:
        copy = args.out / "evaluation"
        shutil.copytree(source, copy, dirs_exist_ok=True)
        print(
            f"Copied the example evaluation to {copy}/ — edit it and run "
            f"`crmselect evaluate {copy}`\n"
        )
        return _evaluate(copy, args.out)
    return _evaluate(source, None)


def _catalogs(args: argparse.Namespace) -> int:
    if args.name:
        print(catalog_report(load_catalog(args.name)))
        return 0
    for name in catalogs():
        print(repr(load_catalog(name)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmselect",
        description="Score CRM vendors' RFP answers and demos; rank them with knock-outs.",
    )
    parser.add_argument("--version", action="version", version=f"crmselect {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="score the bundled example tender",
        description="Score the bundled, fictional Larkspur tender.",
    )
    demo.add_argument(
        "--out", type=Path, metavar="DIR", help="copy the example there and write the result tables"
    )
    demo.set_defaults(run=_demo)

    evaluate = commands.add_parser(
        "evaluate",
        help="score an evaluation folder",
        description="Score an evaluation folder (or its YAML file).",
    )
    evaluate.add_argument("path", type=Path, metavar="PATH")
    evaluate.add_argument(
        "--out", type=Path, metavar="DIR", help="write the result tables there as CSV"
    )
    evaluate.set_defaults(run=lambda a: _evaluate(a.path, a.out))

    cats = commands.add_parser(
        "catalogs",
        help="list the bundled criteria catalogues",
        description="List the bundled catalogues, or show one's tree.",
    )
    cats.add_argument("name", nargs="?", metavar="NAME", help="a catalogue name or YAML path")
    cats.set_defaults(run=_catalogs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmselect`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except CrmselectError as exc:
        if args.debug:
            raise
        print(f"crmselect: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        if args.debug:
            raise
        print(
            f"crmselect: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr
        )
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
