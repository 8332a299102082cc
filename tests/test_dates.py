"""Time expressions resolved against the publication date (Thursday 2014-08-28)."""

from __future__ import annotations

from datetime import date

import pytest

from claimtrack.stages.dates import resolve

PUBLISHED = date(2014, 8, 28)


@pytest.mark.parametrize(
    ("expression", "future", "value", "granularity"),
    [
        ("Thursday", False, "2014-08-28", "day"),
        ("on Monday", False, "2014-08-25", "day"),
        ("Friday", False, "2014-08-22", "day"),
        ("Friday", True, "2014-08-29", "day"),
        ("yesterday", False, "2014-08-27", "day"),
        ("this week", False, "2014-W35", "week"),
        ("last week", False, "2014-W34", "week"),
        ("next month", False, "2014-09", "month"),
        ("August 24", False, "2014-08-24", "day"),
        ("Aug. 24, 2013", False, "2013-08-24", "day"),
        ("24 August 2013", False, "2013-08-24", "day"),
        ("2014-07-17", False, "2014-07-17", "day"),
        ("July 2014", False, "2014-07", "month"),
        ("2012", False, "2012", "year"),
        ("the five-month crisis", False, None, "unknown"),
    ],
)
def test_dates_resolve(expression: str, future: bool, value: str | None, granularity: str) -> None:
    assert resolve(expression, PUBLISHED, future) == (value, granularity)


def test_dates_relative_expression_without_publication_date_is_unresolved() -> None:
    assert resolve("Thursday", None) == (None, "unknown")
