"""propositions: what each claim claims, apart from how its source stands toward it.

Runs after events (and places and dates, when present). For each document it

1. turns negated statements that answer another source in the same article into denials
   ("NATO said Russian troops crossed the border. Moscow said there were no Russian troops in
   Ukraine.": Moscow's claim rejects a proposition NATO holds, so it is a ``deny``; alone, the
   same sentence is an assertion with negative polarity);
2. gives every claim its ``proposition``: the event frame(s) it reports ("ASSAULT UKR-REB>UKR")
   and its content words, lemmatised, without negation, hedges, auxiliaries or function words,
   so claims that differ in commitment and polarity but not in content read the same;
3. gives every event the ``status`` of the claim that reports it (and of the claims that one is
   nested in) and its ``reported_by`` source: an event inside a denial is ``denied``, never a fact.
"""

from __future__ import annotations

from typing import Any

from claimtrack import lexicons
from claimtrack.model import Claim, Document, Event

#: Parts of speech whose lemmas carry what a proposition is about.
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
#: Lemmas that say how something is said, not what: left out of the proposition.
NON_PROPOSITIONAL = frozenset({"be", "have", "do", "say", "tell", "report", "claim", "also",
                               "not", "never", "no", "would", "will", "can", "could", "may",
                               "might", "must", "should", "there", "allegedly", "reportedly"})
#: How many content words a negated statement must share with another source's positive one
#: to be read as answering it (chosen on tests/data/commitment_cases.tsv and the seed).
SHARED_WORDS_FOR_REPLY = 2


class PropositionsStage:
    """Counter-assertions, claim propositions, and event statuses (see the module docstring)."""

    name = "propositions"
    requires = frozenset({"parse", "claims", "events"})
    produces = frozenset({"propositions"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            annotate(doc)
        return docs


def annotate(doc: Document) -> None:
    """Everything this stage does to one parsed document."""
    words = {claim.id: proposition_words(doc.parse, claim) for claim in doc.claims}
    counter_assertions(doc, words)
    frames = event_frames(doc)
    for claim in doc.claims:
        claim.proposition = " ".join(
            [*frames.get(claim.id, []), "|", *sorted(set(words[claim.id]))]).strip(" |")
    for event in doc.events:
        event.status = event_status(doc, event)
        reporter = doc.claim(event.claim)
        event.reported_by = doc.source_name(reporter) if reporter else ""


def proposition_words(parse: Any, claim: Claim) -> list[str]:
    """Lower-cased lemmas of the content words of a claim, in text order."""
    span = parse.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return []
    hedges = lexicons.words("hedges.txt")
    out = []
    for token in span:
        lemma = token.lemma_.lower()
        if (token.pos_ in CONTENT_POS and token.dep_ not in {"aux", "auxpass", "neg"}
                and lemma not in NON_PROPOSITIONAL and lemma not in hedges
                and any(ch.isalnum() for ch in lemma)):
            out.append(lemma)
    return out


def counter_assertions(doc: Document, words: dict[str, list[str]]) -> None:
    """A sourced negated assertion that shares its content with a positive claim of another
    source in the article rejects what that source holds: its commitment becomes ``deny``."""
    outlet_ids = {e.id for e in doc.entities if e.type == "OUTLET"}
    for claim in doc.claims:
        if claim.stance != "assert" or claim.polarity != "negative":
            continue
        if claim.source_entity in outlet_ids or claim.kind == "narration":
            continue  # the outlet's own negative statements deny nobody's claim
        mine = set(words[claim.id])
        for other in doc.claims:
            if (other is claim or other.polarity != "positive"
                    or other.stance not in {"assert", "hedge"}
                    or other.source_entity == claim.source_entity
                    or other.parent == claim.id or claim.parent == other.id):
                continue
            if len(mine & set(words[other.id])) >= SHARED_WORDS_FOR_REPLY:
                claim.stance = "deny"
                break


def _party(actors: list[Any]) -> str:
    codes = sorted({"-".join(p for p in (a.country, a.sector) if p) or "?" for a in actors})
    return ",".join(codes) if codes else "?"


def event_frames(doc: Document) -> dict[str, list[str]]:
    """Claim id -> the frames of the events it reports: "TYPE actor>target"."""
    out: dict[str, list[str]] = {}
    for event in doc.events:
        if event.claim is None:
            continue
        frame = f"{event.type}:{_party(event.actors)}>{_party(event.targets)}"
        out.setdefault(event.claim, [])
        if frame not in out[event.claim]:
            out[event.claim].append(frame)
    return out


def _claim_chain(doc: Document, claim: Claim | None) -> list[Claim]:
    """A claim and the claims it is nested in, innermost first."""
    chain: list[Claim] = []
    while claim is not None and claim not in chain:
        chain.append(claim)
        claim = doc.claim(claim.parent)
    return chain


def event_status(doc: Document, event: Event) -> str:
    """asserted, denied, hedged, hypothetical or negated: how the article holds the event.

    The claims counted are those whose content holds the trigger: the reporting claim and the
    claims it is nested in. When the trigger is the reporting claim's cue ("Ukraine accused
    Russia"), the speech act itself is what is reported, so that claim does not count.
    """
    claim = doc.claim(event.claim)
    if claim is not None and not claim.content.contains(event.trigger):
        claim = doc.claim(claim.parent)
    chain = _claim_chain(doc, claim)
    if any(c.stance == "deny" for c in chain):
        return "denied"
    if event.negated:
        return "negated"
    if event.hypothetical:
        return "hypothetical"
    if any(c.stance in {"hedge", "question", "no_comment"} for c in chain):
        return "hedged"
    return "asserted"
