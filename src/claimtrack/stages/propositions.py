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
                               "might", "must", "should", "there", "allegedly", "reportedly",
                               "mr", "mrs", "ms", "dr", "lord", "sir"})
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
    marked = {claim.id: proposition_words(doc.parse, claim) for claim in doc.claims}
    words = {key: [w.lstrip("~") for w in found] for key, found in marked.items()}
    counter_assertions(doc, words)
    frames = event_frames(doc)
    for claim in doc.claims:
        claim.proposition = " ".join(
            [*frames.get(claim.id, []), "|", *sorted(set(marked[claim.id]))]).strip(" |")
    for event in doc.events:
        event.status = event_status(doc, event)
        reporter = doc.claim(event.claim)
        event.reported_by = doc.source_name(reporter) if reporter else ""


def proposition_words(parse: Any, claim: Claim) -> list[str]:
    """Lower-cased lemmas of the content words of a claim, in text order. A name of several
    words is one word ("Kilroy-Silk", "Kafr Nabl" -> "kilroy-silk", "kafr-nabl": two words
    shared by one name are one thing shared); verbs are marked with a leading "~" (what
    happened, as opposed to who and where)."""
    span = parse.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return []
    hedges = lexicons.words("hedges.txt")
    out: list[str] = []
    previous_name = False
    for token in span:
        lemma = token.lemma_.lower()
        if token.pos_ == "PUNCT" and token.text == "-" and previous_name:
            continue  # "Kilroy-Silk": the hyphen inside a name
        if not (token.pos_ in CONTENT_POS and token.dep_ not in {"aux", "auxpass", "neg"}
                and lemma not in NON_PROPOSITIONAL and lemma not in hedges
                and any(ch.isalnum() for ch in lemma)):
            previous_name = False
            continue
        if token.pos_ == "PROPN" and previous_name and out:
            out[-1] = f"{out[-1]}-{lemma}"
            continue
        previous_name = token.pos_ == "PROPN"
        # what happened: a verb, or what a statement says is not there ("no troops")
        denied_thing = token.pos_ == "NOUN" and any(
            c.dep_ == "det" and c.lower_ == "no" for c in token.children)
        out.append(f"~{lemma}" if token.pos_ == "VERB" or denied_thing else lemma)
    return out


def counter_assertions(doc: Document, words: dict[str, list[str]]) -> None:
    """A sourced statement that something is not there or did not happen, answering another
    source's positive claim about the same thing in the article, rejects what that source
    holds: its commitment becomes ``deny`` ("NATO said Russian troops are in Ukraine ... there
    are no regular Russian troops there, the source said").

    Kept narrow on purpose. A reading of 300 BBC articles (bench/results/
    propositions_read_check.md) found that any negated statement sharing two words with
    another source's claim is right as a denial only 14% of the time: forecasts ("won't
    dominate"), pledges, "should not" and contrastive "not" are negative assertions. So the
    negation must deny existence or occurrence ("there are no troops", "no civilians were
    killed", "did not shell"): a negated main verb in the past or present, not modal, not
    future, whose predicate (the verb lemma, or the noun that "no" quantifies) appears in the
    other claim, with two content words shared."""
    outlet_ids = {e.id for e in doc.entities if e.type == "OUTLET"}
    for claim in doc.claims:
        if claim.stance != "assert" or claim.polarity != "negative":
            continue
        if claim.source_entity in outlet_ids or claim.kind == "narration":
            continue  # the outlet's own negative statements deny nobody's claim
        denied = _denied_predicates(doc.parse, claim)
        if not denied:
            continue
        mine = set(words[claim.id])
        for other in doc.claims:
            if (other is claim or other.polarity != "positive"
                    or other.stance not in {"assert", "hedge"}
                    or other.source_entity == claim.source_entity
                    or other.parent == claim.id or claim.parent == other.id):
                continue
            theirs = set(words[other.id])
            if len(mine & theirs) >= SHARED_WORDS_FOR_REPLY and denied & theirs:
                claim.stance = "deny"
                break


def _denied_predicates(parse: Any, claim: Claim) -> set[str]:
    """Lemmas that a claim says are not there or did not happen: the noun quantified by "no"
    in "there are no troops" / "no civilians were killed", or a negated past or present verb
    without a modal ("did not shell", "has not closed"). Empty for forecasts, pledges, duties
    and other negative statements."""
    span = parse.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return set()
    out: set[str] = set()
    for token in span:
        if token.lower_ == "no" and token.dep_ == "det" and token.head.pos_ in {"NOUN", "PROPN"}:
            out.add(token.head.lemma_.lower())
        if token.dep_ == "neg" and token.head.pos_ in {"VERB", "AUX"}:
            verb = token.head
            auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
            if any(a.tag_ == "MD" for a in auxes):
                continue  # "will not", "should not", "cannot": not a statement of fact
            if verb.lemma_ in {"be", "have"} and not any(
                    c.dep_ in {"attr", "acomp"} for c in verb.children):
                continue
            out.add(verb.lemma_.lower())
    return out


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
