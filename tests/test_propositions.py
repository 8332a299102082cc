"""Commitment and polarity of claims, and the status of the events they report.

The table (tests/data/commitment_cases.tsv) was written by hand, by someone who did not read the
rules: denials by a cue, negated counter-assertions, negative sentences that deny nothing,
hedges, refusals to comment, questions and plain assertions. A negative sentence is not a
denial: "We would not sit on our hands" asserts something negative.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from claimtrack.model import Claim, Document

TABLE = Path(__file__).parent / "data" / "commitment_cases.tsv"
with TABLE.open(encoding="utf-8", newline="") as _handle:
    ROWS = list(csv.DictReader(_handle, delimiter="\t"))

#: Rows the rules get wrong today, each with the reason (strict: fixing one fails the test).
KNOWN = {
    "The mayor rebuffed allegations that he had accepted bribes from developers.":
        "'rebuffed allegations that' is not a cue; only the narration claim is found",
    "The police chief dismissed as nonsense reports that officers had fired rubber bullets.":
        "'dismissed as nonsense reports that': the parse gives 'dismissed' no content clause",
    "'We did not use tear gas,' the police spokesman retorted.":
        "'retorted' after a single-quoted quotation: the quote is not attributed to it",
    "Contrary to reports, the factory has not closed, the owner said.":
        "the fronted 'Contrary to reports' leaves the parse without a negated clause",
    "The minister believes the rebels are preparing an offensive.":
        "'believes' with a present-tense clause yields no claim; the outlet's narration asserts",
    "Were the protesters warned before police moved in, the opposition leader asked.":
        "the parser does not invert 'Were the protesters warned' as a question",
}


def claim_under_test(doc: Document, cue: str) -> Claim | None:
    """The claim whose cue is ``cue``; the outlet's narration when the row has no cue (or the
    cue is a hedge word inside the narration, such as 'reportedly')."""
    if cue:
        cued = [c for c in doc.claims if c.cue and cue.lower() in c.cue.lower()]
        if cued:
            return cued[-1]
    narrated = [c for c in doc.claims if c.kind == "narration"]
    return narrated[-1] if narrated else None


@pytest.mark.slow
@pytest.mark.parametrize("row", [
    pytest.param(r, id=r["text"][:60], marks=[pytest.mark.xfail(strict=True, reason=KNOWN[r["text"]])]
                 if r["text"] in KNOWN else []) for r in ROWS])
def test_propositions_commitment_and_polarity(pipeline: Any, row: dict[str, str]) -> None:
    from claimtrack.api import process_many
    from claimtrack.model import RawDocument

    [doc] = process_many([RawDocument("row", row["text"], format="clean")],  # type: ignore[arg-type]
                         pipeline)
    claim = claim_under_test(doc, row["cue"])
    assert claim is not None, [(c.cue, c.content_text) for c in doc.claims]
    assert (claim.stance, claim.polarity) == (row["commitment"], row["polarity"]), row["note"]


def test_propositions_table_is_large_enough() -> None:
    counts: dict[str, int] = {}
    for row in ROWS:
        counts[row["commitment"]] = counts.get(row["commitment"], 0) + 1
    assert len(ROWS) >= 60 and counts["deny"] >= 20 and counts["assert"] >= 20
    assert len(KNOWN) <= 0.1 * len(ROWS)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "event_type", "status"), [
    ("Russia denies arming the rebels.", "AID", "denied"),
    ("The rebel command denied attacking the post.", "ASSAULT", "denied"),
    ("The army said rebels shelled the post.", "ASSAULT", "asserted"),
    ("The army said rebels had probably shelled the post.", "ASSAULT", "hedged"),
    ("The army said rebels did not shell the post.", "ASSAULT", "negated"),
    ("Officials said rebels could attack the town.", "ASSAULT", "hypothetical"),
])
def test_propositions_event_status_from_reporting_claim(pipeline: Any, text: str,
                                                          event_type: str, status: str) -> None:
    from claimtrack.api import process_many
    from claimtrack.model import RawDocument

    [doc] = process_many([RawDocument("t", text, format="clean")], pipeline)  # type: ignore[arg-type]
    statuses = {e.status for e in doc.events if e.type == event_type}
    assert statuses == {status}, [(e.type, e.status, e.trigger_text) for e in doc.events]
    event = next(e for e in doc.events if e.type == event_type)
    assert event.reported_by and event.reported_by != "the outlet" or status == "asserted"
