"""events: a first PLOVER coder (ACCUSE, ASSAULT, COERCE, REQUEST, CONSULT, AGREE).

Triggers come from ``lexicons/plover_triggers.tsv`` (lemma, part of speech, type, mode);
actor and target from the trigger's arguments in the dependency parse (subject and object of
a verb; possessor, "by" and "of" phrases of a nominal: "the capture by Ukraine of 11 Russian
soldiers"), each coded with country and sector. Every event is tied to the claim that reports
it: the innermost claim whose content contains the trigger, else the claim the trigger is the
cue of ("Ukraine accused Russia"). "Fell under the control of X" is coded COERCE (seize).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack import lexicons
from claimtrack.model import Claim, Document, Event, EventActor, Span
from claimtrack.stages.actor_codes import code_country, code_sector
from claimtrack.stages.actors import TOKEN_ENTITY

MODALS_HYPOTHETICAL = {"would", "could", "might", "may", "should"}
FUTURE = {"will", "shall"}
MILITARY_NOUNS = {"troop", "troops", "soldier", "force", "forces", "warship", "tank", "jet",
                  "army", "unit", "battalion", "brigade", "marine", "police"}
CANCEL_VERBS = {"cancel", "postpone", "call", "scrap", "abandon", "suspend", "delay"}


@cache
def triggers() -> dict[tuple[str, str], tuple[str, str | None]]:
    """(lemma, POS) -> (PLOVER type, mode or None)."""
    out = {}
    for line in lexicons.entries("plover_triggers.tsv"):
        lemma, pos, etype, mode = line.split("\t")
        out[(lemma, pos)] = (etype, None if mode == "-" else mode)
    return out


class EventsStage:
    """Code PLOVER events in each document and tie them to their reporting claims."""

    name = "events"
    requires = frozenset({"parse", "entities", "claims"})
    produces = frozenset({"events"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            doc.events = []
            for token in doc.parse:
                coded = _code(token)
                if coded is None:
                    continue
                etype, mode, actors, targets = coded
                if not actors and not targets:
                    continue
                trigger = Span(token.idx, token.idx + len(token))
                doc.events.append(Event(
                    id=f"V{len(doc.events) + 1}", type=etype, mode=mode, trigger=trigger,
                    trigger_text=token.text, claim=_reporting_claim(doc.claims, trigger),
                    actors=[_actor(doc, a) for a in actors],
                    targets=[_actor(doc, t) for t in targets],
                    negated=_negated(token) or _cancelled(token), hypothetical=_hypothetical(token),
                    context=["future"] if _future(token) else [],
                ))
        return docs


def _code(token: Any) -> tuple[str, str | None, list[Any], list[Any]] | None:
    pos = "VERB" if token.pos_ in {"VERB", "AUX"} else token.pos_
    lemma = token.lemma_.lower()
    if lemma == "control" and pos == "NOUN":
        return _control(token)
    if pos == "NOUN" and token.lower_ == "talks":
        lemma = "talk"
    found = triggers().get((lemma, pos))
    if found is None:
        return None
    etype, mode = found
    if lemma == "call" and not _prep_objects(token, {"on", "for", "upon"}) and not any(
            c.dep_ == "prt" and c.lower_ in {"on", "for"} for c in token.children):
        return None  # "called it a disgrace" is no request; "called on X to" is
    if lemma == "send" and any(c.dep_ == "dobj" and c.lemma_.lower() in MILITARY_NOUNS
                               for c in token.children):
        etype, mode = "MOBILIZE", None  # "sent troops": a military move, not aid
    children = list(token.children)
    if pos == "VERB":
        actors = [c for c in children if c.dep_ in {"nsubj"}]
        agent = next((c for c in children if c.dep_ == "agent"), None)
        if agent is not None:
            actors += [c for c in agent.children if c.dep_ == "pobj"]
        passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in children)
        if (not actors and not passive and token.dep_ in {"conj", "xcomp", "advcl"}
                and token.head.lemma_ != "be"):  # "were wounded": the wounded are no actor
            actors = [c for c in token.head.children if c.dep_ == "nsubj"]
        targets = [c for c in children if c.dep_ in {"dobj", "nsubjpass"}]
        targets += _prep_objects(token, {"to", "on", "with", "against", "into"})
        targets = [t for t in targets if t.ent_type_ not in {"DATE", "TIME"}]
        return etype, mode, actors, _conjoined(targets)
    actors = [c for c in children if c.dep_ == "poss"] + _prep_objects(token, {"by"})
    of_objects = _prep_objects(token, {"of"})
    for when in (c for c in children if c.dep_ == "npadvmod"):  # "the capture this week of X"
        of_objects += _prep_objects(when, {"of"})
    if etype in {"ASSAULT"} and not actors:
        actors, of_objects = of_objects, []
    targets = of_objects + _prep_objects(token, {"on", "against", "with", "to"})
    return etype, mode, actors, _conjoined(targets)


def _control(token: Any) -> tuple[str, str | None, list[Any], list[Any]] | None:
    """'X fell under the control of Y' / 'Y took control of X' -> Y COERCE(seize) X."""
    head = token.head.head if token.head.dep_ == "prep" else token.head
    if head.lemma_ == "fall":
        actors = _prep_objects(token, {"of"})
        targets = [c for c in head.children if c.dep_ == "nsubj"]
    elif head.lemma_ in {"take", "gain", "seize", "assume"}:
        actors = [c for c in head.children if c.dep_ == "nsubj"]
        targets = _prep_objects(token, {"of", "over"})
    else:
        return None
    return "COERCE", "seize", _conjoined(actors), _conjoined(targets)


def _prep_objects(token: Any, preps: set[str]) -> list[Any]:
    return [o for p in token.children if p.dep_ in {"prep", "agent"} and p.lower_ in preps
            for o in p.children if o.dep_ == "pobj"]


def _conjoined(tokens: list[Any]) -> list[Any]:
    """'the United States, European Union and G7 countries' -> three arguments."""
    out = []
    for token in tokens:
        out.append(token)
        out.extend(c for c in token.subtree if c.dep_ == "conj" and c.head.i in {t.i for t in out})
    return out


def _actor(doc: Document, head: Any) -> EventActor:
    """An argument's phrase, its entity (if clustered) and its country and sector codes."""
    dropped = {i for c in head.children if c.dep_ in {"conj", "cc", "relcl", "appos", "punct"}
               for i in (t.i for t in c.subtree)}
    tokens = [t for t in head.subtree if t.i not in dropped]
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    phrase = doc.parse[start:end].text
    entity_id = doc.parse.user_data.get(TOKEN_ENTITY, {}).get(head.i)
    entity = doc.entity(entity_id)
    country = (entity.country if entity else None) or code_country(phrase)
    sector = (entity.sector if entity else None) or code_sector(phrase)
    if sector is None and head.ent_type_ == "GPE":
        sector = "GOV"
    return EventActor(text=phrase, entity=entity_id, country=country, sector=sector)


