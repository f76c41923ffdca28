"""The ``crmselect`` command.

::

    crmselect demo [--out DIR [--force]]
                                        score the bundled example tender, test the winner
    crmselect evaluate PATH [--out DIR_OR_XLSX] [--weight ID=PERCENT]… [--drop-evaluator ID]…
                                        the same for your own evaluation folder (or a what-if)
    crmselect new DIR [--name N] [--catalog C] [--group ID]… [--vendor ID=NAME]…
                  [--evaluator ID=NAME:ROLE]… [--no-input]
                                        start a tender folder from a catalogue
    crmselect check PATH                check a folder against the loader and the schema
    crmselect issue PATH --by NAME      the RFP is sent: freeze the award basis
    crmselect deviate PATH --reason R --by NAME
                                        put changes from the frozen basis on the record
    crmselect shortlist PATH --drop V… --reason R --by NAME
                                        eliminate vendors, with the reason
    crmselect stage PATH STAGE --by NAME
                                        move the tender on (shortlist, demos, award)
    crmselect declare PATH --member ID (--none | --conflict TEXT --measure TEXT) --by NAME
                                        a member's declaration of interest, on the record
    crmselect low-bid PATH VENDOR (--ask | --explanation | --accept | --reject) TEXT --by NAME
                                        a step of an abnormally-low-bid case (art. 69)
    crmselect open-prices PATH --reason R --by NAME
                                        freeze the quality scores, open the price envelope
    crmselect bafo issue PATH --out DIR [--vendor ID]… --reason R --by NAME
                                        a best-and-final-offer round: new Pricing sheets
    crmselect bafo import PATH FILES… [--strict]
                                        check returned BAFO workbooks; earlier, final prices
    crmselect catalogs [NAME] [--requirements]
                                        list the bundled catalogues, or show one
    crmselect template PATH [--vendor ID]… --out FILE_OR_DIR
                                        RFP workbooks for vendors to fill in
    crmselect import PATH FILES… [--strict] [--csv OUT]
                                        check returned workbooks and read their answers
    crmselect workshop PATH [--member ID] --out FILE_OR_DIR
                                        pairwise-comparison workbooks for the weights
    crmselect scoring-sheets PATH --out DIR [--vendor ID]…
                                        demo scoring sheets per evaluator, script packs
    crmselect import-scores PATH FILES… [--strict] [--csv OUT]
                                        check returned scoring sheets; agreement, moderation
    crmselect reference-sheets PATH --out DIR [--call ID]…
                                        reference-call instruments, one per call
    crmselect report PATH --out HTML [--pdf]
                                        the award report for the board
    crmselect debriefs PATH --out DIR [--pdf]
                                        a debrief for each unsuccessful vendor

The commands that hand files out (``template``, ``workshop``, ``scoring-sheets``) sign them
with the tender folder's key, ``PATH/.crmselect/key``, created by the first of them; those
that read files back (``import``, ``import-scores``, ``evaluate``) refuse a file whose
signature does not verify with it (:mod:`crmselect.io.forms.meta`).

Bad input prints one clear message (every problem, with file and place) and exits with
status 2; ``--debug`` (before or after the command) shows the traceback instead.

Everything printed goes through :func:`say` (or :func:`complain`, on standard error), which
makes each line :func:`~crmselect.text.printable`; the names and texts a line quotes — file
and sheet names, vendor, evaluator and member names, findings — are made printable where
they are put into the line, so that a line feed in one cannot start a line of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs
import pandas as pd

from crmselect._version import __version__
from crmselect.analysis import DEFAULT_SAMPLES, DEFAULT_SEED, Analysis, analyse
from crmselect.bafo import bafo_facts, bafo_lines, invite, price_changes, rounds
from crmselect.consensus import ConsensusScores, moderation_list
from crmselect.declarations import declarations, declare, require_declarations
from crmselect.envelope import (
    envelope_facts,
    envelope_lines,
    is_sealed,
    open_prices,
    sealed_view,
    without_prices,
)
from crmselect.errors import CrmselectError, ImportProblem, InputFileError, Problem
from crmselect.example import example_path
from crmselect.io.excel.xlsx import write_csv
from crmselect.io.files import read_regular_file
from crmselect.io.folder.catalog import catalogs, load_catalog
from crmselect.io.folder.costs import read_costs
from crmselect.io.folder.evaluation import evaluation_file
from crmselect.io.folder.json_schema import schema_problems, schema_text
from crmselect.io.folder.key import KEY_FOLDER, TenderKey, tender_key
from crmselect.io.folder.record import append_entry, now, record_path
from crmselect.io.folder.scaffold import SCHEMA_FILE, Member, new_tender
from crmselect.io.folder.tables import demo_scores_to_frame, responses_to_frame
from crmselect.io.folder.tender import load_tender, resign_returns
from crmselect.io.folder.yamlfile import read_yaml
from crmselect.io.forms.bafo import with_final_offers, write_bafo
from crmselect.io.forms.demo_sheets import (
    read_scoring_sheets,
    write_scoring_sheets,
    write_script_pack,
)
from crmselect.io.forms.reading import problems_frame, read_each
from crmselect.io.forms.reference_calls import write_reference_sheets
from crmselect.io.forms.rfp_response import read_response
from crmselect.io.forms.rfp_template import PRICING_SHEET, write_template
from crmselect.io.forms.workshop import write_workshop
from crmselect.io.report.workbook import export_workbook
from crmselect.low_bids import Step, cases, low_bid
from crmselect.model import Evaluation
from crmselect.record import (
    Event,
    Stage,
    advance,
    basis_status,
    deviation,
    eliminate,
    eliminated,
    funnel,
    issue,
)
from crmselect.report import (
    catalog_report,
    full_report,
    panel_report,
    record_facts,
    record_report,
    record_tables,
    requirements_report,
    tender_summary,
)
from crmselect.report.calls import references_report
from crmselect.report.commands import write_award, write_debriefs
from crmselect.scoring import panel_scores, process_gaps
from crmselect.tender import Tender, derive
from crmselect.text import printable, printable_lines, text_table

EXIT_BAD_INPUT = 2
DEMO_WORKBOOK = Path("crmselect-demo.xlsx")
"""Where `crmselect demo` leaves the comparison workbook when no --out is given."""


class StrictFailure(CrmselectError):
    """``--strict`` was given and the returned workbooks have findings."""


def say(text: object = "") -> None:
    """Print ``text`` on standard output, each line :func:`~crmselect.text.printable`."""
    print(printable_lines(str(text)))


def complain(text: object) -> None:
    """Print ``text`` on standard error, each line :func:`~crmselect.text.printable`."""
    print(printable_lines(str(text)), file=sys.stderr)


def _strict_check(problems: Sequence[ImportProblem], strict: bool) -> None:
    serious = [p for p in problems if p.severity in ("error", "warning")]
    if strict and serious:
        listing = "\n".join(f"  [{p.severity}] {p}" for p in serious)
        raise StrictFailure(
            f"--strict: {len(serious)} finding(s) in the returned workbooks:\n{listing}"
        )


def _audit_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    evaluation = analysis.result.evaluation
    tables = {
        "Returned workbooks": problems_frame(evaluation.import_problems),
        "Process gaps": process_gaps(evaluation),
    }
    panel = panel_scores(evaluation)
    if panel is not None and len({d.evaluator for d in evaluation.demo_scores}) >= 2:
        moderation = moderation_list(evaluation)
        tables["Demo items to moderate"] = moderation.items
        tables["Evaluators (bias, agreement)"] = moderation.evaluators
    if isinstance(panel, ConsensusScores):
        tables["Moderated demo scores (overrides)"] = panel.audit
    return {name: frame for name, frame in tables.items() if not frame.empty}


def _write_outputs(analysis: Analysis, out: Path, tender: Tender) -> list[Path]:
    """``out.xlsx``: the comparison workbook; a folder: result tables as CSV plus the
    workbook as ``report.xlsx``. ``tender``: as loaded, for its record."""
    audit = {
        **_audit_tables(analysis),
        **record_tables(tender.record, tender.evaluation, tender.clarified),
        "Best and final offers (earlier, final, difference)": price_changes(tender),
    }
    audit = {title: frame for title, frame in audit.items() if not frame.empty}
    result = analysis.result

    def workbook(path: Path) -> Path:
        return export_workbook(
            result,
            path,
            smaa=analysis.smaa,
            stability=analysis.stability,
            flips=analysis.flips,
            audit=audit,
            costs=analysis.costs,
            pairs=analysis.pairs,
            record=[
                *record_facts(tender.record, tender.evaluation),
                *envelope_facts(tender),
                *bafo_facts(tender),
            ],
            sealed=is_sealed(tender),
        )

    if out.suffix.lower() == ".xlsx":
        return [workbook(out)]
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "ranking.csv": result.to_frame(),
        "matrix.csv": result.matrix,
        "contributions.csv": result.contributions,
        "requirement_scores.csv": result.requirement_scores,
        "missing.csv": result.missing,
    }
    if analysis.smaa is not None:
        tables["rank_acceptability.csv"] = analysis.smaa.acceptability
    if analysis.costs is not None:
        tables["tco_by_year.csv"] = analysis.costs.tco.by_year
        if analysis.costs.case is not None:
            tables["business_case.csv"] = analysis.costs.case.summary
    if result.prices is not None:
        tables["price_scores.csv"] = result.prices
    if analysis.pairs is not None:
        tables["partner_pairs.csv"] = analysis.pairs.table
    written = [write_csv(f, out / name, index=name != "missing.csv") for name, f in tables.items()]
    return [*written, workbook(out / "report.xlsx")]


def _evaluation(path: Path) -> Evaluation:
    """The derived evaluation of the tender at ``path``: the award basis the handed-out
    forms are made from and checked against."""
    return derive(load_tender(path)).evaluation


def _key(path: Path, *, create: bool = False) -> TenderKey:
    """The key of the tender at ``path`` (its folder's ``.crmselect/key``); ``create``
    makes one when the folder has none (the commands that hand files out)."""
    return tender_key(evaluation_file(path).parent, create=create)


def _evaluate(path: Path, out: Path | None, args: argparse.Namespace) -> int:
    loaded = load_tender(path)
    tender = derive(loaded)
    # while the price envelope is sealed, everything reported is the quality envelope's
    shown = sealed_view(tender, PRICING_SHEET) if is_sealed(loaded) else tender
    _strict_check(shown.evaluation.import_problems, args.strict)
    _strict_basis(loaded, args.strict)
    shown, header = _what_if(shown, out, args)
    analysis = analyse(shown, seed=args.seed, n_samples=args.samples)
    analysis = attrs.evolve(analysis, basis=basis_status(loaded.record, tender.evaluation))
    prices = analysis.result.prices
    flagged = [] if prices is None else [str(v) for v in prices.index[prices["abnormally_low"]]]
    record = record_report(loaded.record, loaded.evaluation, shown.clarified, flagged)
    procedure = [record, envelope_lines(loaded), bafo_lines(loaded)]
    procedure.append(references_report(shown.evaluation))
    if header:
        say(header + "\n")
    say(full_report(analysis.result, analysis, "\n\n".join(p for p in procedure if p)))
    if header:
        say("(a WHAT-IF: this winner is not the award basis's)")
    if out is not None:
        files = _write_outputs(analysis, out, attrs.evolve(loaded, clarified=shown.clarified))
        say(f"\nWrote {', '.join(printable(f) for f in files)}")
    return 0


def _what_if(tender: Tender, out: Path | None, args: argparse.Namespace) -> tuple[Tender, str]:
    """``evaluate --weight``/``--drop-evaluator``: the tender as the what-if changes it
    (:func:`crmselect.whatif_model.what_if_tender`) and the report's WHAT-IF header (``""``
    for none); a what-if is never written out as the award's files."""
    from crmselect.whatif_model import what_if_header, what_if_tender

    weights, drop = getattr(args, "weight", None) or (), getattr(args, "drop_evaluator", None) or ()
    if (weights or drop) and out is not None:
        raise CrmselectError("a what-if (--weight, --drop-evaluator) is printed only: drop --out")
    changed, changes = what_if_tender(tender, weights, drop)
    return changed, what_if_header(changes) if changes else ""


