"""Helpers the tests share, imported as ``from tests.helpers import ...``; ``conftest.py``
holds only fixtures and hooks.

**The minimal evaluation**: a small, hand-checkable tender, in code (:func:`minimal_evaluation`,
:func:`with_demo`; :func:`questions` is it without answers) and as a folder
(:func:`write_minimal`, :data:`MINIMAL_YAML`).

**LibreOffice headless** for the tests and the docs (``docs/render_workbook.py``):
recalculate workbooks, print them to PDF (:func:`convert`, :func:`soffice`).

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

    python -m tests.helpers recalc OUTDIR FILE.xlsx …
    python -m tests.helpers pdf OUTDIR FILE.xlsx …
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import openpyxl
import pytest

from crmselect import (
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    ScoringPolicy,
    Vendor,
)
from crmselect.io.folder.key import TenderKey, key_path, tender_key
from crmselect.io.forms.meta import META_SHEET, TAG_COLUMN, TAG_ROW, sign

if TYPE_CHECKING:
    from crmselect.report.award import Standing
    from crmselect.tender import Tender

REPO = Path(__file__).resolve().parent.parent
"""The repository's root folder (README.md, .ci/, notebooks/, examples/)."""

KEY = tender_key(REPO / "examples" / "larkspur")
"""The bundled example's tender key (example data): its returned files are signed with it,
and the tests sign the forms they write with it too."""


def give_key(folder: Path, key: TenderKey = KEY) -> Path:
    """``folder`` given ``key`` as its tender key (``.crmselect/key``), so that forms signed
    with it verify there; returns ``folder``."""
    path = key_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.hex() + "\n", encoding="ascii")
    return folder


def sign_meta(workbook: openpyxl.Workbook, key: TenderKey = KEY) -> None:
    """Sign ``workbook``'s hidden sheet, as it now is, with ``key``: what only a holder of
    the tender's key can do (the tests of the checks behind the signature use it)."""
    sheet = workbook[META_SHEET]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    sheet.cell(TAG_ROW, TAG_COLUMN).value = sign(key, str(sheet["B1"].value), values)


def resigned(mutate: Callable[[openpyxl.Workbook], object]) -> Callable[[openpyxl.Workbook], None]:
    """``mutate``, then :func:`sign_meta`: an edit of the hidden sheet by a key holder."""

    def edit(workbook: openpyxl.Workbook) -> None:
        mutate(workbook)
        sign_meta(workbook)

    return edit


# -- the minimal evaluation --------------------------------------------------------------------

MINIMAL_YAML = """\
schema: crmselect.evaluation/1
name: Minimal tender
criteria:
  - id: A
    weight: 3
    children:
      - {id: a1, weight: 1}
      - {id: a2, weight: 2}
  - {id: b, weight: 1}
requirements:
  - {id: R1, criterion: a1, priority: must, text: Accounts and contacts}
  - {id: R2, criterion: a1, priority: could, text: Territory management}
  - {id: R3, criterion: a2, priority: should, mandatory: true, text: EU data residency}
  - {id: R4, criterion: b, priority: should, text: Offline mobile use}
vendors:
  - {id: x, name: Xylo CRM, offering: suite, deployment: [saas], access: [browser]}
  - {id: y, name: Yarrow Sales, offering: point, deployment: [on-premise], licensing: [perpetual]}
  - {id: z, name: Zephyr, deployment: [hosted]}
evaluators:
  - {id: e1, name: Evaluator One}
  - {id: e2, name: Evaluator Two}
demo_scripts:
  - {id: D, title: Offline scenario, criteria: [b]}
scoring:
  demo_share: 0.5
responses: responses.csv
demo_scores: demo_scores.csv
"""

MINIMAL_RESPONSES = """\
vendor,requirement,compliance,comment
x,R1,out_of_box,
x,R2,not_supported,
x,R3,configuration,
x,R4,roadmap,next year
y,R1,customisation,
y,R2,,
y,R3,Fully supported out of the box,
y,R4,third party,via add-on
z,R1,oob,
z,R2,out_of_box,
z,R3,not_supported,no EU region
z,R4,out_of_box,
"""

MINIMAL_DEMO_SCORES = """\
evaluator,vendor,script,criterion,score,note
e1,x,D,b,4,
e2,x,D,b,5,
e1,y,D,b,2,
e2,y,D,b,,left early
"""


