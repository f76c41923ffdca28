"""LibreOffice headless for the tests and the docs: recalculate workbooks, print them to PDF.

openpyxl writes formulas but never computes them; LibreOffice does. One ``soffice`` process
converts many files (start-up takes a few seconds, so convert in batches)::

    soffice --headless --norestore --nolockcheck --nologo --nodefault
            -env:UserInstallation=file:///tmp/<fresh profile>
            --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir OUT  a.xlsx b.xlsx …

**Forcing recalculation.** On loading an ``.xlsx`` LibreOffice by default keeps the cached
values stored in the file ("Recalculation on file load: Never recalculate"), so a file whose
cached values are stale stays stale. crmselect's workbooks carry no cached values at all
(openpyxl writes none), which already makes LibreOffice compute every formula; to be sure
(and for files edited by other programs) the throw-away profile also sets
``/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0,
*always recalculate*, in its ``user/registrymodifications.xcu`` before the first start.
A fresh profile per call also keeps parallel runs from handing their files to one another's
already running ``soffice``.

Command line (used to render the docs)::

    python tests/libreoffice.py recalc OUTDIR FILE.xlsx …
    python tests/libreoffice.py pdf OUTDIR FILE.xlsx …
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
PDF_FILTER = "pdf:calc_pdf_Export"

_PROFILE = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """Path of the LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    files: Sequence[Path], outdir: Path, target: str = XLSX_FILTER, timeout: float = 600
) -> list[Path]:
    """Convert ``files`` with one LibreOffice process; returns the output paths in order.

    ``target`` is a ``--convert-to`` argument (default: xlsx, recalculated on load). Input
    names must be unique, and ``outdir`` must not be their folder.
    """
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    files = [Path(f).resolve() for f in files]
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise ValueError(f"input file names must be unique: {names}")
    outdir = Path(outdir).resolve()
    if any(f.parent == outdir for f in files):
        raise ValueError("write the converted files to another folder than the inputs")
    outdir.mkdir(parents=True, exist_ok=True)
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        command = [
            exe,
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    outputs = [outdir / f"{f.stem}.{extension}" for f in files]
    missing = [p for p in outputs if not p.exists()]
    if done.returncode != 0 or missing:
        raise RuntimeError(
            f"soffice failed (status {done.returncode}); missing {missing}\n"
            f"stdout: {done.stdout}\nstderr: {done.stderr}"
        )
    return outputs


def main(argv: Sequence[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("recalc", "pdf"):
        print(__doc__)
        return 2
    target = XLSX_FILTER if argv[0] == "recalc" else PDF_FILTER
    for path in convert([Path(a) for a in argv[2:]], Path(argv[1]), target):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
