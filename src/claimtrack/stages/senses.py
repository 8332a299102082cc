"""Sense before type: whether a trigger word has the arguments of its event reading.

Most trigger words are events only in some senses. "Attack a policy", "share the blogs",
"shot basketball hoops", "sent an e-mail", "the release of Firefox", "It is called
podcasting", "asked if he would stand again": the lemma is a PLOVER trigger, the sentence
holds no political interaction. Each check below reads the trigger's own arguments (its
object, particle, prepositions, complements and subject) from the dependency parse; none
looks at the topic of the article (that is :func:`agents.ordinary_news`).
"""

from __future__ import annotations

from typing import Any

from claimtrack.stages.actor_codes import code_sector
from claimtrack.stages.event_frames import particle, prep_objects, subjects


def phrase_text(head: Any) -> str:
    """The words of the phrase headed by ``head``, joined by spaces."""
    return " ".join(t.text for t in head.subtree)


#: Nouns a nominal trigger may modify and still name an event ("emergency measures").
EVENT_HEADS = {"effort", "measure", "campaign", "operation", "process", "program", "programme",
               "plan", "deal", "agreement", "talk", "talks", "meeting", "strike", "attack",
               "bombing", "raid", "offensive", "action", "activity", "exercise", "drill", "law",
               "explosion", "blast", "fire", "protest", "rally", "march", "conference", "visit",
               "mission", "initiative", "war", "game", "round", "session", "summit", "order",
               "decree", "ban", "call", "demand", "threat", "warning", "crackdown", "assault"}
SPEECH_VERBS = {"comment", "say", "speak", "confirm", "elaborate", "discuss", "answer", "reply",
                "respond", "reveal", "disclose", "specify", "name", "identify", "give"}
#: Triggers that need a particle, an object or a preposition to mean the event.
NEEDS_OBJECT = {
    "establish": {"tie", "ties", "relation", "relations", "contact", "contacts", "embassy"},
    "restore": {"tie", "ties", "relation", "relations", "contact", "contacts", "embassy"},
    "upgrade": {"tie", "ties", "relation", "relations", "contact", "contacts"},
    "normalize": {"tie", "ties", "relation", "relations"},
    "normalise": {"tie", "ties", "relation", "relations"},
    "sign": {"agreement", "treaty", "accord", "deal", "pact", "protocol", "declaration",
             "memorandum", "convention", "charter", "contract"},
}
TRANSITIVE_ONLY = {"seek", "close", "cut", "reduce", "halt", "deny", "free", "strengthen", "reinforce",
                   "block", "blockade", "arm", "fund", "finance", "feed", "deliver", "supply",
                   "provide", "grant", "share", "trade", "bar", "prevent", "shut", "beat",
                   "search", "accept", "back", "suspend", "freeze", "recall", "release"}


def reading_holds(token: Any, lemma: str, pos: str) -> bool:
    """Whether a polysemous trigger has the arguments of its event reading here."""
    if pos != "VERB":
        if token.dep_ in {"compound", "amod"} and token.head.lemma_.lower() not in EVENT_HEADS:
            return False  # "aid groups", "protest movement": a kind of party, not an event
        if lemma == "game":
            return any(c.lower_ == "war" for c in token.children)
        if lemma == "fire":  # "opened fire", "came under fire", "fire on"
            return token.head.lemma_ in {"open", "return", "come", "exchange"} or bool(
                prep_objects(token, {"on", "at"}))
        return True
    prt = particle(token)
    objects = [c for c in token.children if c.dep_ == "dobj"]
    if lemma == "intervene":  # "intervening in Ukraine", not "intervened to mediate"
        return bool(prep_objects(token, {"in"}))
    if lemma in {"enter", "cross"}:  # "troops entered Ukrainian territory": an incursion
        return any(code_sector(phrase_text(a)) == "MIL" for a in subjects(token))
    if lemma in {"decline", "refuse"} and any(
            c.dep_ == "xcomp" and c.lemma_.lower() in SPEECH_VERBS
            and not any(g.dep_ in {"dobj", "prep"} for g in c.children) for c in token.children):
        return False  # "declined to comment" is a stance of the claim, not a refusal event
    if lemma == "call":  # "called it a disgrace" is no request (see _code); "called on X to" is
        return bool(prep_objects(token, {"on", "for", "upon"})) or prt in {"on", "for"} or (
            any(c.dep_ == "oprd" for c in token.children))
    if lemma == "step":
        return prt == "down"
    if lemma == "insist":  # "insisted on a recount"; "insisted the vote was fair" is a claim
        return bool(prep_objects(token, {"on", "upon"}))
    if lemma == "press":  # "pressed Iran to", "pressing for talks"; not "pressing charges"
        return bool(prep_objects(token, {"for"})) or any(c.dep_ == "xcomp" for c in token.children)
    if lemma == "pull":
        return prt in {"out", "back"}
    if lemma == "strike":
        return not any(o.lemma_.lower() in {"deal", "agreement", "balance", "chord", "note", "tone"}
                       for o in objects)
    if lemma in NEEDS_OBJECT:
        return any(o.lemma_.lower() in NEEDS_OBJECT[lemma] or o.lower_ in NEEDS_OBJECT[lemma]
                   for o in objects)
    if lemma in TRANSITIVE_ONLY:
        if lemma == "deny" and any(c.dep_ in {"ccomp", "xcomp"} for c in token.children):
            return False  # "denied sending troops" is a denial (a claim's stance), not a refusal
        return bool(objects) or any(c.dep_ == "nsubjpass" for c in token.children)
    return True
