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

from crmselect.text import printable


@attrs.frozen
class Problem:
    """One thing wrong with the input: ``where`` it is and ``what`` is wrong.

    ``str()`` is one line, safe to print: both parts are :func:`~crmselect.text.printable`
    (a file or sheet name holding a line feed cannot start a line of its own); the fields
    keep the text as it is.
    """

    where: str
    what: str

    def __str__(self) -> str:
        what = printable(self.what)
        return f"{printable(self.where)}: {what}" if self.where else what


class CrmselectError(Exception):
    """Root of every error crmselect raises on purpose."""


class _ProblemsError(CrmselectError):
    """An error that lists all problems found, so a user fixes them in one pass."""

    def __init__(self, headline: str, problems: Iterable[Problem] = ()) -> None:
        self.headline = headline
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        """The headline and one line per problem, every part
        :func:`~crmselect.text.printable`."""
        headline = printable(self.headline)
        if not self.problems:
            return headline
        lines = [f"{headline} ({len(self.problems)} problem(s)):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ValidationError(_ProblemsError):
    """The evaluation, catalogue or scale is inconsistent; ``problems`` lists every issue."""


class InputFileError(_ProblemsError):
    """A file could not be read or parsed; ``problems`` names the file and the place in it."""


VALUE_LIMIT = 240
"""Characters an :attr:`ImportProblem.value` keeps (after escaping); longer values end in
"…". The full value stays in the file it came from."""
SHOWN_IN_LINE = 80
"""Characters of the value that ``str(ImportProblem)`` quotes (one line of a report)."""
escape_controls = printable
"""The name :func:`~crmselect.text.printable` had here: every character that does not print
written as an escape (``"Yes\\xa0\\n"``), so that a hostile value cannot break a report
line, reorder it (bidi overrides) or hide in it."""


def shorten_value(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_value(value: object) -> str:
    return shorten_value(escape_controls(str(value)), VALUE_LIMIT)


@attrs.frozen
class ImportProblem:
    """One finding from importing a returned workbook, located to the cell.

    ``severity``: ``"error"`` — the value cannot be used and is excluded (it stays in this
    report); ``"warning"`` — used, but someone should check it; ``"info"`` — noted.

    ``value`` is what was typed in the cell (empty when the finding is about no one cell's
    content), made safe to print: control characters escaped (:func:`~crmselect.text.printable`),
    at most :data:`VALUE_LIMIT` characters. ``str()`` quotes it, shortened to
    :data:`SHOWN_IN_LINE` characters::

        file!sheet!cell: what (typed: 'value') — action
    """

    file: str
    sheet: str
    cell: str
    severity: str
    what: str
    action: str
    requirement: str = ""
    value: str = attrs.field(default="", converter=_safe_value)

    @property
    def place(self) -> str:
        """``file!sheet!cell`` (the parts that are known)."""
        return "!".join(p for p in (self.file, self.sheet, self.cell) if p)

    @property
    def quoted_value(self) -> str:
        """The value in quotes, at most :data:`SHOWN_IN_LINE` characters (``""`` if none)."""
        return f"'{shorten_value(self.value, SHOWN_IN_LINE)}'" if self.value else ""

    def as_problem(self) -> Problem:
        """The finding as a :class:`Problem` at :attr:`place` (for an error listing it)."""
        typed = f" (typed: {self.quoted_value})" if self.value else ""
        return Problem(self.place, f"{self.what}{typed} — {self.action}")

    def __str__(self) -> str:
        return str(self.as_problem())
