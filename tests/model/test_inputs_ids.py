"""An id is a short word, wholly: a final line feed is refused too, so that no id prints a
line of its own (crmselect/model/_problems.py id_problem; issue 16 item 6)."""

from __future__ import annotations

import pytest

from crmselect import Criterion, Evaluator, ValidationError, Vendor


@pytest.mark.parametrize("bad", ["quillpoint\n", "quillpoint\nWinner", "a b", "\nx", "x\r"])
def test_an_id_with_a_line_break_or_a_space_is_refused(bad: str) -> None:
    for make in (lambda: Vendor(bad, "Name"), lambda: Evaluator(bad), lambda: Criterion(bad)):
        with pytest.raises(ValidationError, match="must be a short word"):
            make()


def test_a_plain_id_is_accepted() -> None:
    assert Vendor("quill-point.2_x", "Name").id == "quill-point.2_x"
