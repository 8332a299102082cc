"""A claim's commitment (its ``stance``) and its content's polarity, from cue and content.

Commitment is how the source stands toward what it says; polarity is whether what it says is
that something is, or is not, so. They are decided apart because a negative sentence is not a
denial: "we would not sit on our hands" asserts something negative, while "the rebel command
denied attacking the post" rejects a proposition somebody holds.

Commitment rules, in order: a no-comment cue ("declined to comment", "would not confirm"); a
denial cue ("denies", "rejected", "dismissed", ``cues.tsv``); a negated cue ("did not deny": a
hedge; "did not say": no comment; "does not believe": an assertion of the negation); a negated
content carried by a rebuttal cue or said in reply ("insisted there are no troops", "said in
response to the accusations that ... did not"): a counter-assertion, so a denial; a hedge word
("probably", "reportedly", modal verbs), a conditional or a belief cue: hedge; a question; else
assert. Polarity: negative when a main predicate of the content is negated ("there are no
regular troops", "is not taking part"), looking through nested reports. A negated statement that
contradicts what another source in the same article asserts is made a denial afterwards
(:func:`claimtrack.stages.attribution` calls :func:`counter_assertions`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack import lexicons

NO_COMMENT_COMPLEMENTS = {"comment", "confirm", "discuss", "elaborate", "say", "answer", "speak",
                          "respond", "specify", "disclose", "give"}
NEGATIVE_DETERMINERS = {"no", "neither", "nor"}
NEGATIVE_ADVERBS = {"never", "not", "n't", "nowhere"}
MODAL_HEDGES = {"may", "might", "could"}
#: Cues that, negated, say the source kept silent ("did not say whether", "would not confirm").
SILENT_WHEN_NEGATED = frozenset({"say", "confirm", "comment", "disclose", "specify", "reveal",
                                 "elaborate", "answer", "respond", "tell", "explain", "state"})
#: "does not think that X": the negation belongs to X (an assertion of not-X, or a hedge).
BELIEF_NEGATION_RAISERS = frozenset({"think", "believe", "expect", "suppose", "reckon",
                                     "feel", "suspect", "consider"})
#: Cues that, negated, dispute the content ("did not accept that", "does not agree").
DISPUTING_WHEN_NEGATED = frozenset({"accept", "agree", "admit", "acknowledge", "concede"})
#: Cues that answer somebody: with a negated content they reject what that somebody holds.
REBUTTAL_CUES = frozenset({"insist", "maintain", "counter", "retort", "respond", "reply",
                           "rebuff", "protest", "rebut", "stress", "assure", "reiterate"})
REPLY_OPENERS = frozenset({"response", "responding", "reply", "replying", "contrary",
                           "answer", "answering", "reaction", "reacting"})
REPLY_OBJECTS = frozenset({"accusation", "accusations", "allegation", "allegations", "claim",
                           "claims", "report", "reports", "charge", "charges", "suggestion",
                           "suggestions", "rumours", "rumors", "question", "questions"})


@cache
def cue_stances() -> dict[str, str]:
    """Cue lemma -> the stance the cue carries by itself (lexicons/cues.tsv). Do not mutate."""
    return {lemma: row[0] for lemma, row in lexicons.table("cues.tsv").items()}


@cache
def _cue_lemmas() -> frozenset[str]:
    return frozenset(cue_stances())


def _tokens(parse: Any, start: int, end: int) -> list[Any]:
    """The tokens in [start, end) without scanning the whole document."""
    span = parse.char_span(start, end, alignment_mode="expand")
    return [t for t in span if start <= t.idx < end] if span is not None else []


def is_no_comment(cue: Any) -> bool:
    """'declined/refused to comment', 'would not comment', 'did not respond to a request'."""
    if cue.lemma_ in {"decline", "refuse"}:
        return any(c.dep_ == "xcomp" and c.lemma_ in NO_COMMENT_COMPLEMENTS for c in cue.children)
    if cue.lemma_ in {"comment", "respond", "confirm"}:
        return any(c.dep_ == "neg" for c in cue.children)
    return False


def is_negated(predicate: Any) -> bool:
    """A predicate with 'not'/'never', or whose subject or object is quantified by 'no' or
    'not a single'."""
    for child in predicate.children:
        if child.dep_ == "neg" or child.lower_ in {"never"}:
            return True
        if predicate.pos_ in {"NOUN", "PROPN"} and child.dep_ == "det" \
                and child.lower_ in NEGATIVE_DETERMINERS:
            return True  # a verbless headline: "No gender segregation on Saudia"
        if child.dep_ in {"nsubj", "nsubjpass", "attr", "dobj"}:
            if any(d.lower_ in NEGATIVE_DETERMINERS and d.dep_ == "det" for d in child.children):
                return True
            if any(d.lower_ == "not" for d in child.children):  # "not a single shop"
                return True
            if child.lower_ in {"nothing", "nobody", "none", "noone"}:
                return True
    return False


def content_predicates(parse: Any, start: int, end: int, cues: frozenset[str]) -> list[Any]:
    """Main predicates of a content span: tokens whose head lies outside it (one per clause),
    followed into the complement when the predicate is itself a report ('said ... there are')."""
    inside = _tokens(parse, start, end)
    roots = [t for t in inside if t.head.i == t.i or not start <= t.head.idx < end]
    roots = [t for t in roots if t.pos_ in {"VERB", "AUX", "NOUN", "ADJ", "PRON"}]
    out: list[Any] = []
    for root in roots:
        out.append(root)
        if root.lemma_ in cues:
            out.extend(c for c in root.children if c.dep_ == "ccomp")
    return out


#: Cues whose content is a question when it is phrased as one ("asked whether ...").
QUESTION_CUES = frozenset({"ask", "wonder", "question", "inquire", "query"})
WH_WORDS = frozenset({"whether", "if", "who", "what", "why", "when", "where", "how", "which"})
#: Nouns naming what somebody else holds: a rejected one is a denial, one as the subject of
#: the content's predicate keeps the outlet at a distance ("Reports of X raise fears").
REPORT_NOUNS = frozenset({"report", "rumor", "rumour", "claim", "speculation", "allegation",
                          "story", "gossip", "whisper", "buzz"})
#: Verbs that, with a report noun as object, reject it ("kills the rumor", "quashed reports").
REJECTING_VERBS = frozenset({"kill", "quash", "squash", "dispel", "debunk", "dismiss", "slam",
                             "scotch", "refute", "deny", "reject", "rebut", "shoot", "bust",
                             "lay", "put", "end", "silence", "shut"})
#: Report verbs that raise their subject in the passive: "Trump is expected to win",
#: "Microsoft said to be buying Mojang": the subject is what the report is about, not a source.
RAISING_REPORTS = {"say", "report", "rumor", "rumour", "believe", "think", "expect", "allege",
                   "understand", "know", "reckon", "suppose", "fear", "estimate", "claim"}
#: Syntactic roles in which a debunking word says the content is false ("X is a hoax").
DEBUNKING_ROLES = frozenset({"ROOT", "attr", "acomp", "oprd", "dobj", "ccomp", "xcomp", "conj"})


def _interrogative(content: list[Any]) -> bool:
    """Phrased as a question: a '?', a wh-word or 'whether' first, or subject-auxiliary
    inversion ("Did Russian troops cross the border")."""
    words = [t for t in content if not t.is_punct]
    if not words:
        return False
    if any(t.text == "?" for t in content) or words[0].lower_ in WH_WORDS:
        return True
    return words[0].tag_ == "MD" or (words[0].pos_ == "AUX" and words[0].dep_ == "aux"
                                     and words[0].i < words[0].head.i
                                     and any(c.dep_ in {"nsubj", "nsubjpass"}
                                             and c.i > words[0].i for c in words[0].head.children))


@cache
def _debunk_words() -> frozenset[str]:
    return frozenset(w for w in lexicons.words("debunk.txt") if " " not in w)


def _debunks(content: list[Any]) -> bool:
    """A debunking word ("hoax", "fabrication", "fake", "untrue") carrying the content's
    predicate, not negated and not a mere modifier ("fake news")."""
    words = _debunk_words()
    for token in content:
        as_what = token.dep_ == "pobj" and token.head.lower_ == "as"  # "outed as fake"
        if token.lower_ in words and (token.dep_ in DEBUNKING_ROLES or as_what):
            if not any(c.dep_ == "neg" or c.lower_ in {"no", "not"} for c in token.children) \
                    and not is_negated(token.head):
                return True
    return False


def _rejects_report(content: list[Any]) -> bool:
    """A report or rumour that the content rejects: the object of a rejecting verb ("Snyder
    kills stolen Batmobile rumor", "police quashed reports"; "put ... to rest" counts only with
    "rest"), or one called fake ("responds to fake stolen Batmobile report")."""
    debunking = _debunk_words()
    for token in content:
        if token.lemma_.lower() not in REPORT_NOUNS:
            continue
        if any(c.dep_ == "amod" and c.lower_ in debunking for c in token.children):
            return True
        head = token.head
        if token.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in REJECTING_VERBS \
                and not is_negated(head):
            if head.lemma_.lower() not in {"put", "lay"} or any(
                    t.lower_ == "rest" for t in head.subtree):
                return True
    return False


def _report_is_subject(content: list[Any], start: int, end: int) -> bool:
    """The content's main predicate has a report for subject ("Reports of missing planes raise
    fears"): the outlet passes the report on without taking it as fact."""
    for token in content:
        if (token.dep_ == "nsubj" and token.lemma_.lower() in REPORT_NOUNS
                and token.head.pos_ in {"VERB", "AUX"}
                and (token.head.dep_ == "ROOT" or not start <= token.head.idx < end)):
            return True
    return False


