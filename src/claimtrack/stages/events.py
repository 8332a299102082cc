"""events: a PLOVER 2.0 coder for the 16 event types, each event tied to the claim reporting it.

Triggers come from ``lexicons/plover_triggers.tsv`` (lemma, part of speech, type, mode);
actor and target from the trigger's arguments in the dependency parse (subject and object of
a verb; possessor, "by" and "of" phrases of a nominal: "the capture by Ukraine of 11 Russian
soldiers"), each coded with country and sector. ``event_frames`` then applies the PLOVER
manual's rules for what the trigger means in its sentence (futures, intentions, negations,
complements of speech acts, light verbs, one event per chain of same-type triggers). Every
event is tied to the claim that reports it: the innermost claim whose content contains the
trigger, else the claim the trigger is the cue of ("Ukraine accused Russia").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack import lexicons
from claimtrack.model import Claim, Document, Event, EventActor, Span
from claimtrack.stages.actor_codes import INTERNATIONAL, code_country, code_sector, iso3
from claimtrack.stages.actors import TOKEN_ENTITY
from claimtrack.stages.agents import (
    ATTACK_WORDS,
    NEEDS_RECIPIENT,
    can_act,
    is_mishap,
    names_someone,
    ordinary_news,
)
from claimtrack.stages.criticism import criticisms
from claimtrack.stages.event_frames import (
    Candidate,
    apply_frames,
    negated,
    particle,
    prep_objects,
    reported_would,
    subjects,
)
from claimtrack.stages.senses import ASSENTING, argued_sense, phrase_text, reading_holds

MODALS_HYPOTHETICAL = {"would", "could", "might", "may", "should", "must", "ought"}
#: Words of an act expected, not taken ("are thought likely to propose", "is expected to").
EXPECTED = frozenset({"expect", "expected", "likely", "unlikely", "poised", "due"})
#: Words of an act wished for ("hoping to halt the sale", "wanted to deport everyone else");
#: inflected too, as the tagger's lemma of "hoping" may be "hop".
DESIRED = frozenset({"hope", "hoping", "hoped", "hopes", "want", "wanted", "wanting", "wants",
                     "wish", "wished", "wishing", "wishes"})
#: Verbs of weighing an act not yet taken ("considering whether to appeal").
DELIBERATING = frozenset({"consider", "weigh", "mull", "contemplate", "debate", "ponder",
                          "explore", "examine", "study", "review"})
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
            for sentence in doc.parse.sents:
                candidates = [c for c in map(_candidate, sentence) if c is not None]
                candidates += _obligations(doc, sentence, {c.token.i for c in candidates})
                coded = _coded(doc, sentence, candidates)
                if not coded:  # a sentence coding no other act may criticise
                    coded = _coded(doc, sentence, criticisms(doc, sentence))
                doc.events.extend(coded)
            _drop_headline_copies(doc)
            for number, event in enumerate(doc.events, start=1):
                event.id = f"V{number}"
        return docs


def _drop_headline_copies(doc: Document) -> None:
    """'Butler launches attack on Blair' over 'Lord Butler has attacked Tony Blair ...': the
    headline names the event the article then reports in full, with a clipped actor; an event
    of the headline whose type the body reports again is left out."""
    first = next(iter(doc.parse.sents), None)
    if first is None or first.text.rstrip()[-1:] in {".", "!", "?", '"'} or "\n" not in (
            first.text[len(first.text.rstrip()):] + doc.text[first.end_char:first.end_char + 3]):
        return  # not a headline line: a first sentence of the body
    body_types = {e.type for e in doc.events if e.trigger.start >= first.end_char}
    doc.events = [e for e in doc.events
                  if e.trigger.start >= first.end_char or e.type not in body_types]


def _coded(doc: Document, sentence: Any, candidates: list[Candidate]) -> list[Event]:
    """The events the candidates make after the frames, the actor and sense checks and the
    ordinary-news filter, in sentence order (ids are given once the document is coded)."""
    out = []
    for candidate in apply_frames(sorted(candidates, key=lambda c: c.token.i)):
        if (candidate.actors or candidate.targets) and _acted(doc, candidate, sentence):
            event = _event(doc, candidate, "")
            if not ordinary_news(sentence, [*event.actors, *event.targets], doc):
                out.append(event)
    return out


#: Nouns for places and sites: an attack on them is physical ("attacked the embassy").
SITE_ENTITY_TYPES = frozenset({"GPE", "LOC", "FAC"})
#: What is attacked in words, not by force: "attacked the government's failure", "will attack
#: Labour's record", "attacked the plans" (an attack on a post or a convoy stays an ASSAULT).
ABSTRACT_TARGETS = frozenset({
    "record", "failure", "policy", "policies", "plan", "plans", "proposal", "proposals",
    "decision", "budget", "bill", "law", "legislation", "idea", "approach", "strategy",
    "comment", "comments", "remark", "remarks", "statement", "handling", "performance",
    "stance", "view", "views", "reform", "reforms", "scheme", "measure", "measures", "tax",
    "taxes", "spending", "cut", "cuts", "manifesto", "pledge", "promise", "claim", "claims",
    "report", "ruling", "verdict", "move", "deal", "agreement", "treaty", "rule", "rules",
    "system", "leadership", "government's", "campaign", "speech", "argument", "position"})


def _acted(doc: Document, candidate: Candidate, sentence: Any) -> bool:
    """Whether a coded candidate is an act by someone who can act (:mod:`agents`), reading
    the trigger's sense from its arguments; may retype the candidate. Left out:

    * an actor that is a thing, quantity or abstraction ("the Budget would help", "the ballot
      will ask residents", "hounds killed foxes");
    * AID, COOPERATE and SANCTION with no recipient who can receive ("help provide for
      refugees", "convicting the guilty" said in general);
    * a meeting with one party only (a council meeting, "the cabinet met");
    * deaths in an accident, disaster or illness read as ASSAULT.

    "Attacked the government's failure" or "attack Labour's record" (an abstraction as
    target) is verbal: ACCUSE disapprove, not ASSAULT.
    """
    if not candidate.actors:  # "tabled a motion opposing the bill": who tabled it opposes it
        candidate.actors = [a for a in _governing_subjects(candidate.token) if can_act(doc, a)]
    if not candidate.actors and candidate.type != "ASSAULT" and not any(
            names_someone(doc, t) for t in candidate.targets):
        return False  # "the release of some new software", "a deal": nobody acts on anybody
    if not argued_sense(doc, candidate.token, candidate.token.lemma_.lower(), can_act):
        return False  # "shot basketball hoops", "released an album", "pledged more PE"
    if candidate.type == "RETREAT" and candidate.mode == "release" and not any(
            can_act(doc, t) for t in candidate.targets):
        return False  # a film, an album or software released, not captives
    if _generic(candidate.token) or any(_expletive(a, candidate.token) for a in candidate.actors):
        return False  # "killing them ... were given as examples"; "it's easy to criticise"
    if candidate.actors:
        agents = [a for a in candidate.actors if can_act(doc, a)]
        if not agents and (candidate.type != "ASSAULT"
                           or not any(can_act(doc, t) for t in candidate.targets)):
            return False  # "hounds killed foxes"; but "killed by a roadside bomb" is an attack
        candidate.actors = agents  # an attack by "an improvised explosive device": unidentified
    several = len(candidate.actors) > 1 or any(
        a.tag_ in {"NNS", "NNPS"} or a.lower_ in {"they", "we", "both"} for a in candidate.actors)
    actor_words = {t.i for a in candidate.actors for t in a.subtree}
    if candidate.type in NEEDS_RECIPIENT and not (candidate.type == "COOPERATE" and several) \
            and not any(t.i not in actor_words and t.dep_ not in {"poss", "det"}
                        and (can_act(doc, t) or t.ent_type_ in SITE_ENTITY_TYPES)
                        for t in candidate.token.subtree):
        return False  # "help provide for refugees" said in general: nobody receives
    if candidate.token.lemma_.lower() in _meeting_words() and candidate.mode != "visit":
        parties = len(candidate.actors) + sum(can_act(doc, t) for t in candidate.targets)
        if parties < 2 and not several:
            return False
    if candidate.type == "ASSAULT" and not candidate.actors:
        if is_mishap(sentence) or _self_inflicted(candidate.token):
            return False  # an accident: "injured herself while performing"
        if candidate.targets and not any(can_act(doc, t) or t.ent_type_ in SITE_ENTITY_TYPES
                                         for t in candidate.targets):
            return False  # "an assault on the US market": no one and no place attacked
        if candidate.token.lemma_.lower() in INJURIES and not _violent(sentence):
            return False  # "many people are getting injured": no attack said
    return True


#: Triggers that name a harm, which is an attack only when the sentence says by whom or how.
INJURIES = frozenset({"injure", "injured", "hurt", "wound", "wounded", "kill", "die", "beat",
                      "beaten"})


def _self_inflicted(trigger: Any) -> bool:
    return any(c.dep_ == "dobj" and c.lower_ in {"herself", "himself", "themselves", "itself",
                                                 "myself", "yourself", "ourselves"}
               for c in trigger.children)


def _violent(sentence: Any) -> bool:
    words = {t.lower_ for t in sentence} | {t.lemma_.lower() for t in sentence}
    return bool(words & (VIOLENCE_WORDS | ATTACK_WORDS))


def _verbal_attack(trigger: Any, targets: list[Any]) -> bool:
    """An attack on named people or parties with no word of violence in the sentence."""
    words = {t.lower_ for t in trigger.sent} | {t.lemma_.lower() for t in trigger.sent}
    return not words & VIOLENCE_WORDS and all(
        t.ent_type_ in {"PERSON", "NORP"} or code_sector(t.lemma_) in {"PTY", "LEG", "GOV"}
        for t in targets)


def _generic(trigger: Any) -> bool:
    """An act named as a kind, not as done: a gerund without a subject that is (or is joined
    to) the subject of its clause ("knocking someone unconscious then killing them were given
    as examples of excessive force")."""
    head = trigger
    for _ in range(4):
        if head.tag_ != "VBG" or any(c.dep_ in {"nsubj", "nsubjpass", "poss"}
                                     for c in head.children):
            return False
        if head.dep_ in {"csubj", "csubjpass"}:
            return True
        if head.dep_ not in {"conj", "advcl", "dep"} or head.head.i == head.i:
            return False
        head = head.head
    return False


def _expletive(actor: Any, trigger: Any) -> bool:
    """'It's easy to criticise': the "it" of an adjective's infinitive stands for nobody."""
    if actor.lower_ != "it" or actor.head.lemma_ != "be":
        return False
    return any(c.dep_ in {"acomp", "attr"} for c in actor.head.children) and (
        trigger.dep_ == "xcomp" and trigger.head.i in {actor.head.i, *(
            c.i for c in actor.head.children if c.dep_ in {"acomp", "attr"})})


def _candidate(token: Any) -> Candidate | None:
    if token.pos_ == "NOUN" and token.dep_ in {"nsubj", "nsubjpass"} and _code(token.head):
        return None  # "the inquiry criticised X": the inquiry is the actor of the criticism
    coded = _code(token)
    if coded is None:
        return None
    etype, mode, actors, targets = coded
    if etype in {"ASSAULT", "THREATEN"} and token.lemma_.lower() == "attack" and targets and (
            all(t.lemma_.lower() in ABSTRACT_TARGETS for t in targets) or _verbal_attack(
                token, targets)):
        etype, mode = "ACCUSE", "disapprove"  # an attack on a record, a policy or, with no
        # weapon in sight, a politician ("Butler launches attack on Blair") is verbal
    return Candidate(token=token, type=etype, mode=mode, actors=actors, targets=targets)


def _obligations(doc: Document, sentence: Any, triggers: set[int]) -> list[Candidate]:
    """'The administration declared that China must drop barriers': the speaker REQUESTs it
    of the clause's subject; the act demanded, if it is a trigger, becomes what is proposed."""
    out = []
    for verb in sentence:
        if verb.dep_ != "ccomp" or verb.head.i in triggers or verb.head.pos_ != "VERB" \
                or verb.head.lemma_.lower() in ASSENTING:
            continue  # "we accept that angling should fall outside it" is a view, no demand
        if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION for c in verb.children):
            continue
        if any(c.dep_ == "aux" and c.lower_ == "have" for c in verb.children):
            continue  # "should have done": a reproach about the past
        speaker = subjects(verb.head)
        addressee = [c for c in verb.children if c.dep_ == "nsubj" and (
            can_act(doc, c) or verb.head.lemma_.lower() in DEMANDING)]
        # "GCSEs and A-levels should go, he said": nobody is asked to do anything ("the
        # events must not be swept under the carpet, the Tories warned" still demands it)
        if speaker and addressee:
            out.append(Candidate(token=verb.head, type="REQUEST", mode=None, actors=speaker,
                                 targets=_conjoined(addressee)))
            triggers.add(verb.head.i)
    return out


OBLIGATION = frozenset({"must", "should"})
#: Verbs that make a "must" clause a demand whoever its subject is.
DEMANDING = frozenset({"warn", "demand", "insist", "urge", "declare", "stress", "reiterate"})




def _event(doc: Document, candidate: Candidate, event_id: str) -> Event:
    token = candidate.token
    trigger = Span(token.idx, token.idx + len(token))
    actors = _unique(_actor(doc, a, _subtrees(candidate.targets)) for a in candidate.actors)
    if not actors and candidate.type == "ASSAULT":
        actors = [_unidentified(doc, token, _subtrees(candidate.targets))]
    return Event(
        id=event_id, type=candidate.type, mode=candidate.mode, trigger=trigger,
        trigger_text=doc.text[trigger.start:trigger.end],  # the parse may be recased
        claim=_reporting_claim(doc.claims, trigger),
        actors=actors,
        targets=_unique(_actor(doc, t, _subtrees(candidate.actors)) for t in candidate.targets),
        # "will not accept" is a REJECT, not a negated one; "haven't ruled out" is no REJECT
        negated=(negated(token) and (candidate.type != "REJECT"
                                     or _lexical_type(token) == "REJECT")) or _cancelled(token),
        hypothetical=_hypothetical(token), proposed=candidate.proposed,
        context=["future"] if candidate.future or _future(token) else [],
    )


def _lookup(token: Any, lemma: str, pos: str) -> tuple[str, tuple[str, str | None] | None]:
    """The trigger table's entry for the lemma, with its particle when the table has the pair
    ("turned down", "cracked down", "blew up"); the lemma the entry was found under."""
    prt = particle(token) if pos == "VERB" else None
    found = triggers().get((f"{lemma} {prt}", pos)) if prt else None
    if found is None:
        return lemma, triggers().get((lemma, pos))
    return (lemma if lemma in {"call", "step", "pull"} else f"{lemma} {prt}"), found


def _lexical_type(token: Any) -> str | None:
    """The trigger table's type for the token, before the frames retype it."""
    pos = "VERB" if token.pos_ in {"VERB", "AUX"} else token.pos_
    found = _lookup(token, token.lemma_.lower(), pos)[1]
    return found[0] if found else None


UNIDENTIFIED = "(unidentified attackers)"


def _unidentified(doc: Document, trigger: Any, other_side: frozenset[int]) -> EventActor:
    """An attack with no named attacker ("a roadside bombing killed ..."): CAMEO's and
    PLOVER's unidentified armed forces (UAF), in the country where it happened. The text is
    ours, in parentheses, and no entity is linked: nothing in the article names them."""
    country = _nearest_country(doc, trigger, other_side) or _focus_country(doc, other_side)
    return EventActor(text=UNIDENTIFIED, entity=None, country=country, sector="UAF")


def _subtrees(heads: list[Any]) -> frozenset[int]:
    return frozenset(t.i for head in heads for t in head.subtree)


def _unique(actors: Any) -> list[EventActor]:
    out: list[EventActor] = []
    for actor in actors:
        if actor not in out:
            out.append(actor)
    return out


def _code(token: Any) -> tuple[str, str | None, list[Any], list[Any]] | None:
    pos = "VERB" if token.pos_ in {"VERB", "AUX"} else token.pos_
    lemma = token.lemma_.lower()
    if lemma == "control" and pos == "NOUN":
        return _control(token)
    if pos == "NOUN" and token.lower_ == "talks":
        lemma = "talk"
    if lemma == "law" and any(c.lower_ == "martial" for c in token.children):
        lemma = "martial law"
    lemma, found = _lookup(token, lemma, pos)
    if found is None:
        return None
    etype, mode = found
    if not reading_holds(token, lemma, pos):
        return None
    if lemma == "call" and pos == "VERB" and any(c.dep_ == "oprd" for c in token.children) \
            and any(c.dep_ == "dobj" for c in token.children):
        # "The Tories called it a 'vote now, pay later' Budget": naming something to run it
        # down (how political news uses the construction; praise is rarely put this way)
        return "ACCUSE", "disapprove", subjects(token), [
            c for c in token.children if c.dep_ == "dobj"]
    if lemma == "order" and pos == "VERB" and any(
            c.dep_ == "dobj" and c.lemma_.lower() in INQUIRIES for c in token.children):
        etype, mode = "ACCUSE", "investigate"  # "ordered an inquiry": an investigation
    if lemma == "warn" and pos == "VERB":
        warned = _warning(token)
        if warned is None:
            return None  # "warned that more work was needed": a caution, not a threat
        etype, mode = warned
    children = list(token.children)
    objects = [c.lemma_.lower() for c in children if c.dep_ == "dobj"]
    if pos == "NOUN":
        objects += [o.lemma_.lower() for o in prep_objects(token, {"of"})]
    troops_sent = lemma == "send" and bool(set(objects) & MILITARY_NOUNS)
    if troops_sent:
        etype, mode = "MOBILIZE", "troops"  # "sent troops": a military move, not aid
    if etype == "RETREAT" and mode == "withdraw" and set(objects) & CIVILIAN_STAFF:
        etype = "SANCTION"  # the manual: withdrawing observers, diplomats or aid is SANCTION
    if etype == "COERCE" and mode == "seize" and set(objects) & MILITARY_NOUNS - {"tank", "jet"}:
        etype, mode = "ASSAULT", "abduct"  # the manual: captured combatants are ASSAULT abduct
    elif etype == "COERCE" and mode == "seize" and pos == "VERB" and lemma in CONQUEST and any(
            code_sector(phrase_text(a)) in {"MIL", "REB"} for a in subjects(token)):
        etype, mode = "ASSAULT", None  # troops capturing ground: a use of force, not a search
    if pos == "VERB":
        actors = subjects(token)  # "were wounded": the wounded are no actor
        if not actors and lemma in EXPELLING and any(c.dep_ == "nsubjpass" for c in children):
            actors = prep_objects(token, {"from"})  # "was expelled from the Labour party"
        targets = [c for c in children if c.dep_ in {"dobj", "nsubjpass"} and not troops_sent]
        targets += prep_objects(token, {"to", "on", "with", "against", "into"})
        targets = [t for t in targets if t.ent_type_ not in {"DATE", "TIME"}]
        return etype, mode, actors, _conjoined(targets)
    actors = [c for c in children if c.dep_ == "poss"] + prep_objects(token, {"by"})
    of_objects = prep_objects(token, {"of"})
    for when in (c for c in children if c.dep_ == "npadvmod"):  # "the capture this week of X"
        of_objects += prep_objects(when, {"of"})
    if etype == "COERCE" and mode == "seize" and {o.lemma_.lower() for o in of_objects} & (
            MILITARY_NOUNS - {"tank", "jet"}):
        etype, mode = "ASSAULT", "abduct"  # "the capture this week of 11 Russian soldiers"
    if etype in {"ASSAULT"} and not actors and lemma not in VICTIM_OF:
        actors, of_objects = of_objects, []  # "an attack of the rebels"; not "the murder of X"
    targets = of_objects + prep_objects(token, {"on", "against", "with", "to"})
    return etype, mode, actors, _conjoined(targets)


#: Sanctions whose passive names the body that imposes them with "from".
EXPELLING = frozenset({"expel", "suspend", "ban", "bar", "exclude", "remove", "eject"})
#: What is ordered when the order starts an investigation (the BBC set's house rule).
INQUIRIES = frozenset({"report", "inquiry", "enquiry", "investigation", "review", "probe",
                       "audit", "inspection", "examination", "study"})
#: Words that make an attack on a person physical rather than verbal.
VIOLENCE_WORDS = frozenset({"bomb", "bombing", "gun", "gunman", "gunmen", "shot", "shooting",
                            "killed", "kill", "wounded", "injured", "knife", "stabbed", "beaten",
                            "assassination", "assassinate", "grenade", "explosive", "troops",
                            "soldiers", "militants", "rebels", "convoy", "ambush", "murder",
                            "hospital", "assailant", "attacker", "attackers", "weapon"})
#: Nominal attacks whose "of" phrase is the victim ("the 2003 murder of sister Yetunde").
VICTIM_OF = frozenset({"murder", "killing", "assassination", "execution", "torture", "rape",
                       "abduction", "kidnapping", "kidnap", "capture", "arrest", "shooting",
                       "beating", "massacre", "slaughter", "lynching", "stabbing", "detention"})
CONQUEST = {"capture", "seize", "retake", "recapture", "occupy", "take"}
CIVILIAN_STAFF = {"inspector", "worker", "observer", "monitor", "diplomat", "ambassador", "envoy",
                  "staff", "personnel", "mission", "aid", "assistance", "embassy", "volunteer"}


@cache
def _meeting_words() -> frozenset[str]:
    """Trigger lemmas of CONSULT ("meet", "talks"): a meeting needs two parties, whatever type
    the frames give it ("the council will meet" would otherwise be a future AGREE)."""
    return frozenset(lemma for (lemma, _pos), (etype, _mode) in triggers().items()
                     if etype == "CONSULT")


def _governing_subjects(token: Any) -> list[Any]:
    """The subjects of the verb whose object (or the modifier of whose object) the trigger is:
    "the Tories tabled a motion opposing the bill", "Yukos dropped the threat of legal action".
    """
    head = token
    for _ in range(5):
        if head.dep_ not in {"acl", "dobj", "pobj", "prep", "compound", "amod"} \
                or head.head.i == head.i:
            return []
        head = head.head
        if head.pos_ in {"VERB", "AUX"}:
            if head.lemma_.lower() in UNDERGOING:
                return []  # "faced accusations", "prompted accusations": not the accuser
            return subjects(head)
    return []


#: Verbs whose subject undergoes, causes or answers a nominal act, and so is not its actor.
UNDERGOING = frozenset({"face", "receive", "suffer", "attract", "draw", "prompt", "spark",
                        "trigger", "provoke", "cause", "deny", "reject", "dismiss", "rebut",
                        "counter", "answer", "respond", "investigate", "hear", "survive",
                        "escape", "fear", "condemn", "criticise", "criticize", "follow"})


#: What a warning may hold over its addressee: a repercussion makes it a THREATEN.
REPERCUSSIONS = frozenset({"action", "sanction", "sanctions", "consequence", "consequences",
                           "repercussion", "repercussions", "penalty", "penalties", "force",
                           "retaliation", "reprisal", "reprisals", "strike", "strikes", "war",
                           "attack", "attacks", "legal", "court", "boycott", "expulsion"})


def _warning(token: Any) -> tuple[str, str | None] | None:
    """'warned the rival camps to stop' is a REQUEST; a warning of a stated repercussion
    ('warned of legal action', 'warned it would impose sanctions') is a THREATEN; a caution
    about dangers ('warned that more work was needed') is neither (PLOVER manual, THREATEN)."""
    if any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
           for c in token.children):
        return "REQUEST", None
    said = {t.lower_ for c in token.children if c.dep_ in {"prep", "ccomp", "dobj"}
            for t in c.subtree}
    if said & REPERCUSSIONS:
        return "THREATEN", None
    # "warned that police will no longer tolerate rallies": what someone will do to them
    for clause in (c for c in token.children if c.dep_ == "ccomp"):
        future = any(a.lower_ in {"will", "would", "'ll", "shall"} for a in clause.children)
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if future and subject is not None and subject.lower_ not in {"it", "this", "that"} \
                and code_sector(subject.lemma_) is not None:
            return "THREATEN", None
    return None


def _control(token: Any) -> tuple[str, str | None, list[Any], list[Any]] | None:
    """'X fell under the control of Y' / 'Y took control of X' -> Y COERCE(seize) X."""
    head = token.head.head if token.head.dep_ == "prep" else token.head
    if head.lemma_ == "fall":
        actors = prep_objects(token, {"of"})
        targets = [c for c in head.children if c.dep_ == "nsubj"]
    elif head.lemma_ in {"take", "gain", "seize", "assume"}:
        actors = [c for c in head.children if c.dep_ == "nsubj"]
        targets = prep_objects(token, {"of", "over"})
    else:
        return None
    return "COERCE", "seize", _conjoined(actors), _conjoined(targets)


def _conjoined(tokens: list[Any]) -> list[Any]:
    """'the United States, European Union and G7 countries' -> three arguments."""
    out = []
    for token in tokens:
        out.append(token)
        out.extend(c for c in token.subtree if c.dep_ == "conj" and c.head.i in {t.i for t in out})
    return out


def _actor(doc: Document, head: Any, other_side: frozenset[int] = frozenset()) -> EventActor:
    """An argument's phrase, its entity (if clustered) and its country and sector codes.

    A pronoun no entity claims takes the codes of the subject of the clause it is reported in
    ("Hungary has said it will support" -> HUN). An actor still without a country takes the
    country named nearest to it in its sentence, outside the other side's phrases ("President
    Akayev ... returning to Kyrgyzstan" -> KGZ), else the country the article names most
    (never an IGO): news names a leader's country once, if at all.
    """
    head = _antecedent(head)
    phrase = _phrase(doc, head)
    entity_id = doc.parse.user_data.get(TOKEN_ENTITY, {}).get(head.i)
    entity = doc.entity(entity_id)
    role = " ".join(t.text for c in head.children if c.dep_ == "appos" for t in c.subtree)
    country = (entity.country if entity else None) or code_country(phrase) or (
        code_country(role) if role else None)  # "Kenzo Oshima, the UN relief coordinator"
    sector = (entity.sector if entity else None) or code_sector(phrase) or (
        code_sector(role) if role else None)
    if head.lower_ in PRONOUNS and entity is None and country is None:
        antecedent = _reporting_subject(head)
        if antecedent is not None:
            found = _actor(doc, antecedent, other_side)
            country, sector = found.country, sector or found.sector
    if sector is None and head.ent_type_ == "GPE":
        sector = "GOV"
    if country and _ethnic(phrase):  # "ethnic Albanians in Macedonia": a group by residence
        country = _nearest_country(doc, head, other_side | {t.i for t in head.subtree}) or country
    if country is None:
        country = _nearest_country(doc, head, other_side) or _focus_country(doc, other_side)
    return EventActor(text=phrase, entity=entity_id, country=country, sector=sector)


RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})


