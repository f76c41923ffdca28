"""Benchmark: start-up of ``import crmselect``, ``import crmselect.cli``, ``crmselect --help``
and ``crmselect demo`` (issue 21 item 5), each in a fresh interpreter.

Run:  python benchmarks/bench_startup.py [--repeat 5] [--no-bytecode]
      python benchmarks/bench_startup.py --source /tmp/old-checkout   # a baseline, same run

Every command runs ``--repeat`` times in a new ``python`` process with the crmselect of
``--source`` (default: this checkout) first on ``sys.path``; the table gives the minimum and
median wall time and CPU time (user + system, the worker processes that read the returned
files included: ``os.wait4``), and the load average before the first run, because on a shared
machine the wall time is mostly waiting for a core and CPU time is what a change moves.

Python's bytecode cache decides a large part of a cold start: an installed crmselect has
its ``.pyc`` files (pip compiles them), a checkout run with ``PYTHONDONTWRITEBYTECODE=1``
compiles every module on every start (about 0.3 s of CPU for crmselect's ~100 modules). By
default the runs use a bytecode cache of their own (``PYTHONPYCACHEPREFIX`` in a temporary
folder, warmed by one uncounted run); ``--no-bytecode`` measures without one.

Targets: ``import crmselect`` ≤ 0.4 s, ``crmselect demo`` ≤ 2 s cold on an idle 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "import crmselect": "import crmselect",
    "import crmselect.cli": "import crmselect.cli",
    "crmselect --help": "from crmselect.cli import main; main(['--help'])",
    "crmselect demo": "from crmselect.cli import main; main(['demo'])",
}


def run_once(code: str, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of ``python -c code``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, None):
        raise SystemExit(f"{code!r} failed with status {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def environment(source: Path, cache: Path | None) -> dict[str, str]:
    """The environment of a run: ``source`` first on the path, the bytecode cache given
    (or none)."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--no-bytecode", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(args.source, None if args.no_bytecode else folder / "pycache")
        if not args.no_bytecode:  # compile everything once, uncounted
            run_once(COMMANDS["crmselect demo"], env, folder)
        print(f"crmselect from {args.source}; bytecode cache: {not args.no_bytecode}")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':22} {'wall min':>9} {'median':>7} {'CPU min':>8} {'median':>7}")
        for name, code in COMMANDS.items():
            runs = [run_once(code, env, folder) for _ in range(args.repeat)]
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"{name:22} {min(walls):9.2f} {statistics.median(walls):7.2f} "
                f"{min(cpus):8.2f} {statistics.median(cpus):7.2f}"
            )
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
