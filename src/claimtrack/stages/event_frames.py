"""What an event trigger means in its sentence: the PLOVER manual's rules for intentions,
futures, negations, complements and light verbs, applied to the candidates the trigger table finds.

A trigger word alone is not an event. PLOVER codes the act the sentence reports:

* "agreed to withdraw", "urged the EU to impose sanctions", "accused Russia of invading": the
  speech act is the event (AGREE, REQUEST, ACCUSE) and the act it is about is its
  ``proposed`` type, not a second event (the complement is *absorbed*).
* "will provide aid", "is ready to contribute troops", "plans to impose restrictions": a
  future or intended act. The manual codes future cooperation as AGREE, future retreats as
  CONCEDE; we code future or intended force, coercion and sanctions as THREATEN.
* "will not accept refugees": a negated AGREE is a REJECT.
* "lifted the curfew", "called off the strike": a CONCEDE; "cancelled the visit": a REJECT.
* "launched an offensive", "held talks", "lodged a protest": the verb's subject is the actor
  of the nominal event.
* "killed two soldiers and wounded three in a bomb attack": one ASSAULT, not three (triggers of
  one type joined in the parse are *merged*).
* "after the invasion", "following clashes": an event named as the time or cause of another is
  background, not counted again when the sentence reports another event.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from claimtrack import lexicons

COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "AGREE"})
YIELDING = frozenset({"RETREAT", "CONCEDE"})
FORCEFUL = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"})
#: Types whose complement is the act they are about (and so absorbed).
SPEECH_ACTS = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN", "ACCUSE", "SUPPORT",
                         "CONCEDE", "CONSULT"})
#: Dependency labels a complement climbs to reach the trigger it is the content of.
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp", "acl", "advcl",
                             "nsubjpass", "attr", "oprd", "compound", "amod", "conj", "appos"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
CONDITIONS = frozenset({"if", "unless"})
ASPECT_VERBS = frozenset({"resume", "continue", "begin", "start", "keep", "restart"})


@dataclass
class Candidate:
    """One trigger's reading: its type and mode, argument heads and what the frames decided."""

    token: Any
    type: str
    mode: str | None
    actors: list[Any]
    targets: list[Any]
    proposed: str | None = None
    future: bool = False
    merged_into: Candidate | None = None
    absorbed_by: Candidate | None = None
    background: bool = False
    #: wished for ("wants Putin to attack") or describing a party ("Beijing, which resisted"):
    #: never an event of its own, even when the sentence has no other
    unreported: bool = False

    @property
    def kept(self) -> bool:
        return (self.merged_into is None and self.absorbed_by is None and not self.background
                and not self.unreported)


@cache
def frame_words() -> dict[str, frozenset[str]]:
    """frame name -> lemmas (``lexicons/event_frames.tsv``)."""
    out: dict[str, set[str]] = {}
    for word, (frame, *_rest) in lexicons.table("event_frames.tsv").items():
        out.setdefault(frame, set()).add(word)
    return {frame: frozenset(words) for frame, words in out.items()}


def is_frame(token: Any, frame: str) -> bool:
    """Whether the token's lemma is in the frame's list; the model's lemma is checked together
    with the word stripped of a regular ending ("staged" lemmatises to "stag")."""
    words = frame_words().get(frame, frozenset())
    lower = token.lower_
    return token.lemma_.lower() in words or lower in words or any(
        lower.endswith(end) and lower[: -len(end)] in words for end in ("d", "ed", "s", "ing"))


def particle(token: Any) -> str | None:
    return next((c.lower_ for c in token.children if c.dep_ == "prt"), None)