def _antecedent(head: Any) -> Any:
    """The phrase a pronoun stands for in its own sentence: a relative pronoun's noun ("my
    colleagues who are objecting"), a personal or possessive pronoun's reporting subject ("Mr
    Brown says he has been in talks", "the shadow cabinet revealed its support"); else the
    pronoun itself (it may still be resolved across sentences by its entity)."""
    if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl" and \
            head.head.head.pos_ in {"NOUN", "PROPN"}:
        return head.head.head
    if head.lower_ in PRONOUNS - {"i", "we"}:
        found = _reporting_subject(head)
        if found is not None and found.pos_ in {"NOUN", "PROPN"} and _agrees(head, found):
            return found
    return head


def _agrees(pronoun: Any, noun: Any) -> bool:
    """Number agreement, enough to keep "they" off a single person and "he" off a crowd."""
    plural = noun.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in noun.children)
    if pronoun.lower_ in {"they", "their"}:
        return plural or noun.lemma_.lower() in COLLECTIVE
    if pronoun.lower_ in {"he", "she", "his", "her"}:
        return not plural and noun.ent_type_ in {"PERSON", ""}
    return not plural  # it, its


#: Singular nouns for bodies spoken of as "they" in British English.
COLLECTIVE = frozenset({"government", "party", "cabinet", "council", "committee", "board",
                        "police", "team", "union", "opposition", "campaign", "army"})