def raised_report(cue: Any) -> bool:
    """A report verb in the passive with an infinitive and no agent ("is expected to win",
    "said to be buying", "are believed to have fled"); "said to" also without the auxiliary,
    as headlines write it. "He claimed to be a doctor" (active) is not one."""
    if cue.lemma_ not in RAISING_REPORTS or any(c.dep_ == "agent" for c in cue.children):
        return False
    infinitive = any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                     for c in cue.children)
    if not infinitive:
        return False
    passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in cue.children) \
        or (cue.tag_ == "VBN" and cue.dep_ == "acl")
    headline_said = cue.lemma_ == "say" and cue.i + 1 < len(cue.doc) \
        and cue.doc[cue.i + 1].lower_ == "to" and not any(c.dep_ == "dobj" for c in cue.children)
    return passive or headline_said


def _passes_on_report(content: list[Any]) -> bool:
    """A report with the reported clause inside the content ("investigating reports that IS
    has captured a woman", "amid rumours the Batmobile was stolen"): what the clause says is
    passed on, not stated. A rejected report is a denial and is checked first."""
    return any(t.lemma_.lower() in REPORT_NOUNS and t.pos_ == "NOUN"
               and any(c.dep_ in {"acl", "ccomp", "relcl"} and c.pos_ in {"VERB", "AUX"}
                       and not any(m.lower_ in {"which", "who"} for m in c.children)
                       for c in t.children)
               for t in content)