def apply_frames(candidates: list[Candidate]) -> list[Candidate]:
    """Decide every candidate's final reading; return the ones that remain events, in order."""
    by_token = {c.token.i: c for c in candidates}
    for candidate in candidates:
        _governing_verb(candidate)
    _merge_same_type(candidates, by_token)
    for candidate in candidates:
        if candidate.merged_into is None:
            _absorb(candidate, by_token)
    for candidate in candidates:
        if candidate.kept:
            _intent_and_future(candidate)
    for candidate in candidates:
        candidate.unreported = candidate.kept and _wished(candidate.token)
    kept = [c for c in candidates if c.kept]
    protest = next((c for c in kept if c.type == "PROTEST"), None)
    for candidate in kept:
        if protest is not None and candidate is not protest and (
                candidate.type == "REQUEST" and candidate.token.dep_ in PARTICIPIAL
                or _in_protest(candidate.token)):
            candidate.absorbed_by = protest  # the protest's demands are its topic (manual)
            protest.proposed = protest.proposed or candidate.proposed
    kept = [c for c in kept if c.kept]
    for candidate in kept:
        if _describes_a_party(candidate.token):
            candidate.unreported = True  # never an event of its own, even alone
        elif _in_background(candidate.token, by_token):
            candidate.background = True
    if not any(c.kept and (c.actors or c.targets) for c in kept):  # beside another event only
        for candidate in kept:
            candidate.background = False
    return [c for c in candidates if c.kept]


PARTICIPIAL = frozenset({"advcl", "xcomp", "acl", "conj", "ccomp"})


def _in_protest(token: Any) -> bool:
    """'in protest against X': the aim of an action, not a separate protest."""
    return token.lower_ == "protest" and token.dep_ == "pobj" and token.head.lower_ == "in"


def _governing_verb(candidate: Candidate) -> None:
    """Nominal events and the verbs that carry them: light, reversal and cancel frames."""
    token = candidate.token
    if token.pos_ in {"VERB", "AUX"}:
        return
    token = phrase_head(token)
    verb = token.head
    if token.dep_ == "pobj" and verb.dep_ == "prep" and verb.head.pos_ == "VERB":
        verb = verb.head  # "put under investigation", "went on strike"
    elif token.dep_ not in {"dobj", "nsubjpass", "attr"}:
        return
    if verb.pos_ not in {"VERB", "AUX"} or verb.i == token.i:
        return
    prt = particle(verb)
    lemma = verb.lemma_.lower()
    cancel = is_frame(verb, "cancel") and (lemma not in {"call", "break"} or prt == "off")
    reversal = is_frame(verb, "reversal") or (lemma == "call" and prt == "off")
    if token.dep_ in {"dobj", "nsubjpass"} and (cancel or reversal):
        if candidate.type in {"AID", "COOPERATE"} and (cancel or reversal):
            # the manual: withdrawing aid or assistance is SANCTION, not a refusal
            candidate.proposed, candidate.type, candidate.mode = candidate.type, "SANCTION", \
                "discontinue"
        elif candidate.type in COOPERATIVE and cancel:
            candidate.proposed, candidate.type = candidate.type, "REJECT"
            candidate.mode = "meet" if candidate.proposed == "CONSULT" else "assist"
        elif candidate.type in FORCEFUL:
            candidate.proposed, candidate.type, candidate.mode = candidate.type, "CONCEDE", None
        else:
            return
    elif not is_frame(verb, "light"):
        return
    if not candidate.actors or all(a.dep_ == "poss" and a.pos_ == "PRON"
                                   for a in candidate.actors):
        candidate.actors = subjects(verb) or candidate.actors  # "held their talks": who held
    candidate.targets += [t for t in prep_objects(verb, {"on", "against", "with", "to", "into"})
                          if t not in candidate.targets]


def phrase_head(token: Any) -> Any:
    """The noun a nominal trigger modifies: 'emergency measures' -> measures, 'a state of
    emergency' -> state, 'a mediation effort' -> effort."""
    for _ in range(3):
        if token.dep_ in {"compound", "amod"} and token.head.pos_ in {"NOUN", "PROPN"}:
            token = token.head
        elif (token.dep_ == "pobj" and token.head.lower_ == "of"
              and token.head.head.lemma_.lower() in {"state", "measure", "law", "effort", "wave",
                                                     "series", "campaign", "round", "day"}):
            token = token.head.head
        else:
            break
    return token


