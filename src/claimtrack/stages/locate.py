"""locate: give each event the place and the date named in its own clause, else none.

"The place in its clause, else none rather than a guess": the clause is the trigger's
governing verb with its subtree, and the sentence it is in is not used as a fallback. Within
the clause a place named in the event's targets comes first ("took the town of Novoazovsk"),
a town before the country it is in, then the place nearest the trigger. An
event under the "after" of "two days after" takes that relational date instead.
"""

from __future__ import annotations

from typing import Any

from claimtrack.model import Document, Event, Span
from claimtrack.stages.dates import is_relational


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
                event.place = _place(doc, event, clause)
                event.date = _relational_date(doc, token) or _clause_date(doc, event, clause)
        return docs


def _clause_date(doc: Document, event: Event, clause: Span) -> str | None:
    dates = [(abs(t.span.start - event.trigger.start), t.value) for t in doc.timerefs
             if t.value and clause.contains(t.span) and not is_relational(t)]
    return min(dates)[1] if dates else None


def _relational_date(doc: Document, token: Any) -> str | None:
    """The date of a 'two days after' whose 'after' governs the event's trigger."""
    for ref in doc.timerefs:
        if ref.value and is_relational(ref):
            word = doc.parse.char_span(ref.span.end - len(ref.text.rsplit(None, 1)[-1]),
                                       ref.span.end, alignment_mode="expand")
            if word is None:
                continue
            after = word[0]
            above = {a.i for a in token.ancestors} | {token.i}
            if after.i in above or (after.dep_ == "mark" and after.head.i in above):
                return ref.value  # "after the presidents held talks": 'after' marks the clause
    return None


def _place(doc: Document, event: Event, clause: Span) -> int | None:
    target_text = " ".join(t.text for t in event.targets)
    ranked = []
    for place in doc.places:
        for mention in place.mentions:
            if clause.contains(mention.span):
                named = doc.text[mention.span.start:mention.span.end]
                in_target = bool(named) and named in target_text
                broad = place.feature_class == "A"  # a country or region, not a town
                ranked.append((not in_target, in_target and broad,
                               abs(mention.span.start - event.trigger.start), place.geonames_id))
    return min(ranked)[3] if ranked else None