def _reporting_claim(claims: list[Claim], trigger: Span) -> str | None:
    containing = [c for c in claims if c.content.contains(trigger)]
    if containing:
        return min(containing, key=lambda c: c.content.end - c.content.start).id
    cue = next((c for c in claims if c.cue_span and c.cue_span.overlaps(trigger)), None)
    return cue.id if cue else None


def _negated(token: Any) -> bool:
    chain = [token, token.head] if token.dep_ in {"xcomp", "dobj", "pobj"} else [token]
    return any(c.dep_ == "neg" for t in chain for c in t.children)


def _cancelled(token: Any) -> bool:
    """'cancel a visit', 'postponed the talks': the event is reported as not happening."""
    return token.dep_ in {"dobj", "nsubjpass"} and token.head.lemma_ in CANCEL_VERBS


def _hypothetical(token: Any) -> bool:
    verb = token if token.pos_ in {"VERB", "AUX"} else token.head
    if any(c.lower_ in MODALS_HYPOTHETICAL and c.dep_ == "aux" for c in verb.children):
        return True
    return any(c.dep_ == "mark" and c.lower_ == "if" for t in [verb, *verb.ancestors]
               for c in t.children)


def _future(token: Any) -> bool:
    verb = token if token.pos_ in {"VERB", "AUX"} else token.head
    return any(c.lower_ in FUTURE and c.dep_ == "aux" for c in verb.children)