def _demo(args: argparse.Namespace) -> int:
    source = example_path()
    if args.out is not None:
        copy = args.out / "evaluation"
        if copy.exists() or copy.is_symlink():
            if not args.force:
                raise CrmselectError(
                    f"{copy} exists and may hold your edits; choose another --out, or add "
                    "--force to replace it with a fresh copy of the example"
                )
            if copy.is_dir() and not copy.is_symlink():
                shutil.rmtree(copy)
            else:  # a file, or a link (removed itself, never what it points to)
                copy.unlink()
        # the example's key stays behind: the copy gets its own, and its returned files
        # are signed for it, so that the copy's files say they are the copy's
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(KEY_FOLDER))
        resign_returns(copy, _key(copy, create=True))
        print(
            f"Copied the example evaluation to {copy}/ (with a key of its own, "
            f"{KEY_FOLDER}/key) — edit it and run `crmselect evaluate {copy}`\n"
        )
        return _evaluate(copy, args.out, args)
    return _evaluate(source, DEMO_WORKBOOK, args)


def _strict_basis(tender: Tender, strict: bool) -> None:
    """With ``--strict``, a change to the frozen award basis that is not on the record
    fails the run."""
    unrecorded = basis_status(tender.record, tender.evaluation).unrecorded
    if strict and unrecorded:
        listing = "\n".join(f"  {d}" for d in unrecorded)
        raise StrictFailure(
            f"--strict: {len(unrecorded)} change(s) from the award basis are not on the "
            f"record (crmselect deviate PATH --reason …):\n{listing}"
        )


