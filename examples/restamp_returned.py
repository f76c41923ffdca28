"""Re-stamp the example's returned RFP workbooks with the evaluation's current fingerprint,
and sign every returned file of the example with its key.

``examples/larkspur/returned/*.xlsx`` stand for the files six vendors sent back. Each one's
hidden ``crmselect`` sheet records the ``evaluation_hash`` of the template it was made from
(:func:`crmselect.io.forms.rfp_template.questions_fingerprint`). When the *definition* of that
hash changes, or a setting of the example that is not a question (a weight, the scale)
changes, the importer rightly reports "the evaluation changed since this template was made".
This script brings the bundled files up to date as if the vendors had been sent templates of
the current evaluation: only the hash text is replaced, byte for byte, in the sheet that
holds it; every answer, every deliberate defect and every other byte of the files stays.

Every handed-out form carries a tag, signed with the tender's key
(:mod:`crmselect.io.forms.meta`); the example's key is ``larkspur/.crmselect/key`` — example
data, public, never to be used for a real tender. Since the hash is one of the facts the
tag covers, the script then signs every returned file of the example (weights workshops and
RFP workbooks) for that key at the forms' current versions
(:func:`crmselect.io.folder.tender.resign_returns`: row 1 of the hidden sheet only).

Run from the repository root: ``python examples/restamp_returned.py``. It prints each file
with its old and new hash (nothing is changed where the hash is already current), then the
files it signed.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import attrs
import openpyxl

from crmselect.io.folder.key import tender_key
from crmselect.io.folder.tender import load_tender, resign_returns
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.rfp_template import questions_fingerprint
from crmselect.tender import derive

FOLDER = Path(__file__).resolve().parent / "larkspur"


def stored_hash(path: Path) -> str:
    """The ``evaluation_hash`` fact of a returned workbook's hidden sheet."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        for key, value, *_ in workbook[META_SHEET].iter_rows(values_only=True):
            if key == "evaluation_hash":
                return str(value)
    finally:
        workbook.close()
    raise SystemExit(f"{path}: no evaluation_hash in sheet {META_SHEET!r}")


def restamp(path: Path, old: str, new: str) -> None:
    """Rewrite ``path`` with ``old`` replaced by ``new`` in the one member that holds it."""
    with zipfile.ZipFile(path) as source:
        holders = [i.filename for i in source.infolist() if old.encode() in source.read(i)]
        if len(holders) != 1:
            raise SystemExit(f"{path}: the hash appears in {holders or 'no member'}")
        with (
            tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as tmp,
            zipfile.ZipFile(tmp, "w") as target,
        ):
            for info in source.infolist():
                data = source.read(info)
                if info.filename == holders[0]:
                    data = data.replace(old.encode(), new.encode())
                target.writestr(info, data, compress_type=info.compress_type)
    shutil.copymode(path, tmp.name)
    Path(tmp.name).replace(path)


def main() -> None:
    key = tender_key(FOLDER, create=True)
    resign_returns(FOLDER, key)  # so that the folder loads, whatever the files' versions
    evaluation = derive(load_tender(FOLDER)).evaluation
    current = questions_fingerprint(attrs.evolve(evaluation, responses=(), import_problems=()))
    for path in sorted((FOLDER / "returned").glob("*.xlsx")):
        old = stored_hash(path)
        if old == current:
            print(f"{path.name}: current")
            continue
        restamp(path, old, current)
        print(f"{path.name}: {old[:12]} -> {current[:12]}")
    for path in resign_returns(FOLDER, key):
        print(f"{path.relative_to(FOLDER)}: signed")


if __name__ == "__main__":
    main()
