"""Charts are drawn once for the same data: a page and its results block read at the same
state share them, and only new data reaches the helper process."""

from __future__ import annotations

import pytest

from saylau.web import drawing


def bars(values: list[float]) -> drawing.Job:
    """The night's progress chart, which the helper process still draws."""
    reported = [round(v) for v in values]
    return ("progress", (["20:00", "21:00"], reported, 100, "Reported", "kk"), {})


def test_the_same_chart_is_not_drawn_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    first = drawing.draw({"shares": bars([60.0, 40.0])})
    assert first["shares"].lstrip().startswith("<svg")

    def no_helper() -> None:
        raise AssertionError("the helper was asked again for a chart it drew")

    monkeypatch.setattr(drawing, "_executor", no_helper)
    assert drawing.draw({"again": bars([60.0, 40.0])}) == {"again": first["shares"]}
    with pytest.raises(AssertionError, match="asked again"):
        drawing.draw({"moved": bars([55.0, 45.0])})  # new numbers: a new drawing