def _in_the_running(tender: Tender, named: Sequence[str] | None) -> list[str]:
    """The vendors named (default: every vendor not eliminated); an eliminated vendor
    named is refused — it takes part in no later stage."""
    gone = eliminated(tender.record)
    named = list(named or ())
    refused = [v for v in named if v in gone]
    if refused:
        reasons = "; ".join(f"{v} at {gone[v].data['stage']}: {gone[v].reason}" for v in refused)
        raise CrmselectError(f"eliminated, so no later stage: {reasons}")
    return named or [v for v in tender.evaluation.vendor_ids if v not in gone]


def _unchecked(tender: Tender) -> None:
    """Say that declarations are not checked, for a tender that keeps no record yet."""
    if not tender.record.entries:
        say(
            "no tender record yet: declarations of interest are not checked (from the first "
            "`crmselect declare` or `crmselect issue` on, every recipient needs one)"
        )


def _scoring_sheets(args: argparse.Namespace) -> int:
    tender = derive(load_tender(args.path))
    evaluation = tender.evaluation
    vendors = _in_the_running(tender, args.vendor)
    _unchecked(tender)
    key = _key(args.path, create=True)
    sheets = write_scoring_sheets(
        evaluation, args.out / "scoring", key=key, record=tender.record, vendors=vendors
    )  # an evaluator's file never carries a price (demo_sheets.without_prices)
    for path in sheets:
        say(f"wrote {printable(path)}")
    for vendor in vendors:
        pack = write_script_pack(evaluation, vendor, args.out / "scripts" / f"{vendor}.md")
        say(f"wrote {printable(pack)}")
    return 0


def _reference_sheets(args: argparse.Namespace) -> int:
    """One instrument per reference call (``--call``: those only) on a vendor still in the
    running; read back by ``evaluate`` and ``check`` (``references: {instruments: …}``)."""
    tender = load_tender(args.path)
    refs = tender.evaluation.references
    every = refs.calls if refs else ()
    if args.call:  # a call on an eliminated vendor is refused, as scoring-sheets refuses it
        _in_the_running(tender, [c.vendor for c in every if c.id in args.call])
        calls = args.call
    else:
        running = set(_in_the_running(tender, None))
        calls = [c.id for c in every if c.vendor in running]
    key = _key(args.path, create=True)
    evaluation = without_prices(tender.evaluation, PRICING_SHEET)  # no price to an evaluator
    for path in write_reference_sheets(evaluation, args.out, key=key, calls=calls):
        say(f"wrote {printable(path)}")
    return 0


def _import_scores(args: argparse.Namespace) -> int:
    evaluation = _evaluation(args.path)
    imported = read_scoring_sheets(args.files, evaluation, key=_key(args.path))
    for sheet in imported.sheets:
        say(
            f"{printable(sheet.path.name)}: evaluator {printable(sheet.evaluator)}, "
            f"{sheet.scored} of {len(sheet.scores)} rows scored, {len(sheet.problems)} finding(s)"
        )
        _findings(sheet.problems)
    for problem in imported.refused:
        say(f"REFUSED {problem}")
    if args.csv is not None and imported.sheets:
        _write_answers(demo_scores_to_frame(imported.scores), args.csv, imported.refused)
    if imported.refused:
        raise InputFileError(f"{len(imported.refused)} scoring sheet(s) refused", imported.refused)
    say()
    gone = eliminated(load_tender(args.path).record)
    say(panel_report(imported.apply_to(evaluation), eliminated=list(gone)))
    _strict_check(imported.problems, args.strict)
    return 0