def _ethnic(phrase: str) -> bool:
    return "ethnic " in phrase.lower()


PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "its", "their", "his", "her"})


def _phrase(doc: Document, head: Any) -> str:
    dropped = {i for c in head.children if c.dep_ in {"conj", "cc", "relcl", "appos", "punct"}
               for i in (t.i for t in c.subtree)}
    tokens = [t for t in head.subtree if t.i not in dropped]
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    return str(doc.parse[start:end].text).strip()  # a headline's phrase ends in its newlines


def _reporting_subject(pronoun: Any) -> Any | None:
    """'Hungary has said it will ...': the subject of the verb whose clause holds the pronoun."""
    for verb in pronoun.ancestors:
        if verb.pos_ not in {"VERB", "AUX"} or verb.i == pronoun.head.i:
            continue
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None and subject.lower_ not in PRONOUNS:
            return subject
    return None


def _focus_country(doc: Document, other_side: frozenset[int] = frozenset()) -> str | None:
    """The country the article names most often (first named on a tie), unless the other side
    of the event is named by it ("Congress asks Obama to help Iran" is no Iranian act)."""
    focus = _article_country(doc)
    if focus and any(code_country(ent.text) == focus for ent in doc.parse.ents
                     if ent.start in other_side and ent.label_ == "GPE"):
        return None  # but "bans Ugandan candidates" (a demonym) may well be a domestic act
    return focus