def _merge_same_type(candidates: list[Candidate], by_token: dict[int, Candidate]) -> None:
    """Triggers of one type joined in the parse report one event: the nearest trigger above
    ("a bomb attack killed two") or a sibling ("opened fire ..., killing one")."""
    for candidate in candidates:
        outer = next((by_token[a.i] for a in candidate.token.ancestors if a.i in by_token), None)
        head = candidate.token.head
        if (outer is None or outer.type != candidate.type) and head.i != candidate.token.i:
            outer = next((c for c in candidates if c is not candidate and c.type == candidate.type
                          and c.token.i < candidate.token.i and c.token.i != head.i
                          and c.token.head.i == head.i), None)
        if outer is None or outer.type != candidate.type:
            continue
        while outer.merged_into is not None:
            outer = outer.merged_into
        if outer is candidate:
            continue
        candidate.merged_into = outer
        outer.actors += [a for a in candidate.actors if a not in outer.actors]
        outer.targets += [t for t in candidate.targets if t not in outer.targets]
        outer.mode = outer.mode or candidate.mode
    for candidate in candidates:  # "a bomb attack killed two": the attack is no attacker
        same = {i for i, c in by_token.items() if c.type == candidate.type}
        candidate.actors = [a for a in candidate.actors if a.i not in same]
        candidate.targets = [t for t in candidate.targets if t.i not in same]


def _absorb(candidate: Candidate, by_token: dict[int, Candidate]) -> None:
    """A trigger in the complement of a speech-act trigger is what that act is about."""
    token = candidate.token
    while token.dep_ in COMPLEMENT_DEPS and token.head.i != token.i:
        purpose = token.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                for c in token.children)
        if token.dep_ == "advcl" and not purpose:
            return  # only purpose clauses ("to demand reforms") are content
        if purpose and token.head.i in by_token and by_token[token.head.i].type not in SPEECH_ACTS:
            candidate.background = True  # "invaded to help the separatists": an aim, no act
            return
        if token.dep_ == "prep" and is_frame(token, "background"):
            return  # "offered talks following the invasion": the invasion is no offer
        if token.dep_ == "conj":  # a conjunct shares its head's role: climb past the head
            token = token.head
            continue
        token = token.head
        outer = by_token.get(token.i)
        if outer is None:
            continue
        if outer.merged_into is not None:
            outer = outer.merged_into
        if outer.type in SPEECH_ACTS or is_frame(outer.token, "intent") or (
                outer.type == "PROTEST" and candidate.type == "REQUEST"):
            candidate.absorbed_by = outer
            _take_content(outer, candidate)
        return


def _take_content(outer: Candidate, inner: Candidate) -> None:
    """The speech act proposes the inner act; intentions take their type from it."""
    if outer.type == "PROTEST":  # demonstrators' demands are the protest's topic
        return
    outer.proposed = outer.proposed or inner.proposed or inner.type
    proposed = outer.proposed
    if is_frame(outer.token, "intent") and outer.type not in {"THREATEN", "REJECT"} or (
            outer.type == "THREATEN" and outer.token.lemma_.lower() in {"vow", "swear"}):
        outer.type = intended_type(proposed, outer.type)
    if outer.type in {"REQUEST", "REJECT"} and outer.mode is None:
        outer.mode = request_mode(proposed)
    if outer.type == "THREATEN" and outer.mode is None:
        outer.mode = threat_mode(proposed, inner.mode)
    if not outer.targets:
        outer.targets = list(inner.targets)


def intended_type(proposed: str, default: str) -> str:
    """PLOVER's reading of an announced or intended act of the given type."""
    if proposed in COOPERATIVE:
        return "AGREE"
    if proposed in YIELDING:
        return "CONCEDE"
    if proposed in FORCEFUL or proposed == "REJECT":
        return "THREATEN"
    return default