def _write_answers(frame: pd.DataFrame, path: Path, refused: Sequence[Problem]) -> None:
    """``--csv``: what was read, unless a file was refused — a table missing a vendor's or an
    evaluator's rows must not pass for the whole return."""
    if refused:
        say(
            f"{printable(path)} not written: {len(refused)} file(s) refused; fix them and "
            "import again"
        )
        return
    write_csv(frame, path, index=False)
    say(f"wrote {printable(path)}")


def _findings(problems: Sequence[ImportProblem]) -> None:
    """One indented line per finding (``str(finding)`` is printable already)."""
    for finding in problems:
        say(f"  [{printable(finding.severity)}] {finding}")


def _catalogs(args: argparse.Namespace) -> int:
    if args.requirements and not args.name:
        raise CrmselectError("--requirements lists one catalogue's requirements: name it")
    if args.name:
        catalog = load_catalog(args.name)
        say(requirements_report(catalog) if args.requirements else catalog_report(catalog))
        return 0
    for name in catalogs():
        say(printable(repr(load_catalog(name))))
    return 0


def _ask(question: str, default: str = "") -> str:
    """One answer typed in the terminal (``default`` when left empty)."""
    shown = f" [{default}]" if default else ""
    try:
        return input(f"{question}{shown}: ").strip() or default
    except EOFError:  # the input ended (Ctrl-D, or a closed pipe): nothing is written
        raise CrmselectError("no answer: the input ended; nothing was written") from None


def _asked_members(question: str) -> list[Member]:
    """Members typed one per line (``id=Name:Role``), until an empty line."""
    say(f"{question} — one per line as id=Name (or id=Name:Role); an empty line ends")
    members = []
    while answer := _ask("  "):
        members.append(Member.parse(answer))
    return members


def _new(args: argparse.Namespace) -> int:
    """``crmselect new DIR``: the flags, or (in a terminal, without ``--no-input``) what
    they leave out, asked for."""
    interactive = sys.stdin.isatty() and not args.no_input
    name, groups = args.name, args.group
    vendors = [Member.parse(v) for v in args.vendor]
    panel = [Member.parse(e) for e in args.evaluator]
    if interactive:
        catalog = load_catalog(args.catalog)
        name = name or _ask("Name of the tender", args.folder.name)
        if groups is None:
            say(f"Criteria groups of {catalog.name}: {', '.join(c.id for c in catalog.criteria)}")
            typed = _ask("Groups to evaluate (space-separated)", "all")
            groups = None if typed == "all" else typed.split()
        vendors = vendors or _asked_members("Vendors")
        panel = panel or _asked_members("Evaluators")
    if not name:
        raise CrmselectError("name the tender with --name (or run crmselect new in a terminal)")
    file = new_tender(
        args.folder,
        name=name,
        catalog=args.catalog,
        groups=groups,
        vendors=vendors,
        evaluators=panel,
    )
    tender = load_tender(file)
    say(f"wrote {printable(file)} and {printable(file.parent / SCHEMA_FILE)}")
    say(tender_summary(tender.evaluation))
    say(f"next: crmselect template {printable(args.folder)} --out {printable(args.folder / 'rfp')}")
    return 0


def _check(args: argparse.Namespace) -> int:
    """``crmselect check DIR``: the loader's problems (exit 2, as everywhere), then the
    published schema's (exit 1 when there are any)."""
    tender = load_tender(args.path)
    file = Path(tender.evaluation.origin)
    found = schema_problems(read_yaml(file))
    shipped = file.parent / SCHEMA_FILE
    if shipped.is_file() and not _is_current_schema(shipped):
        say(
            f"note: {printable(shipped)} is not this crmselect's schema; `crmselect new` "
            "writes the current one (crmselect/schemas/evaluation.schema.json)"
        )
    say(tender_summary(tender.evaluation))
    for problem in found:
        say(f"  [schema] {problem}")
    if found:
        say(
            f"{len(found)} schema finding(s): your editor shows them too; the loader reads the "
            "file as shown above"
        )
        return 1
    say(f"{printable(file)}: valid against the loader and the published schema")
    return 0


def _issue(args: argparse.Namespace) -> int:
    """``crmselect issue DIR --by NAME``: freeze the award basis as the RFP is sent."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    envelope = tender.envelope.as_data()
    entry = issue(tender.record, tender.evaluation, by=args.by, at=now(), envelope=envelope)
    append_entry(folder, entry)
    say(
        f"award basis frozen by {printable(args.by)} at {entry.at:%Y-%m-%d %H:%M} UTC: "
        f"fingerprint {entry.data['fingerprint']}"
    )
    say(
        f"recorded in {printable(record_path(folder))}; every later change to the criteria, "
        "weights, scales, knock-outs or price rule is a deviation to put on the record"
    )
    return 0


def _deviate(args: argparse.Namespace) -> int:
    """``crmselect deviate DIR --reason TEXT --by NAME``: put the changes on the record."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    entry = deviation(tender.record, tender.evaluation, by=args.by, at=now(), reason=args.reason)
    append_entry(folder, entry)
    say(f"recorded {len(entry.data['changes'])} change(s) from the award basis:")
    for change in entry.data["changes"]:
        say(f"  {printable(change)}")
    return 0