def _article_country(doc: Document) -> str | None:
    """The country the article names most often (first named on a tie), cached on the parse."""
    key = "claimtrack.focus_country"
    if key not in doc.parse.user_data:
        counts: dict[str, int] = {}
        for ent in doc.parse.ents:
            if ent.label_ in {"GPE", "NORP", "LOC"}:
                code = code_country(ent.text) or _place_country(doc, ent.start_char)
                if code and code not in INTERNATIONAL:
                    counts[code] = counts.get(code, 0) + 1
        doc.parse.user_data[key] = max(counts, key=counts.__getitem__) if counts else None
    return doc.parse.user_data[key]


def _place_country(doc: Document, start: int) -> str | None:
    """The ISO-3 country of the resolved place mentioned at this offset ("Baku" -> AZE), when
    the places stage ran before this one; None otherwise."""
    key = "claimtrack.place_countries"
    if key not in doc.parse.user_data:
        doc.parse.user_data[key] = {m.span.start: iso3(p.country) for p in doc.places
                                    for m in p.mentions if p.country}
    return doc.parse.user_data[key].get(start)


def _nearest_country(doc: Document, head: Any, other_side: frozenset[int]) -> str | None:
    """The country named nearest the head in its sentence outside the other side's phrases
    (the minister who appeals to the EU is not European); None when there is none."""
    own = {t.i for t in head.subtree}
    mentions = []
    for ent in head.sent.ents:
        if ent.label_ not in {"GPE", "NORP", "ORG", "LOC", "FAC"} or ent.start in own:
            continue
        country = code_country(ent.text) or _place_country(doc, ent.start_char)
        if country and not any(t.i in other_side for t in ent):
            mentions.append((abs(ent.start - head.i), country))
    return min(mentions)[1] if mentions else None