def request_mode(proposed: str) -> str:
    if proposed in {"AID", "COOPERATE", "SUPPORT"}:
        return "assist"
    if proposed in YIELDING:
        return "yield"
    if proposed in {"CONSULT", "AGREE"}:
        return "meet"
    return "change"


def threat_mode(proposed: str, inner_mode: str | None) -> str | None:
    if proposed in {"ASSAULT", "MOBILIZE"}:
        return "violence"
    if proposed == "COERCE":
        return {"seize": "territory", "arrest": "arrest", "deport": "expel"}.get(
            inner_mode or "", "restrict")
    if proposed == "SANCTION":
        return "expel" if inner_mode == "expel" else "relations" if inner_mode == "withdraw" \
            else "restrict"
    if proposed in {"REJECT", "RETREAT"}:
        return "relations"
    if proposed == "PROTEST":
        return "restrict"
    return None


def _intent_and_future(candidate: Candidate) -> None:
    """An act announced for the future or intended becomes AGREE, CONCEDE or THREATEN; a
    negated agreement becomes a REJECT."""
    token = candidate.token
    verb = token if token.pos_ in {"VERB", "AUX"} else _carrier(token)
    if verb is None:
        return
    intended = _intended(verb)
    future = any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children) or (
        reported_would(verb))
    if (intended or future) and candidate.type not in SPEECH_ACTS - {"SUPPORT", "CONSULT"}:
        candidate.future = True
        if candidate.proposed is None:
            candidate.proposed = candidate.type
        candidate.type = intended_type(candidate.type, candidate.type)
        if _on_condition(verb, {"unless"}):  # "will withdraw its force unless ...": a threat
            candidate.type = "THREATEN"
        if candidate.type == "THREATEN":
            candidate.mode = threat_mode(candidate.proposed, candidate.mode)
        elif candidate.type in {"AGREE", "CONCEDE"}:
            candidate.mode = None
    if candidate.type in {"AGREE", "SUPPORT"} and negated(verb):
        candidate.proposed = candidate.proposed or candidate.type
        candidate.type, candidate.mode = "REJECT", request_mode(candidate.proposed)


def _on_condition(verb: Any, marks: set[str]) -> bool:
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks
                                         for m in c.children) for c in verb.children)


def _carrier(token: Any) -> Any | None:
    """The verb a nominal event is the object of ("will provide aid" -> provide)."""
    if token.dep_ in {"dobj", "nsubjpass", "attr"} and token.head.pos_ in {"VERB", "AUX"}:
        return token.head
    return None


def _intended(verb: Any) -> bool:
    """'ready to X', 'plans to X', 'decided to X' (an intent word that is no trigger itself)."""
    while verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ASPECT_VERBS:
        verb = verb.head  # "prepared to resume shelling"
    if verb.dep_ != "xcomp":
        return False
    return is_frame(verb.head, "intent")


def reported_would(verb: Any) -> bool:
    """'X said it would allow ...': 'would' in reported speech is a future, not a condition."""
    if not any(c.dep_ == "aux" and c.lower_ in {"would", "'d"} for c in verb.children):
        return False
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for t in [verb, *verb.ancestors]
           for c in t.children):
        return False
    if any(c.dep_ == "advcl" and any(m.lower_ in {"if", "unless"} for m in c.children)
           for c in verb.children):
        return True  # "would meet him if he gave them a veto": an offer on a condition
    return verb.dep_ == "ccomp" and verb.head.pos_ in {"VERB", "AUX"}


def _wished(token: Any) -> bool:
    """'she hoped officials would be indicted', 'wants Putin to attack': a wish, no event."""
    clause = token if token.pos_ in {"VERB", "AUX"} else next(
        (a for a in token.ancestors if a.pos_ in {"VERB", "AUX"}), token.head)
    return clause.dep_ in {"xcomp", "ccomp"} and is_frame(clause.head, "wish")


