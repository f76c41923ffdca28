"""Best and final offers (issue 18 item 4): a round on the record, new Pricing sheets issued
and read back, the earlier offer kept, every analysis on the final prices, and the report
and workbook showing earlier, final and difference per vendor."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from crmselect.bafo import invite, price_changes, rounds
from crmselect.cli import main
from crmselect.errors import CrmselectError, InputFileError
from crmselect.io.folder.tender import load_tender
from crmselect.io.forms.bafo import BAFO_META, read_bafo, write_bafo
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.rfp_template import PRICING_FIRST_ROW, PRICING_SHEET
from crmselect.record import Event
from crmselect.tender import derive
from tests.helpers import KEY, MINIMAL_YAML, REPO, give_key, write_minimal

AT = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
HOSTING = 12000.0  # kestrel's final hosting fee per year (38,000 in its first offer)


def example_copy(folder: Path) -> Path:
    """A copy of the example as it stood before its BAFO round: the prices opened, no round
    on the record, no ``bafo:`` workbooks."""
    shutil.copytree(REPO / "examples" / "larkspur", folder)
    shutil.rmtree(folder / "bafo")
    record = folder / "tender-record.jsonl"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"event": "bafo"' in lines[-1]
    record.write_text("".join(lines[:-1]), encoding="utf-8")
    file = folder / "evaluation.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("bafo: bafo/*.xlsx\n", ""), encoding="utf-8")
    return folder


def fill(path: Path, values: dict[str, object]) -> None:
    """Type ``values`` (by Pricing field key) into a BAFO workbook's answer cells, as the
    vendor would (the hidden sheet untouched)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[PRICING_SHEET]
    for row in range(PRICING_FIRST_ROW, sheet.max_row + 1):
        key = sheet.cell(row, 1).value
        if key in values:
            sheet.cell(row, 3).value = values[key]
    workbook.save(path)


