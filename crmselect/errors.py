"""The exception hierarchy: everything crmselect raises on purpose is a :class:`CrmselectError`.

``CrmselectError``
    ``ValidationError`` — the content is wrong (unknown ids, negative weights, scores off
    the scale …). Carries every :class:`Problem` found, not just the first.

    ``InputFileError`` — a file cannot be read or parsed (missing, not YAML, wrong columns).
    Also carries its problems, each naming the file and where in it.

A :class:`Problem` says *where* (``"evaluation.yaml: vendors[2].id (line 31)"``,
``"responses.csv: row 17, column compliance"``) and *what* — phrased so that the reader
knows what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


@attrs.frozen
class Problem:
    """One thing wrong with the input: ``where`` it is and ``what`` is wrong."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


class CrmselectError(Exception):
    """Root of every error crmselect raises on purpose."""


class _ProblemsError(CrmselectError):
    """An error that lists all problems found, so a user fixes them in one pass."""

    def __init__(self, headline: str, problems: Iterable[Problem] = ()) -> None:
        self.headline = headline
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        if not self.problems:
            return self.headline
        lines = [f"{self.headline} ({len(self.problems)} problem(s)):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ValidationError(_ProblemsError):
    """The evaluation, catalogue or scale is inconsistent; ``problems`` lists every issue."""


class InputFileError(_ProblemsError):
    """A file could not be read or parsed; ``problems`` names the file and the place in it."""


@attrs.frozen
class ImportProblem:
    """One finding from importing a returned workbook, located to the cell.

    ``severity``: ``"error"`` — the value cannot be used and is excluded (it stays in this
    report); ``"warning"`` — used, but someone should check it; ``"info"`` — noted.
    """

    file: str
    sheet: str
    cell: str
    severity: str
    what: str
    action: str
    requirement: str = ""
    value: str = ""

    def __str__(self) -> str:
        place = "!".join(p for p in (self.file, self.sheet, self.cell) if p)
        return f"{place}: {self.what} — {self.action}"