def _shortlist(args: argparse.Namespace) -> int:
    """``crmselect shortlist DIR --drop VENDOR --reason TEXT --by NAME`` (``--drop``
    repeatable, one reason for all)."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    record = tender.record
    for vendor in args.drop:
        entry = eliminate(
            record, tender.evaluation, vendor, by=args.by, at=now(), reason=args.reason
        )
        record = append_entry(folder, entry)
        say(f"eliminated {printable(vendor)} at {entry.data['stage']}: {printable(args.reason)}")
    rows = funnel(record, tender.evaluation.vendor_ids)
    say(text_table([list(row) for row in rows], ["vendor", "stage", "left because"]))
    return 0


def _stage(args: argparse.Namespace) -> int:
    """``crmselect stage DIR STAGE --by NAME``: move the tender on."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    append_entry(folder, advance(tender.record, Stage(args.stage), by=args.by, at=now()))
    say(f"the tender is at stage {args.stage}")
    return 0


def _declare(args: argparse.Namespace) -> int:
    """``crmselect declare DIR --member ID (--none | --conflict TEXT --measure TEXT) --by
    NAME``: put a member's declaration of interest on the record."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    conflict = None if args.none else args.conflict  # one of them: a required exclusive group
    entry = declare(
        args.member, conflict=conflict, measure=args.measure or "", by=args.by, at=now()
    )
    record = append_entry(folder, entry)
    panel = {e.id for e in tender.evaluation.evaluators}
    on = "" if args.member in panel else " (not on the evaluation panel)"
    declared = declarations(record)[args.member]
    say(f"recorded {printable(args.member)}'s declaration{on}: {printable(str(declared))}")
    return 0


def _low_bid(args: argparse.Namespace) -> int:
    """``crmselect low-bid DIR VENDOR (--ask | --explanation | --accept | --reject) TEXT --by
    NAME``: one step of the vendor's abnormally-low-bid case."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    # argparse gives exactly one step (a required group of exclusive options)
    [(step, text)] = [(s, getattr(args, s)) for s in Step if getattr(args, s) is not None]
    entry = low_bid(tender.record, tender.evaluation, args.vendor, step, text, by=args.by, at=now())
    record = append_entry(folder, entry)
    case = cases(record)[args.vendor]
    say(f"{printable(args.vendor)}'s low-bid case: {case.status}")
    if step is Step.REJECT:
        say(f"eliminated {printable(args.vendor)}: {printable(text)}")
    return 0


def _open_prices(args: argparse.Namespace) -> int:
    """``crmselect open-prices DIR --reason TEXT --by NAME``: freeze the quality scores,
    eliminate the vendors under the quality threshold, open the price envelope."""
    tender = load_tender(args.path)
    folder = Path(tender.origin).parent
    entries = open_prices(tender, by=args.by, at=now(), reason=args.reason)
    for entry in entries:
        append_entry(folder, entry)
        if entry.event is Event.ELIMINATE:
            say(f"eliminated {printable(entry.data['vendor'])}: {printable(entry.reason)}")
    frozen = entries[-1].data["quality"]
    say(text_table([[v, f"{q:.1f}"] for v, q in frozen.items()], ["vendor", "quality of 100"]))
    say(
        f"quality scores frozen and the price envelope opened by {printable(args.by)} at "
        f"{entries[-1].at:%Y-%m-%d %H:%M} UTC; the tender is at stage prices"
    )
    return 0


def _bafo_issue(args: argparse.Namespace) -> int:
    """``crmselect bafo issue DIR --out DIR [--vendor ID]… --reason TEXT --by NAME``: the
    next BAFO round's workbooks, then the round on the record."""
    tender = load_tender(args.path)
    entry = invite(tender, args.vendor or (), by=args.by, at=now(), reason=args.reason)
    key = _key(args.path, create=True)
    number = entry.data["round"]
    for vendor in entry.data["vendors"]:
        target = args.out / f"{vendor}.xlsx"
        path = write_bafo(tender.evaluation, vendor, target, key=key, round_number=number)
        say(f"wrote {printable(path)}")
    append_entry(Path(tender.origin).parent, entry)
    say(
        f"BAFO round {number} issued by {printable(args.by)}; list the returned workbooks "
        "under bafo: in evaluation.yaml (crmselect bafo import checks them first)"
    )
    return 0


def _bafo_import(args: argparse.Namespace) -> int:
    """``crmselect bafo import DIR FILES…``: check returned BAFO workbooks of the latest
    round and show each vendor's earlier and final price."""
    tender = load_tender(args.path)
    issued = rounds(tender.record)
    if not issued:
        raise CrmselectError("no BAFO round on the record: crmselect bafo issue first")
    latest = issued[-1].data
    base = tender.earlier or tender
    evaluation, read = with_final_offers(base.evaluation, args.files, key=_key(args.path))
    stray = [
        f"{r.path.name} (vendor {r.vendor}, round {r.round_number})"
        for r in read
        if r.round_number != latest["round"] or r.vendor not in latest["vendors"]
    ]
    if stray:
        raise CrmselectError(
            f"not of BAFO round {latest['round']} (to {', '.join(latest['vendors'])}): "
            + "; ".join(stray)
        )
    for returned in read:
        say(
            f"{printable(returned.path.name)}: vendor {printable(returned.vendor)}, "
            f"{len(returned.problems)} finding(s)"
        )
        _findings(returned.problems)
    file = Path(tender.origin)
    final = attrs.evolve(
        base,
        evaluation=evaluation,
        costs=read_costs(read_yaml(file), file, evaluation),
        earlier=base,
        rebid=tuple(r.vendor for r in read),
    )
    say(bafo_lines(final))
    _strict_check([p for r in read for p in r.problems], args.strict)
    return 0


