"""Stance of a claim from its cue and content: assert, deny, hedge, no_comment or question.

Rules, in order: a no-comment cue ("declined to comment"); a denial cue ("denies",
"rejected"); a negated main predicate in the content ("there are no regular troops",
"is not taking part"), looking through nested reports ("the authorities said many times
there are no ..."); a hedge word ("probably", "reportedly", modal verbs), a conditional
("if it was proved true") or a belief cue ("believes"); a question; else assert.
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
    """A predicate with 'not'/'never', or whose subject or object is quantified by 'no'."""
    for child in predicate.children:
        if child.dep_ == "neg" or child.lower_ in {"never"}:
            return True
        if child.dep_ in {"nsubj", "nsubjpass", "attr", "dobj"}:
            if any(d.lower_ in NEGATIVE_DETERMINERS and d.dep_ == "det" for d in child.children):
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


def stance_of(cue: Any | None, cue_lemma: str, parse: Any, start: int, end: int) -> str:
    """The stance of a claim whose content is parse text [start, end)."""
    stances = cue_stances()
    lexical = stances.get(cue_lemma, "assert")
    if cue is not None and is_no_comment(cue):
        return "no_comment"
    if lexical == "deny":
        return "deny"
    if cue is not None and any(c.dep_ == "neg" for c in cue.children):
        return "deny"
    predicates = content_predicates(parse, start, end, _cue_lemmas())
    if any(is_negated(p) for p in predicates):
        return "deny"
    content = _tokens(parse, start, end)
    hedges = lexicons.words("hedges.txt")
    if any(t.lower_ in hedges and (t.tag_ == "MD" or t.lower_ not in MODAL_HEDGES) for t in content):
        return "hedge"
    if any(t.lower_ == "if" and t.dep_ == "mark" for t in content):
        return "hedge"
    if lexical == "hedge":
        return "hedge"
    # the content's own tokens, not parse.text: spaCy rebuilds Doc.text from every token
    # on each access, which cost a millisecond per claim
    if "".join(t.text_with_ws for t in content).rstrip(" \"”'’").endswith("?"):
        return "question"
    return "assert"