def _reporting_claim(claims: list[Claim], trigger: Span) -> str | None:
    containing = [c for c in claims if c.content.contains(trigger)]
    if containing:
        return min(containing, key=lambda c: c.content.end - c.content.start).id
    cue = next((c for c in claims if c.cue_span and c.cue_span.overlaps(trigger)), None)
    return cue.id if cue else None


def _cancelled(token: Any) -> bool:
    """'cancel a visit', 'postponed the talks': the event is reported as not happening."""
    return token.dep_ in {"dobj", "nsubjpass"} and token.head.lemma_ in CANCEL_VERBS


def _hypothetical(token: Any) -> bool:
    """Conditional, obliged or deliberated, not done: "would urge MPs to oppose it if peers
    passed it", "must press the Commission", "if he fulfils his promise", "is considering
    whether to appeal"."""
    verb = token if token.pos_ in {"VERB", "AUX"} else token.head
    if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"}
                                     for m in c.children) for c in verb.children):
        return True
    if any(c.lower_ in MODALS_HYPOTHETICAL and c.dep_ == "aux" for c in verb.children):
        return not reported_would(verb)
    if any(c.dep_ == "mark" and c.lower_ in {"if", "whether"} for t in [verb, *verb.ancestors]
           for c in t.children):
        return True
    if any(t.lemma_.lower() in DELIBERATING for t in verb.ancestors if t.pos_ == "VERB"):
        return True
    link = verb
    while link.dep_ in {"xcomp", "conj"} and link.head.i != link.i:  # "hoping to halt",
        link = link.head  # "thought likely to propose", "wanted to grant ... and deport"
        if link.lemma_.lower() in EXPECTED | DESIRED or link.lower_ in EXPECTED | DESIRED:
            return True
    return False


def _future(token: Any) -> bool:
    verb = token if token.pos_ in {"VERB", "AUX"} else token.head
    return any(c.lower_ in FUTURE and c.dep_ == "aux" for c in verb.children)
