"""locate: give each event the place and the date named in its own clause, else none.

"The place in its clause, else none rather than a guess": the clause is the trigger's
governing verb with its subtree, and the sentence it is in is not used as a fallback.
"""

from __future__ import annotations

from typing import Any

from claimtrack.model import Document, Span


def _clause(token: Any) -> Span:
    verb = token
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    tokens = list(verb.subtree)
    return Span(tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


class LocateStage:
    """Set Event.place and Event.date from the places and time expressions in its clause."""

    name = "locate"
    requires = frozenset({"events", "places", "timerefs"})
    produces = frozenset({"event_places"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            for event in doc.events:
                token = doc.parse.char_span(event.trigger.start, event.trigger.end,
                                            alignment_mode="expand")[0]
                clause = _clause(token)
                mentions = [(abs(m.span.start - event.trigger.start), place.geonames_id)
                            for place in doc.places for m in place.mentions if clause.contains(m.span)]
                event.place = min(mentions)[1] if mentions else None
                dates = [(abs(t.span.start - event.trigger.start), t.value) for t in doc.timerefs
                         if t.value and clause.contains(t.span)]
                event.date = min(dates)[1] if dates else None
        return docs
