"""The sealed price envelope (issue 18 item 1): no bid amount in any file handed to an
evaluator, nor in any report, until ``crmselect open-prices`` freezes the quality scores;
the quality threshold eliminates before the opening; the opening is on the record."""

from __future__ import annotations

import datetime as dt
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from crmselect.cli import main
from crmselect.envelope import (
    Envelope,
    envelope_of,
    is_sealed,
    open_prices,
    quality_scores,
    sealed_view,
)
from crmselect.errors import CrmselectError
from crmselect.io.folder.tender import load_tender
from crmselect.record import Event, Stage, TenderRecord, funnel
from crmselect.scoring import score
from crmselect.tender import Tender, derive
from tests.helpers import (
    MINIMAL_DEMO_SCORES,
    MINIMAL_YAML,
    example_before_the_record,
    give_key,
    write_minimal,
)

BIDS = {"x": 123456.0, "y": 234567.5, "z": 345678.25}
PRICED = MINIMAL_YAML.replace(
    "  - {id: b, weight: 1}\n", "  - {id: b, weight: 1}\n  - {id: p, weight: 2}\n"
) + (
    "price:\n  criterion: p\n  method: lowest_ratio\n"
    f"  prices: {{x: {BIDS['x']:g}, y: {BIDS['y']}, z: {BIDS['z']}}}\n"
    "price_envelope: sealed\n"
)
REFERENCES = """\
references:
  questions:
    - {criterion: a1, question: 'Do your account managers use it daily?'}
  calls: reference_calls.csv
"""
CALLS = (
    "call,vendor,role,organisation,organisation_type,name,caller,date\n"
    "c1,x,Head of Sales,Hushwood Mills,manufacturer,Zelda Q,e1,2026-03-02\n"
)
ALL_SCORED = MINIMAL_DEMO_SCORES.replace("e2,y,D,b,,left early", "e2,y,D,b,3,")
AT = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def spellings(amount: float) -> set[str]:
    """The ways a bid amount may be written: plain, with thousands separators, as a float,
    with two decimals, in scientific notation (``1.23456E5``, ``1.234560E+05``)."""
    exponent = math.floor(math.log10(amount))
    mantissa = f"{amount / 10**exponent:.10g}"
    shown = {
        repr(amount),
        f"{amount:,}",
        f"{amount:.2f}",
        f"{amount:,.2f}",
        f"{amount:,.2f}".replace(",", " "),
        f"{amount:E}",
        f"{amount:e}",
        f"{mantissa}E{exponent}",
        f"{mantissa}E+{exponent:02d}",
        f"{mantissa}e+{exponent:02d}",
    }
    if amount.is_integer():
        shown |= {f"{amount:.0f}", f"{amount:,.0f}", f"{amount:,.0f}".replace(",", " ")}
    return shown


def test_spellings_cover_the_usual_forms() -> None:
    assert {"123456", "123,456", "123456.0", "1.23456E5", "123,456.00"} <= spellings(123456.0)
    assert {"234567.5", "234,567.5", "2.345675E5"} <= spellings(234567.5)