def returned_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example with a BAFO round issued to orbis and kestrel; kestrel returns its
    offer with a lower hosting fee, orbis does not return."""
    tender = example_copy(tmp_path / "larkspur")
    issuing = ["bafo", "issue", str(tender), "--out", str(tender / "bafo"), "--vendor", "orbis"]
    assert main([*issuing, "--vendor", "kestrel", "--reason", "final offers", "--by", "Mei"]) == 0
    printed = capsys.readouterr().out
    assert "BAFO round 2 issued by Mei" in printed
    earlier = dict(load_tender(tender).evaluation.pricing["kestrel"])
    fill(tender / "bafo" / "kestrel.xlsx", {**earlier, "hosting_fee_per_year": HOSTING})
    (tender / "bafo" / "orbis.xlsx").unlink()
    file = tender / "evaluation.yaml"
    file.write_text(file.read_text(encoding="utf-8") + "bafo: [bafo/*.xlsx]\n", encoding="utf-8")
    return tender


def test_a_bafo_round_reprices_one_vendor_and_keeps_the_earlier_offer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = load_tender(returned_round(tmp_path, capsys))
    (entry,) = rounds(tender.record)
    assert (entry.by, entry.reason, entry.data["round"]) == ("Mei", "final offers", 2)
    assert entry.data["vendors"] == ["orbis", "kestrel"]
    assert tender.rebid == ("kestrel",)
    assert tender.earlier is not None
    assert tender.earlier.evaluation.pricing["kestrel"]["hosting_fee_per_year"] == 38000.0
    assert tender.evaluation.pricing["kestrel"]["hosting_fee_per_year"] == HOSTING
    assert tender.evaluation.pricing["orbis"] == tender.earlier.evaluation.pricing["orbis"]
    before = derive(tender.earlier).evaluation.price
    after = derive(tender).evaluation.price
    assert before is not None
    assert after is not None
    assert after.prices["kestrel"] < before.prices["kestrel"]  # a lower fee, a lower NPV
    assert after.prices["orbis"] == before.prices["orbis"]
    changes = price_changes(tender)
    assert list(changes.index) == ["kestrel"]
    row = changes.loc["kestrel"]
    assert row["earlier"] == before.prices["kestrel"]
    assert row["final"] == after.prices["kestrel"]
    assert row["difference"] == pytest.approx(row["final"] - row["earlier"])
    assert row["change"] == pytest.approx(row["difference"] / row["earlier"])
    assert row["round"] == 2


def test_every_analysis_runs_on_the_final_prices_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = returned_round(tmp_path, capsys)
    assert (
        main(["evaluate", str(tender), "--samples", "500", "--out", str(tmp_path / "r.xlsx")]) == 0
    )
    printed = capsys.readouterr().out
    assert "Best and final offers, round 2: issued" in printed
    assert "NO FINAL OFFER READ from orbis" in printed
    assert "use the final prices: round 2 for kestrel; round 1 for the others" in printed
    final = derive(load_tender(tender)).evaluation.price
    assert final is not None
    assert f"{final.prices['kestrel']:,.0f}" in printed
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    texts = [c.value for s in workbook.worksheets for r in s.iter_rows() for c in r]
    assert "Best and final offers (earlier, final, difference)" in texts
    bids = [
        c.value
        for r in workbook["Costs"].iter_rows()
        for c in r
        if isinstance(c.value, float) and abs(c.value - final.prices["kestrel"]) < 0.01
    ]
    assert bids  # the price criterion's bid on the Costs sheet is the final one


def test_bafo_import_checks_the_returns_and_shows_the_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = returned_round(tmp_path, capsys)
    files = [str(tender / "bafo" / "kestrel.xlsx")]
    assert main(["bafo", "import", str(tender), *files]) == 0
    printed = capsys.readouterr().out
    assert "kestrel.xlsx: vendor kestrel, 0 finding(s)" in printed
    assert "kestrel: " in printed
    assert "→" in printed


def test_a_workbook_of_an_uninvited_vendor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = returned_round(tmp_path, capsys)
    issuing = ["bafo", "issue", str(tender), "--out", str(tmp_path / "r3"), "--vendor", "helix"]
    assert main([*issuing, "--reason", "one more", "--by", "Mei"]) == 0
    capsys.readouterr()
    assert main(["bafo", "import", str(tender), str(tender / "bafo" / "kestrel.xlsx")]) == 2
    assert "not of BAFO round 3 (to helix)" in capsys.readouterr().err


def test_a_tampered_bafo_workbook_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = returned_round(tmp_path, capsys)
    path = tender / "bafo" / "kestrel.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook[META_SHEET]["B4"].value = "orbis"  # now 'for orbis'
    workbook.save(path)
    assert main(["evaluate", str(tender)]) == 2
    assert "not issued by this tender" in capsys.readouterr().err


def test_a_bad_value_is_a_finding_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = returned_round(tmp_path, capsys)
    path = tender / "bafo" / "kestrel.xlsx"
    fill(path, {"day_rate": "=1/0"})
    with pytest.raises(InputFileError, match="costs") as raised:
        load_tender(tender)  # the cost model needs the day rate: the cell is named
    assert any("kestrel.xlsx!Pricing!C13" in str(p) for p in raised.value.problems)
    returned = read_bafo(path, load_tender(REPO / "examples" / "larkspur").evaluation, key=KEY)
    assert returned.vendor == "kestrel"
    assert returned.round_number == 2
    assert returned.pricing["day_rate"] is None
    (problem,) = [p for p in returned.problems if p.requirement == "day_rate"]
    assert problem.sheet == PRICING_SHEET
    assert problem.severity == "error"
    assert BAFO_META.version == "crmselect.bafo/1"


def test_a_round_is_refused_while_sealed_before_issue_and_without_a_cost_model(
    tmp_path: Path,
) -> None:
    tender = load_tender(example_copy(tmp_path / "larkspur"))
    with pytest.raises(CrmselectError, match="needs its reason"):
        invite(tender, [], by="Mei", at=AT, reason="")
    with pytest.raises(CrmselectError, match="eliminated, so no final offer: tidewater"):
        invite(tender, ["tidewater"], by="Mei", at=AT, reason="r")
    everyone = invite(tender, [], by="Mei", at=AT, reason="r")
    assert "tidewater" not in everyone.data["vendors"]
    assert everyone.event is Event.BAFO
    minimal = load_tender(give_key(write_minimal(tmp_path / "m", MINIMAL_YAML)))
    with pytest.raises(CrmselectError, match="issue the RFP first"):
        invite(minimal, [], by="Mei", at=AT, reason="r")


def test_a_bafo_workbook_goes_to_a_vendor_of_the_tender(tmp_path: Path) -> None:
    evaluation = load_tender(REPO / "examples" / "larkspur").evaluation
    with pytest.raises(CrmselectError, match="no vendor 'acme' in the tender"):
        write_bafo(evaluation, "acme", tmp_path / "acme.xlsx", key=KEY, round_number=2)
    assert not (tmp_path / "acme.xlsx").exists()