def _is_current_schema(path: Path) -> bool:
    """Whether ``path`` holds this crmselect's schema of ``evaluation.yaml`` (read bounded:
    a file much larger than the schema is not it)."""
    current = schema_text("evaluation").encode("utf-8")
    try:
        return read_regular_file(path, 2 * len(current), kind="schema") == current
    except InputFileError:
        return False


def _template(args: argparse.Namespace) -> int:
    evaluation = _evaluation(args.path)
    questions = attrs.evolve(evaluation, responses=(), import_problems=())
    vendors = args.vendor or list(evaluation.vendor_ids)
    single = args.out.suffix.lower() == ".xlsx"
    if single and len(vendors) != 1:
        raise CrmselectError(
            f"--out {args.out} is one workbook: name one vendor with --vendor, or give a folder"
        )
    key = _key(args.path, create=True)
    for vendor in vendors:
        target = args.out if single else args.out / f"{vendor}.xlsx"
        written = write_template(questions, vendor, target, key=key, deadline=args.deadline)
        say(f"wrote {printable(written)}")
    return 0


def _workshop(args: argparse.Namespace) -> int:
    tender = derive(load_tender(args.path))
    evaluation = without_prices(tender.evaluation, PRICING_SHEET)  # no price to an evaluator
    members = [args.member] if args.member else [e.id for e in evaluation.evaluators]
    if not members:
        raise CrmselectError("the evaluation lists no evaluators; name one with --member")
    require_declarations(tender.record, members, "a weights workshop")
    _unchecked(tender)
    single = args.member and args.out.suffix.lower() == ".xlsx"
    key = _key(args.path, create=True)
    for member in members:
        target = args.out if single else args.out / f"{member}.xlsx"
        say(f"wrote {printable(write_workshop(evaluation, member, target, key=key))}")
    return 0


def _import(args: argparse.Namespace) -> int:
    evaluation = _evaluation(args.path)
    questions = attrs.evolve(evaluation, responses=(), import_problems=())
    key = _key(args.path)
    imported, refused = read_each(
        args.files,
        lambda file: read_response(file, questions, key=key),
        lambda returned: returned.vendor,
        second="RFP workbook from",
        desc="Importing",
    )
    for returned in imported:
        answered = sum(r.compliance is not None for r in returned.responses)
        say(
            f"{printable(returned.path.name)}: vendor {printable(returned.vendor)}, {answered} "
            f"of {len(questions.requirements)} answered, {len(returned.problems)} finding(s)"
        )
        _findings(returned.problems)
    for problem in refused:
        say(f"REFUSED {problem}")
    if args.csv is not None and imported:
        answers = responses_to_frame([r for i in imported for r in i.responses])
        _write_answers(answers, args.csv, refused)
    if refused:
        raise InputFileError(f"{len(refused)} workbook(s) refused", refused)
    _strict_check([p for i in imported for p in i.problems], args.strict)
    return 0