def _parts(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every byte of ``path``: the file itself and, for a zip (an xlsx), each part unzipped
    (the sheets' and shared strings' XML, docProps, the hidden sheet)."""
    data = path.read_bytes()
    yield path.name, data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path.name}/{name}", archive.read(name)


def _cells(path: Path) -> Iterator[tuple[str, object]]:
    """Every cell of every sheet of an xlsx, hidden sheets too, as stored."""
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield f"{path.name}!{sheet.title}!{cell.coordinate}", cell.value


def bid_sightings(paths: list[Path], amounts: dict[str, float]) -> list[str]:
    """Where an amount of ``amounts`` is seen in the files ``paths``: a byte string of one of
    its :func:`spellings` anywhere in a file or an unzipped part, or a cell holding it (as a
    number to the cent, or as text)."""
    found = []
    for path in paths:
        for amount in amounts.values():
            for spelling in spellings(amount):
                needle = spelling.encode()
                found += [f"{where}: {spelling}" for where, data in _parts(path) if needle in data]
            if path.suffix == ".xlsx":
                found += [
                    f"{where}: {value!r}"
                    for where, value in _cells(path)
                    if (isinstance(value, int | float) and abs(value - amount) < 0.01)
                    or (isinstance(value, str) and any(s in value for s in spellings(amount)))
                ]
    return found


def test_the_search_finds_an_amount_in_a_cell_and_in_a_part(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["C3"] = 234567.5
    workbook.properties.title = "offer 1.23456E5"
    workbook.save(tmp_path / "w.xlsx")
    found = bid_sightings([tmp_path / "w.xlsx"], BIDS)
    assert "w.xlsx!Sheet!C3: 234567.5" in found
    assert "w.xlsx/docProps/core.xml: 1.23456E5" in found
    assert bid_sightings([tmp_path / "w.xlsx"], {"other": 987654.0}) == []


def sealed_folder(tmp_path: Path, extra: str = "", demo_scores: str = ALL_SCORED) -> Path:
    tender = give_key(
        write_minimal(tmp_path / "t", PRICED + extra + REFERENCES, demo_scores=demo_scores)
    )
    (tender / "reference_calls.csv").write_text(CALLS, encoding="utf-8")
    return tender


def _issue_and_declare(tender: Path) -> None:
    assert main(["issue", str(tender), "--by", "Mei"]) == 0
    for member in ("e1", "e2"):
        assert main(["declare", str(tender), "--member", member, "--none", "--by", "Mei"]) == 0


def _issued_files(tender: Path, out: Path) -> list[Path]:
    """Every file the tender hands to evaluators (and vendors' script packs), and the
    comparison workbook and result tables an evaluator may see."""
    assert main(["scoring-sheets", str(tender), "--out", str(out)]) == 0
    assert main(["workshop", str(tender), "--out", str(out / "workshop")]) == 0
    assert main(["reference-sheets", str(tender), "--out", str(out / "references")]) == 0
    assert main(["evaluate", str(tender), "--out", str(out / "report")]) == 0
    assert main(["evaluate", str(tender), "--out", str(out / "comparison.xlsx")]) == 0
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_no_bid_is_seen_in_any_file_or_report_while_sealed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    files = _issued_files(tender, tmp_path / "out")
    kinds = {p.suffix for p in files}
    assert {".xlsx", ".md", ".csv"} <= kinds
    assert len(files) >= 8
    assert bid_sightings(files, BIDS) == []
    printed = capsys.readouterr()
    for amount in BIDS.values():
        for spelling in spellings(amount):
            assert spelling not in printed.out + printed.err
    assert "Price envelope: SEALED" in printed.out
    assert "'p'" in printed.out  # the criterion withheld is named


def test_after_opening_the_prices_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    opening = ["open-prices", str(tender), "--reason", "quality scores final", "--by", "Mei"]
    assert main(opening) == 0
    assert "the tender is at stage prices" in capsys.readouterr().out
    out = tmp_path / "after"
    assert main(["evaluate", str(tender), "--out", str(out / "comparison.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "Price envelope: opened" in printed
    assert "x: quality" in printed
    seen = bid_sightings([out / "comparison.xlsx"], {"x": BIDS["x"]})
    assert any("!Costs!" in place for place in seen), seen
    # the scoring sheets never carry a price, opened or not
    assert main(["scoring-sheets", str(tender), "--out", str(out)]) == 0
    assert bid_sightings(sorted((out / "scoring").iterdir()), BIDS) == []


def test_open_prices_is_refused_while_a_demo_item_is_unscored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unscored = MINIMAL_DEMO_SCORES.replace("e1,y,D,b,2,", "e1,y,D,b,,")  # no one scored y
    tender = sealed_folder(tmp_path, demo_scores=unscored)
    opening = ["open-prices", str(tender), "--reason", "final", "--by", "Mei"]
    assert main(opening) == 2
    assert "issue the RFP first" in capsys.readouterr().err
    _issue_and_declare(tender)
    assert main(opening) == 2
    err = capsys.readouterr().err
    assert "1 demo item(s) no evaluator scored" in err
    assert "y D/b" in err
    assert not any(e.event is Event.OPEN_PRICES for e in load_tender(tender).record.entries)


def test_open_prices_is_refused_twice_and_for_an_open_tender(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    opening = ["open-prices", str(tender), "--reason", "final", "--by", "Mei"]
    assert main(opening) == 0
    assert main(opening) == 2
    assert "was opened on" in capsys.readouterr().err
    plain = give_key(
        write_minimal(tmp_path / "plain", PRICED.replace("price_envelope: sealed\n", ""))
    )
    assert main(["issue", str(plain), "--by", "Mei"]) == 0
    assert main(["open-prices", str(plain), "--reason", "x", "--by", "Mei"]) == 2
    assert "not sealed" in capsys.readouterr().err


def test_the_stage_command_cannot_open_the_envelope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    with pytest.raises(SystemExit):
        main(["stage", str(tender), "prices", "--by", "Mei"])
    assert "invalid choice: 'prices'" in capsys.readouterr().err


def test_the_quality_threshold_eliminates_before_the_opening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path, "quality_threshold: 71\n")
    _issue_and_declare(tender)
    loaded = load_tender(tender)
    quality = quality_scores(loaded)
    assert set(quality.index) == {"x", "y"}  # z is knocked out (R3, a mandatory 'no')
    below = [v for v in quality.index if quality[v] < 71]
    assert below == ["y"], quality
    assert main(["open-prices", str(tender), "--reason", "quality final", "--by", "Mei"]) == 0
    printed = capsys.readouterr().out
    assert "eliminated y: quality" in printed
    record = load_tender(tender).record
    rows = {v: (stage, why) for v, stage, why in funnel(record, ["x", "y", "z"])}
    assert rows["x"] == ("prices", "")
    assert "under the minimum quality 71" in rows["y"][1]
    opened = record.of(Event.OPEN_PRICES)[0]
    assert opened.by == "Mei"
    assert opened.reason == "quality final"
    assert opened.data["quality_threshold"] == 71
    assert set(opened.data["quality"]) == {"x", "y"}


def test_the_quality_score_is_the_score_without_the_price_leaf(tmp_path: Path) -> None:
    """Q_v by hand: the same tree with p's weight 0 gives the same totals (×100)."""
    loaded = load_tender(sealed_folder(tmp_path))
    quality = quality_scores(loaded)
    by_hand = PRICED.replace("{id: p, weight: 2}", "{id: p, weight: 0}")
    other = load_tender(write_minimal(tmp_path / "zero", by_hand, demo_scores=ALL_SCORED))
    totals = score(other.evaluation).totals
    for vendor in quality.index:
        assert quality[vendor] == pytest.approx(100 * totals[vendor])


def test_the_sealed_view_has_no_price_anywhere(tmp_path: Path) -> None:
    loaded = load_tender(sealed_folder(tmp_path))
    view = sealed_view(loaded)
    assert view.evaluation.price is None
    assert "p" not in view.evaluation.criteria_by_id()
    assert view.costs is None
    assert json.dumps(list(view.evaluation.pricing)) == "[]"
    assert is_sealed(loaded)


def test_the_record_not_the_folder_says_whether_prices_are_sealed(tmp_path: Path) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    file = tender / "evaluation.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("price_envelope: sealed\n", ""))
    loaded = load_tender(tender)
    assert loaded.envelope == Envelope()  # the folder's
    assert envelope_of(loaded).sealed  # the record's: frozen at issue
    assert is_sealed(loaded)


def test_open_prices_needs_a_reason_and_stage_prices_only_comes_from_it() -> None:
    tender = Tender(
        evaluation=load_tender(write_minimal(Path("m"), PRICED)).evaluation,
        envelope=Envelope(sealed=True),
        record=TenderRecord(),
    )
    with pytest.raises(CrmselectError, match="needs its reason"):
        open_prices(tender, by="Mei", at=AT, reason=" ")
    assert Stage.PRICES.order == Stage.DEMOS.order + 1


def test_a_threshold_needs_a_sealed_envelope_and_a_bounded_value(tmp_path: Path) -> None:
    with pytest.raises(CrmselectError, match="needs price_envelope: sealed"):
        Envelope(sealed=False, quality_threshold=60)
    with pytest.raises(CrmselectError, match="between 0 and 100"):
        Envelope(sealed=True, quality_threshold=160)
    bad = PRICED.replace(
        "price_envelope: sealed\n", "price_envelope: maybe\nquality_threshold: 60\n"
    )
    with pytest.raises(CrmselectError) as raised:
        load_tender(write_minimal(tmp_path / "bad", bad))
    text = str(raised.value) + "".join(str(p) for p in getattr(raised.value, "problems", ()))
    assert "expected 'sealed' or 'open'" in text
    assert "needs price_envelope: sealed" in text


def test_the_example_sealed_shows_no_price_of_its_pricing_sheets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example before its record (so sealed, as its folder says): the present values
    its cost model makes of the returned Pricing sheets are in no scoring sheet, workshop
    workbook, script pack, result table or report, nor is kestrel's Pricing-sheet
    'EUR 2,900' — and they are there with one envelope. (Its Pricing sheets' own amounts are
    too short to search for: '38000' is in every xlsx theme part, '2900' in some hex
    digest.)"""
    tender = example_before_the_record(tmp_path / "larkspur")
    file = tender / "evaluation.yaml"
    assert "price_envelope: sealed\n" in file.read_text(encoding="utf-8")  # as the example
    derived = derive(load_tender(tender))
    assert derived.evaluation.price is not None
    amounts = {f"npv {v}": p for v, p in derived.evaluation.price.prices.items()}
    out = tmp_path / "out"
    assert main(["scoring-sheets", str(tender), "--out", str(out)]) == 0
    assert main(["workshop", str(tender), "--out", str(out / "workshop")]) == 0
    assert main(["evaluate", str(tender), "--out", str(out / "report")]) == 0
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) > 15
    assert bid_sightings(files, amounts) == []
    printed = capsys.readouterr().out
    assert "Price envelope: SEALED" in printed
    for amount in amounts.values():
        assert not {s for s in spellings(amount) if s in printed}, amount
    assert "2,900" not in printed
    assert "pricing.price_per_concurrent_user" not in printed
    rules = "price_envelope: sealed\nquality_threshold: 50\n"
    file.write_text(file.read_text(encoding="utf-8").replace(rules, ""), encoding="utf-8")
    assert main(["evaluate", str(tender), "--out", str(tmp_path / "open.xlsx")]) == 0
    assert bid_sightings([tmp_path / "open.xlsx"], amounts)  # one envelope: prices shown


def test_a_quality_score_changed_after_the_opening_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = sealed_folder(tmp_path)
    _issue_and_declare(tender)
    assert main(["open-prices", str(tender), "--reason", "final", "--by", "Mei"]) == 0
    file = tender / "evaluation.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("name: Minimal tender", "name: M"))
    assert main(["evaluate", str(tender), "--samples", "200"]) == 0
    assert "QUALITY SCORES CHANGED" not in capsys.readouterr().out  # a name is no score
    scores = tender / "demo_scores.csv"
    scores.write_text(ALL_SCORED.replace("e1,x,D,b,4,", "e1,x,D,b,1,"), encoding="utf-8")
    assert main(["evaluate", str(tender), "--samples", "200"]) == 0
    printed = capsys.readouterr().out
    assert "QUALITY SCORES CHANGED SINCE THE PRICE ENVELOPE WAS OPENED: x " in printed