def _describes_a_party(token: Any) -> bool:
    """'Moscow and Beijing, which have resisted a harder line', 'ties frayed by a threat': a
    relative clause describing a party, not an event the sentence reports."""
    clause = token if token.pos_ in {"VERB", "AUX"} else next(
        (a for a in token.ancestors if a.pos_ in {"VERB", "AUX"}), token.head)
    return clause.dep_ == "relcl" and clause.head.pos_ in {"NOUN", "PROPN", "PRON"}


def _in_background(token: Any, by_token: dict[int, Candidate]) -> bool:
    """'after the invasion', 'following clashes', 'since last month's invasion'; and the
    condition of another act ('will withdraw unless the president held elections')."""
    clause = token if token.pos_ in {"VERB", "AUX"} else next(
        (a for a in token.ancestors if a.pos_ in {"VERB", "AUX"}), token.head)
    if clause.dep_ in {"relcl", "acl"} and clause.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        return True  # "two nationals suspected of blowing up a plane": describes a party
    for verb in [clause, *clause.ancestors][:3]:
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" and (c.lower_ in CONDITIONS
                                                              or is_frame(c, "background"))
                                        and not _dated(c) for c in verb.children):
            return True
    head = token
    while head.dep_ in {"pobj", "compound", "amod", "conj"} and head.head.i != head.i:
        head = head.head
        if head.dep_ == "prep" and is_frame(head, "background") or (
                head.dep_ == "prep" and head.lower_ == "of" and is_frame(head.head, "background")):
            return True
    return False


def _dated(mark: Any) -> bool:
    """'two days after the presidents held talks': the clause is dated, an event of its own."""
    return any(t.lower_ in {"day", "days", "week", "weeks", "month", "months", "hours"}
               for t in mark.subtree) or any(
        t.lower_ in {"days", "weeks", "months", "hours"} for t in mark.doc[max(0, mark.i - 2):mark.i])


#: Verbs whose negation leaves their complement unsaid ("does not mean that ...").
IMPLYING = frozenset({"mean", "imply", "suggest", "indicate", "show", "prove", "signal"})


def negated(token: Any) -> bool:
    """The trigger, or the verb it is the complement or object of, is negated; a nominal
    trigger quantified by "no" ("no complaint had been made", "there were no talks") is too."""
    # not a subject: "the attack did not stop them" does not negate the attack
    chain = [token, token.head] if token.dep_ in {"xcomp", "dobj", "pobj", "nsubjpass",
                                                  "attr"} else [token]
    if token.dep_ == "ccomp" and token.head.lemma_.lower() in IMPLYING:
        chain.append(token.head)  # "did not mean that Libya had cut its ties"
    if token.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
        return True
    return any(c.dep_ == "neg" for t in chain for c in t.children)


def subjects(verb: Any) -> list[Any]:
    """The verb's subjects, or its passive agent's object; else those of the verb it is the
    complement or conjunct of ("was ready to contribute": ready's subject)."""
    seen = 0
    while verb is not None and seen < 4:
        found = [c for c in verb.children if c.dep_ == "nsubj"]
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            found += [c for c in agent.children if c.dep_ == "pobj"]
        if found:
            return found
        if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
            return []
        if verb.dep_ == "conj" and verb.tag_ == "VBN" and not any(
                c.dep_ == "aux" for c in verb.children):
            return []  # "was shaken but not badly injured": the one injured is no actor
        if verb.dep_ == "conj" and any(c.dep_ == "nsubjpass" for c in verb.head.children):
            # "has been indicted by the court and will resign": who resigns is the indicted
            return [c for c in verb.head.children if c.dep_ == "nsubjpass"]
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # "denies ... by arming the rebels"
            verb = verb.head
        if verb.dep_ not in {"xcomp", "conj", "acomp", "advcl", "prep"} or verb.head.i == verb.i:
            return []
        if verb.dep_ == "advcl" and verb.head.lemma_ == "be":
            return []
        verb = verb.head
        seen += 1
    return []


def prep_objects(token: Any, preps: set[str]) -> list[Any]:
    return [o for p in token.children if p.dep_ in {"prep", "agent"} and p.lower_ in preps
            for o in p.children if o.dep_ == "pobj"]