def _shared_options() -> dict[str, argparse.ArgumentParser]:
    """The options several commands take, each defined once (argparse parent parsers):
    ``folder`` (the tender folder), ``strict``, ``vendors`` (``--vendor``, repeatable),
    ``analysis`` (``--seed``, ``--samples``) and ``debug`` (``--debug`` after the command)."""
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument(
        "path", type=Path, metavar="PATH", help="the tender folder (or its evaluation.yaml)"
    )
    strict = argparse.ArgumentParser(add_help=False)
    strict.add_argument(
        "--strict",
        action="store_true",
        help="fail (status 2) on any error or warning in the returned files, not only on "
        "refused ones",
    )
    vendors = argparse.ArgumentParser(add_help=False)
    vendors.add_argument(
        "--vendor", action="append", metavar="ID", help="only this vendor (repeatable)"
    )
    analysis = argparse.ArgumentParser(add_help=False)
    analysis.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the robustness analysis (default {DEFAULT_SEED})",
    )
    analysis.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help=f"weight samples for SMAA (default {DEFAULT_SAMPLES:,})",
    )
    # The same flag as the main parser's: SUPPRESS keeps a command from resetting it to False.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return {
        "folder": folder,
        "strict": strict,
        "vendors": vendors,
        "analysis": analysis,
        "debug": debug,
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmselect",
        description="Score CRM vendors' RFP answers and demos; rank them with knock-outs.",
    )
    parser.add_argument("--version", action="version", version=f"crmselect {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    shared = _shared_options()
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_command(name: str, *uses: str, help: str, description: str) -> argparse.ArgumentParser:
        parents = [shared[use] for use in uses] + [shared["debug"]]
        return commands.add_parser(name, parents=parents, help=help, description=description)

    demo = add_command(
        "demo",
        "strict",
        "analysis",
        help="score the bundled example tender",
        description="Score the bundled, fictional Larkspur tender and test the winner; leaves "
        f"the comparison workbook in ./{DEMO_WORKBOOK} (or everything in --out).",
    )
    demo.add_argument(
        "--out", type=Path, metavar="DIR", help="copy the example there and write the result tables"
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace DIR/evaluation/ if it exists (it may hold your edits)",
    )
    demo.set_defaults(run=_demo)

    evaluate = add_command(
        "evaluate",
        "folder",
        "strict",
        "analysis",
        help="score an evaluation folder",
        description="Score an evaluation folder (or its YAML file).",
    )
    evaluate.add_argument(
        "--out",
        type=Path,
        metavar="DIR_OR_XLSX",
        help="an .xlsx file: the comparison workbook; a folder: the result tables as CSV and "
        "the workbook as report.xlsx",
    )
    evaluate.add_argument(
        "--weight",
        action="append",
        metavar="ID=PERCENT",
        help="WHAT-IF, never the award basis: this criterion's weight within its group "
        "(30 or 30%% or 0.3), the others rescaled in proportion (repeatable)",
    )
    evaluate.add_argument(
        "--drop-evaluator",
        action="append",
        metavar="ID",
        help="WHAT-IF: leave this evaluator's demo scores out (repeatable)",
    )
    evaluate.set_defaults(run=lambda a: _evaluate(a.path, a.out, a))

    cats = add_command(
        "catalogs",
        help="list the bundled criteria catalogues",
        description="List the bundled catalogues, or show one's tree.",
    )
    cats.add_argument("name", nargs="?", metavar="NAME", help="a catalogue name or YAML path")
    cats.add_argument(
        "--requirements", action="store_true", help="list the requirement ids and texts"
    )
    cats.set_defaults(run=_catalogs)

    new = add_command(
        "new",
        help="start a tender folder from a bundled catalogue",
        description="Write DIR/evaluation.yaml from a catalogue: the chosen criteria groups "
        "with their requirements, the vendors and the panel; ready for `crmselect template`. "
        "In a terminal, asks for what the flags leave out.",
    )
    new.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    new.add_argument("--name", help="the tender's name (default: asked, or the folder's)")
    new.add_argument("--catalog", default="crm-core", help="a bundled catalogue or a YAML path")
    new.add_argument(
        "--group",
        action="append",
        metavar="ID",
        help="a criteria group to evaluate (repeat; default: all)",
    )
    new.add_argument(
        "--vendor", action="append", default=[], metavar="ID[=NAME]", help="a vendor (repeat)"
    )
    new.add_argument(
        "--evaluator",
        action="append",
        default=[],
        metavar="ID[=NAME[:ROLE]]",
        help="a member of the evaluation panel (repeat)",
    )
    new.add_argument("--no-input", action="store_true", help="never ask; use the flags only")
    new.set_defaults(run=_new)

    check = add_command(
        "check",
        "folder",
        help="check a tender folder against the loader and the published schema",
        description="Load the folder as every command does and validate evaluation.yaml "
        "against crmselect's published JSON Schema; exit 1 on a schema finding.",
    )
    check.set_defaults(run=_check)

    def on_the_record(name: str, help: str, description: str) -> argparse.ArgumentParser:
        command = add_command(name, "folder", help=help, description=description)
        command.add_argument("--by", required=True, metavar="NAME", help="who decides it")
        return command

    issued = on_the_record(
        "issue",
        help="freeze the award basis as the RFP is sent",
        description="Record in DIR/tender-record.jsonl that the RFP is issued, with the award "
        "basis (criteria, weights or judgements, scales, knock-outs, price rule) and its "
        "fingerprint; later changes to it are deviations.",
    )
    issued.set_defaults(run=_issue)
    deviate = on_the_record(
        "deviate",
        help="put the changes from the frozen award basis on the record, with the reason",
        description="Record how the award basis now differs from the one on the record, "
        "value by value, with who decided it and why.",
    )
    deviate.add_argument("--reason", required=True, help="why the basis changed")
    deviate.set_defaults(run=_deviate)
    short = on_the_record(
        "shortlist",
        help="eliminate vendors, with the reason",
        description="Record that vendors leave the tender at this stage and why; they keep "
        "their rows in every report and take part in no later stage.",
    )
    short.add_argument("--drop", action="append", required=True, metavar="VENDOR")
    short.add_argument("--reason", required=True, help="why they leave")
    short.set_defaults(run=_shortlist)
    stage = on_the_record(
        "stage",
        help="move the tender on to a later stage",
        description="Record that the tender moves on: " + ", ".join(s.value for s in Stage),
    )
    later = [s.value for s in Stage if s.order >= Stage.RESPONSES.order and s is not Stage.PRICES]
    stage.add_argument("stage", choices=later, metavar="STAGE")
    stage.set_defaults(run=_stage)
    declared = on_the_record(
        "declare",
        help="record a member's declaration of interest and confidentiality",
        description="Record that an evaluator or committee member keeps the tender "
        "confidential and has no conflict of interest (--none), or which one and the "
        "measure taken; scoring sheets and workshops go only to members who declared.",
    )
    declared.add_argument("--member", required=True, metavar="ID", help="who declares")
    declaring = declared.add_mutually_exclusive_group(required=True)
    declaring.add_argument("--none", action="store_true", help="no conflict of interest")
    declaring.add_argument("--conflict", metavar="TEXT", help="the conflict of interest")
    declared.add_argument("--measure", metavar="TEXT", help="the measure taken for the conflict")
    declared.set_defaults(run=_declare)
    low = on_the_record(
        "low-bid",
        help="record a step of an abnormally-low-bid case (EU 2014/24 art. 69)",
        description="Ask the vendor to explain its price, record its explanation, then the "
        "committee's decision: accept, or reject with the reason (the vendor is eliminated).",
    )
    low.add_argument("vendor", metavar="VENDOR")
    steps = low.add_mutually_exclusive_group(required=True)
    steps.add_argument("--ask", metavar="TEXT", help="the request sent to the vendor")
    steps.add_argument("--explanation", metavar="TEXT", help="the vendor's explanation")
    steps.add_argument("--accept", metavar="TEXT", help="why the explanation accounts for it")
    steps.add_argument("--reject", metavar="TEXT", help="why it does not: the vendor leaves")
    low.set_defaults(run=_low_bid)
    opening = on_the_record(
        "open-prices",
        help="freeze the quality scores and open the sealed price envelope",
        description="Record that the quality scores are final and open the price envelope "
        "(price_envelope: sealed): vendors under the quality_threshold are eliminated first; "
        "refused while a demo item has no score or the award basis has unrecorded changes.",
    )
    opening.add_argument("--reason", required=True, help="why the envelope is opened now")
    opening.set_defaults(run=_open_prices)
    bafo = add_command(
        "bafo",
        help="a best-and-final-offer round: issue new Pricing sheets, check the returns",
        description="Issue the next BAFO round's Pricing workbooks to the vendors in the "
        "running (on the record), or check returned ones; list them under bafo:.",
    ).add_subparsers(dest="step", required=True, metavar="STEP")
    issuing = bafo.add_parser(
        "issue",
        parents=[shared["folder"], shared["vendors"], shared["debug"]],
        help="write the workbooks and record the round",
    )
    issuing.add_argument("--out", type=Path, required=True, metavar="DIR")
    issuing.add_argument("--reason", required=True, help="why a final offer is asked for")
    issuing.add_argument("--by", required=True, metavar="NAME", help="who decides it")
    issuing.set_defaults(run=_bafo_issue)
    returned = bafo.add_parser(
        "import",
        parents=[shared["folder"], shared["strict"], shared["debug"]],
        help="check returned BAFO workbooks; earlier and final prices",
    )
    returned.add_argument("files", type=Path, nargs="+", metavar="FILES")
    returned.set_defaults(run=_bafo_import)

    template = add_command(
        "template",
        "folder",
        "vendors",
        help="write RFP workbooks for vendors to fill in",
        description="Write the RFP response workbook for each vendor (default) or for the "
        "vendors named with --vendor.",
    )
    template.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE_OR_DIR",
        help="an .xlsx file for one vendor, or a folder",
    )
    template.add_argument(
        "--deadline",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the return date shown on the Instructions sheet",
    )
    template.set_defaults(run=_template)

    imports = add_command(
        "import",
        "folder",
        "strict",
        help="check returned RFP workbooks and read their answers",
        description="Read returned RFP workbooks as untrusted input; list every finding.",
    )
    imports.add_argument("files", type=Path, nargs="+", metavar="FILES")
    imports.add_argument(
        "--csv", type=Path, metavar="OUT", help="write the answers read as a responses CSV"
    )
    imports.set_defaults(run=_import)

    workshop = add_command(
        "workshop",
        "folder",
        help="write weights-workshop workbooks (pairwise comparisons)",
        description="Write a pairwise-comparison workbook for one member (--member) or for "
        "every evaluator; list the returned files under weighting_workbooks.",
    )
    workshop.add_argument(
        "--member",
        metavar="ID",
        help="one member, an evaluator of the panel (default: every evaluator)",
    )
    workshop.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE_OR_DIR",
        help="an .xlsx file for one member, or a folder",
    )
    workshop.set_defaults(run=_workshop)

    sheets = add_command(
        "scoring-sheets",
        "folder",
        "vendors",
        help="write demo scoring sheets for evaluators and script packs for vendors",
        description="Write one scoring sheet per evaluator (OUT/scoring/<id>.xlsx) and one "
        "script pack per vendor (OUT/scripts/<id>.md).",
    )
    sheets.add_argument("--out", type=Path, required=True, metavar="DIR")
    sheets.set_defaults(run=_scoring_sheets)

    references = add_command(
        "reference-sheets",
        "folder",
        help="write reference-call instruments, one per call (references: in the folder)",
        description="Write one instrument per reference call (OUT/<vendor>-<call>.xlsx) on a "
        "vendor still in the running; referees' names and organisations are never written.",
    )
    references.add_argument("--out", type=Path, required=True, metavar="DIR")
    references.add_argument("--call", action="append", metavar="ID", help="this call only")
    references.set_defaults(run=_reference_sheets)

    scores = add_command(
        "import-scores",
        "folder",
        "strict",
        help="check returned demo scoring sheets, show panel agreement and what to moderate",
        description="Read evaluators' returned scoring sheets as untrusted input; print every "
        "finding, the panel's agreement and the moderation list.",
    )
    scores.add_argument("files", type=Path, nargs="+", metavar="FILES")
    scores.add_argument("--csv", type=Path, metavar="OUT", help="write the scores read as CSV")
    scores.set_defaults(run=_import_scores)

    # -- the decision record as pages: award report and debriefs (crmselect.report.commands)
    def wrote(files: Sequence[Path]) -> int:
        for path in files:
            say(f"wrote {printable(path)}")
        return 0

    for name, writer, out, summary, description in (
        (
            "report",
            write_award,
            "HTML",
            "write the award report for the board (one self-contained HTML page)",
            "The decision, the award basis and its deviations, the funnel, the scores out of "
            "100, how robust the win is, winner against runner-up, value for money, the "
            "business case, the panel and the record, in one HTML file (--pdf: and beside it "
            "the A4 PDF).",
        ),
        (
            "debriefs",
            write_debriefs,
            "DIR",
            "write a debrief for each unsuccessful vendor (DIR/<vendor>.html)",
            "For each vendor but the winner: its scores against the winner's, its rank, the "
            "winner's price and why it did not win; nothing of any other vendor.",
        ),
    ):
        page = add_command(name, "folder", "analysis", help=summary, description=description)
        page.add_argument("--out", type=Path, required=True, metavar=out, help="where to write")
        page.add_argument("--pdf", action="store_true", help="also the A4 PDF (headless Chromium)")
        page.set_defaults(
            run=lambda a, write=writer: wrote(
                write(a.path, a.out, pdf=a.pdf, seed=a.seed, n_samples=a.samples)
            )
        )
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
        complain(f"crmselect: {exc}")  # problems and findings print as one line each
        return EXIT_BAD_INPUT
    except OSError as exc:
        if args.debug:
            raise
        where = printable(exc.filename) if exc.filename is not None else ""
        complain(f"crmselect: {printable(exc.strerror or exc)}: {where}".rstrip(": "))
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