def polarity_of(parse: Any, start: int, end: int) -> str:
    """``negative`` when a main predicate of the content [start, end) is negated."""
    predicates = content_predicates(parse, start, end, _cue_lemmas())
    return "negative" if any(is_negated(p) for p in predicates) else "positive"


def _said_in_reply(cue: Any) -> bool:
    """'said in response to the accusations', 'responding to reports', 'contrary to claims':
    the cue's sentence answers something somebody else holds."""
    sentence = cue.sent
    words = [t.lower_ for t in sentence]
    for i, word in enumerate(words[:-1]):
        if word in REPLY_OPENERS and words[i + 1] == "to":
            if any(w in REPLY_OBJECTS for w in words[i + 2 : i + 8]):
                return True
    return False


def stance_of(cue: Any | None, cue_lemma: str, parse: Any, start: int, end: int) -> str:
    """The source's commitment to a claim whose content is parse text [start, end)."""
    stances = cue_stances()
    lexical = stances.get(cue_lemma, "assert")
    if cue is not None and is_no_comment(cue):
        return "no_comment"
    cue_negated = cue is not None and any(c.dep_ == "neg" for c in cue.children)
    if lexical == "deny":
        return "hedge" if cue_negated else "deny"  # "did not deny": a half admission
    if cue_negated:
        if cue_lemma in SILENT_WHEN_NEGATED:
            return "no_comment"  # "did not say whether", "would not confirm"
        if cue_lemma not in BELIEF_NEGATION_RAISERS:
            return "deny" if lexical == "assert" and cue_lemma in DISPUTING_WHEN_NEGATED else "assert"
    if cue is not None and (cue_lemma in REBUTTAL_CUES or _said_in_reply(cue)):
        if polarity_of(parse, start, end) == "negative":
            return "deny"  # "insisted there are no regular troops there"
    content = _tokens(parse, start, end)
    if cue is not None and cue_lemma in QUESTION_CUES and not any(
            c.dep_ == "xcomp" for c in cue.children):  # "asked them to leave" is a request
        if _interrogative(content):
            return "question"  # "asked whether the army had used cluster munitions"
    if _debunks(content):
        return "deny"  # "called the reports a fabrication", "the video is a hoax"
    if _rejects_report(content):
        return "deny"  # "Snyder kills stolen Batmobile rumor"
    hedges = lexicons.words("hedges.txt")
    if any(t.lower_ in hedges and (t.tag_ == "MD" or t.lower_ not in MODAL_HEDGES)
           and not (t.lower_ in {"could", "can"} and is_negated(t.head)) for t in content):
        return "hedge"  # but "could not reach" says what was impossible, it does not guess
    if any(t.lemma_ in {"appear", "seem"} and t.pos_ in {"VERB", "AUX"}
           and (t.dep_ == "ROOT" or not start <= t.head.idx < end) for t in content):
        return "hedge"  # "it appears the ceasefire has collapsed"
    if any(t.lower_ == "if" and t.dep_ == "mark" for t in content):
        return "hedge"
    if any(raised_report(t) for t in content if t.pos_ in {"VERB", "AUX"}):
        return "hedge"  # "Trump is expected to win", "Microsoft said to be buying Mojang"
    if _report_is_subject(content, start, end):
        return "hedge"  # "Reports of missing Libyan planes raise fears"
    if _passes_on_report(content):
        return "hedge"  # "Ottawa investigating reports that IS has captured a woman"
    if lexical == "hedge":
        return "hedge"
    # the content's own tokens, not parse.text: spaCy rebuilds Doc.text from every token
    # on each access, which cost a millisecond per claim
    if "".join(t.text_with_ws for t in content).rstrip(" \"”'’").endswith("?"):
        return "question"
    return "assert"
