"""Plain-text tables for the terminal (used by every text report)."""

from __future__ import annotations

from collections.abc import Sequence


def text_table(
    rows: Sequence[Sequence[object]], headers: Sequence[str], right: Sequence[int] = ()
) -> str:
    """Rows as an aligned text table; columns listed in ``right`` are right-aligned.

    >>> print(text_table([["a", 1], ["bb", 22]], ["x", "n"], right=[1]))
    x    n
    --  --
    a    1
    bb  22
    """
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