def write_minimal(
    folder: Path,
    yaml_text: str = MINIMAL_YAML,
    responses: str = MINIMAL_RESPONSES,
    demo_scores: str = MINIMAL_DEMO_SCORES,
) -> Path:
    """Write the minimal evaluation folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evaluation.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "responses.csv").write_text(responses, encoding="utf-8")
    (folder / "demo_scores.csv").write_text(demo_scores, encoding="utf-8")
    return folder


def with_panel(yaml_text: str, members: Sequence[str]) -> str:
    """``yaml_text`` (:data:`MINIMAL_YAML` or a variant) with ``members`` on the panel beside
    its two evaluators, on the same three lines (so the lines below keep their numbers)."""
    block = yaml_text[yaml_text.index("evaluators:") : yaml_text.index("demo_scripts:")]
    extra = ", ".join(f"{{id: {m}}}" for m in members)
    panel = (
        "evaluators: [{id: e1, name: Evaluator One},\n  {id: e2, name: Evaluator Two},\n"
        f"  {extra}]\n"
    )
    return yaml_text.replace(block, panel)


def minimal_evaluation(**changes: object) -> Evaluation:
    """The same minimal evaluation built in code (no files)."""
    parts: dict[str, object] = {
        "name": "Minimal tender",
        "criteria": [
            Criterion(
                "A", weight=3, children=[Criterion("a1", weight=1), Criterion("a2", weight=2)]
            ),
            Criterion("b", weight=1),
        ],
        "requirements": [
            Requirement("R1", "Accounts and contacts", "a1", "must"),
            Requirement("R2", "Territory management", "a1", "could"),
            Requirement("R3", "EU data residency", "a2", "should", mandatory=True),
            Requirement("R4", "Offline mobile use", "b", "should"),
        ],
        "vendors": [
            Vendor("x", "Xylo CRM"),
            Vendor("y", "Yarrow Sales", "point"),
            Vendor("z", "Zephyr"),
        ],
        "responses": [
            Response("x", "R1", "out_of_box"),
            Response("x", "R2", "not_supported"),
            Response("x", "R3", "configuration"),
            Response("x", "R4", "roadmap"),
            Response("y", "R1", "customisation"),
            Response("y", "R2", None),
            Response("y", "R3", "out_of_box"),
            Response("y", "R4", "third_party"),
            Response("z", "R1", "out_of_box"),
            Response("z", "R2", "out_of_box"),
            Response("z", "R3", "not_supported"),
            Response("z", "R4", "out_of_box"),
        ],
    }
    parts.update(changes)
    return Evaluation(**parts)  # type: ignore[arg-type]


def with_demo(**changes: object) -> Evaluation:
    """The minimal evaluation plus one demo script on ``b`` scored by two evaluators."""
    return minimal_evaluation(
        evaluators=[Evaluator("e1"), Evaluator("e2")],
        demo_scripts=[DemoScript("D", "Offline scenario", ["b"])],
        demo_scores=[
            DemoScore("e1", "x", "D", "b", 4),
            DemoScore("e2", "x", "D", "b", 5),
            DemoScore("e1", "y", "D", "b", 2),
            DemoScore("e2", "y", "D", "b", None),
        ],
        policy=ScoringPolicy(demo_share=0.5),
        **changes,
    )


def questions() -> Evaluation:
    """The minimal evaluation without answers (what templates are made from)."""
    return attrs.evolve(minimal_evaluation(), responses=())


# -- LibreOffice headless ----------------------------------------------------------------------

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


REQUIRE_LIBREOFFICE = os.environ.get("CRMSELECT_REQUIRE_LIBREOFFICE") == "1"
"""Set by .ci/run: CI must run the LibreOffice tests, so a missing soffice fails them."""

needs_libreoffice = pytest.mark.skipif(
    soffice() is None and not REQUIRE_LIBREOFFICE,
    reason="LibreOffice (soffice) is not installed: "
    "apt-get install -y --no-install-recommends libreoffice-calc-nogui",
)
"""Skips a test without LibreOffice — except in CI (:data:`REQUIRE_LIBREOFFICE`)."""


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


def example_before_the_record(folder: Path) -> Path:
    """A copy of the example tender in ``folder`` as it stood before its record: no
    ``tender-record.jsonl`` (not issued yet), no clarifications applied — meridian's
    'Partially' and kestrel's 'EUR 2,900' still refused as returned — and no best and final
    offers (``bafo:``) read."""
    shutil.copytree(REPO / "examples" / "larkspur", folder)
    (folder / "tender-record.jsonl").unlink()
    file = folder / "evaluation.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace("clarifications: clarifications.csv\n", "")
    file.write_text(text.replace("bafo: bafo/*.xlsx\n", ""), encoding="utf-8")
    return folder


def debrief_secrets(state: Standing, vendor: str) -> list[str]:
    """What must not appear in ``vendor``'s debrief: every other unsuccessful vendor's
    name, id, total (as the reports write it, points of 100) and evaluated price."""
    from crmselect.cost.tco import money
    from crmselect.report.page import points

    found = []
    for other in state.result.evaluation.vendor_ids:
        if other in (vendor, state.winner):
            continue
        price = state.price(other)
        found += [state.names[other], other, points(float(state.result.totals[other]))]
        found += [] if price is None else [money(price[1])]
    return found


def leaks(text: str, forbidden: Sequence[str]) -> list[str]:
    """The ``forbidden`` strings found in ``text``, each as a whole word or number
    (``70.2`` is not found in ``170.25``)."""
    return [
        item
        for item in forbidden
        if re.search(rf"(?<![\w.,]){re.escape(item)}(?![\w]|[.,]\d)", text, re.I)
    ]


HOSTILE_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("x")'


def renamed(tender: Tender, names: dict[str, str]) -> Tender:
    """``tender`` with the vendors of ``names`` (id → new name) renamed, e.g. to
    :data:`HOSTILE_NAME` and :data:`FORMULA_NAME` (text a page must show as text)."""
    vendors = [attrs.evolve(v, name=names.get(v.id, v.name)) for v in tender.evaluation.vendors]
    return attrs.evolve(tender, evaluation=attrs.evolve(tender.evaluation, vendors=tuple(vendors)))


def run_cells(sources: Sequence[str], folder: Path) -> Any:
    """A new notebook of the code cells ``sources``, executed in a Jupyter kernel working
    in ``folder`` (nbclient; widget state stored in its metadata); the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(  # type: ignore[no-untyped-call]
        cells=[nbformat.v4.new_code_cell(s) for s in sources]  # type: ignore[no-untyped-call]
    )
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return notebook
