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
        ("three days ago", False, "2014-08-25", "day"),
        ("a month ago", False, "2014-07", "month"),
        ("last Thursday", False, "2014-08-21", "day"),
        ("next Monday", False, "2014-09-01", "day"),
        ("in December", False, "2013-12", "month"),
        ("in December", True, "2014-12", "month"),
        ("mid-August", False, "2014-08", "month"),
        ("from August 1 to August 5", False, "2014-08-01/2014-08-05", "day"),
        ("August 1-5, 2013", False, "2013-08-01/2013-08-05", "day"),
        ("between Monday and Wednesday", False, "2014-08-25/2014-08-27", "day"),
        ("between 2010 and 2012", False, "2010/2012", "year"),
    ],
)
def test_dates_resolve(expression: str, future: bool, value: str | None, granularity: str) -> None:
    assert resolve(expression, PUBLISHED, future) == (value, granularity)


def test_dates_relative_expression_without_publication_date_is_unresolved() -> None:
    assert resolve("Thursday", None) == (None, "unknown")


@pytest.mark.parametrize("expression", ["three days ago", "last Thursday", "in December",
                                        "between Monday and Wednesday", "this week"])
def test_dates_no_publication_date_leaves_relative_expressions_unresolved(expression: str) -> None:
    assert resolve(expression, None) == (None, "unknown")


def test_dates_two_days_after_dates_the_clause_it_introduces(pipeline: object) -> None:
    import claimtrack

    raw = claimtrack.RawDocument(
        "t", "The shelling began two days after the ministers held talks in Minsk.",
        format="clean", published=PUBLISHED)
    doc = claimtrack.process_many([raw], pipeline)[0]
    [talks] = [e for e in doc.events if e.trigger_text == "talks"]
    assert talks.date == "2014-08-26"
    [ref] = [t for t in doc.timerefs if t.text == "two days after"]
    assert (ref.value, ref.granularity, ref.anchor) == ("2014-08-26", "day", "2014-08-28")
