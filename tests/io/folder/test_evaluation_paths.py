"""The returned workbooks an evaluation folder names (``response_workbooks``,
``weighting_workbooks``, ``scoring_sheets``): relative or absolute paths and glob patterns,
and file names holding glob characters."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crmselect import Evaluator, InputFileError, derive, load_tender
from crmselect.io.forms.workshop import write_workshop
from tests.helpers import (
    KEY,
    MINIMAL_YAML,
    give_key,
    minimal_evaluation,
    with_panel,
    write_minimal,
)

MEMBERS = ("ann", "bob", "cy")
"""The workshop members, on the panel beside the minimal evaluation's evaluators."""


def workshop(path: Path, member: str, top: str) -> Path:
    """A member's workshop workbook for the minimal evaluation, A judged ``top`` times b."""
    path.parent.mkdir(parents=True, exist_ok=True)
    panel = minimal_evaluation(evaluators=[Evaluator(m) for m in MEMBERS])
    write_workshop(panel, member, path, key=KEY)
    workbook = openpyxl.load_workbook(path)
    workbook["Weights - Top level"]["D5"] = top
    workbook.save(path)
    return path


def folder_naming(tmp_path: Path, key: str, entries: str) -> Path:
    """The minimal tender, with the workshop members on its panel and the tests' key, naming
    ``entries`` under ``key`` (on line 26)."""
    text = with_panel(MINIMAL_YAML, MEMBERS).replace(
        "responses: responses.csv", f"{key}: {entries}\nresponses: responses.csv"
    )
    return give_key(write_minimal(tmp_path / "tender", yaml_text=text))


def members(folder: Path) -> list[str]:
    return sorted(j.member for j in derive(load_tender(folder)).evaluation.judgements)


def test_an_absolute_path_and_an_absolute_glob_are_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared drive" / "workshop"
    ann = workshop(elsewhere / "ann.xlsx", "ann", "9")
    workshop(elsewhere / "bob.xlsx", "bob", "1")
    assert members(folder_naming(tmp_path / "one", "weighting_workbooks", f"['{ann}']")) == ["ann"]
    pattern = f"['{elsewhere}/*.xlsx']"
    folder = folder_naming(tmp_path / "all", "weighting_workbooks", pattern)
    assert members(folder) == ["ann", "bob"]
    assert [c.weight for c in derive(load_tender(folder)).evaluation.criteria] == pytest.approx(
        [0.75, 0.25]
    )


def test_a_file_whose_name_holds_brackets_is_taken_as_written(tmp_path: Path) -> None:
    """As a glob pattern, 'ann [v2].xlsx' would match 'ann v.xlsx' or 'ann 2.xlsx' only."""
    folder = folder_naming(tmp_path, "weighting_workbooks", "['workshop/ann [v2].xlsx']")
    workshop(folder / "workshop" / "ann [v2].xlsx", "ann", "3")
    workshop(folder / "workshop" / "ann v.xlsx", "bob", "3")
    assert members(folder) == ["ann"]


def test_brackets_in_a_pattern_are_matched_with_an_escape(tmp_path: Path) -> None:
    folder = folder_naming(tmp_path, "weighting_workbooks", "['workshop/[[]final] *.xlsx']")
    workshop(folder / "workshop" / "[final] ann.xlsx", "ann", "3")
    workshop(folder / "workshop" / "f ann.xlsx", "bob", "3")
    assert members(folder) == ["ann"]


def test_a_file_named_by_two_entries_is_read_once(tmp_path: Path) -> None:
    folder = folder_naming(
        tmp_path, "weighting_workbooks", "[workshop/ann.xlsx, 'workshop/*.xlsx']"
    )
    workshop(folder / "workshop" / "ann.xlsx", "ann", "3")
    assert members(folder) == ["ann"]


@pytest.mark.parametrize("key", ["response_workbooks", "weighting_workbooks", "scoring_sheets"])
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("/nowhere/returned/*.xlsx", "no file matches '/nowhere/returned/*.xlsx'"),
        ("/nowhere/helix.xlsx", "file '/nowhere/helix.xlsx' not found"),
        ("returned/*.xlsx", "no file matches 'returned/*.xlsx' next to the evaluation file"),
        ("returned", "file 'returned' is a folder, not a file next to the evaluation file"),
        ("''", "expected a file name or a glob pattern"),
    ],
)
def test_an_entry_that_names_no_file_is_reported_at_its_line(
    tmp_path: Path, key: str, entry: str, message: str
) -> None:
    folder = folder_naming(tmp_path, key, f"[{entry}]")
    (folder / "returned").mkdir()
    with pytest.raises(InputFileError) as caught:
        derive(load_tender(folder))
    (problem,) = caught.value.problems
    assert problem.where == f"{folder / 'evaluation.yaml'}: {key}[0] (line 26)"
    assert message in problem.what


@pytest.mark.parametrize("pattern", ["/**/ann.xlsx", "../../../../../../../../../../../**/a.xlsx"])
def test_a_pattern_that_would_search_the_whole_disk_is_refused(
    tmp_path: Path, pattern: str
) -> None:
    folder = folder_naming(tmp_path, "weighting_workbooks", f"['{pattern}']")
    with pytest.raises(InputFileError) as caught:
        derive(load_tender(folder))
    (problem,) = caught.value.problems
    assert "weighting_workbooks[0] (line" in problem.where
    assert "would search the whole disk" in problem.what


def test_a_pattern_matching_too_many_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmselect.io.folder.returns

    monkeypatch.setattr(crmselect.io.folder.returns, "MAX_MATCHES", 2)
    folder = folder_naming(tmp_path, "weighting_workbooks", "['workshop/*.xlsx']")
    for member in ("ann", "bob", "cy"):
        workshop(folder / "workshop" / f"{member}.xlsx", member, "3")
    with pytest.raises(InputFileError, match="matches more than 2 files"):
        derive(load_tender(folder))
