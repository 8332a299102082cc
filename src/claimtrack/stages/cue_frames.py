"""Cue frames: a verb's lemma with the shape of its complement, and the ones learned as cues.

PolNeAR annotates far more cues than speech verbs (beliefs, intentions, evaluations: "wants
voters to recall", "backed the plan", "talked about"), so a hand lexicon misses most indirect
attributions. ``lexicons/learned_cues.tsv`` is induced from the PolNeAR *train* split by
``python -m claimtrack.evaluation.cue_induction``: for each (lemma, frame) seen with a subject,
how often it heads a gold cue. Attribution uses frames that are cues at least 25% of the time.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack import lexicons

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# Chosen on PolNeAR train alone: frames induced from the even-numbered half, scored on 300
# texts of the other half (content F1 0.631 at 0.3/3, 0.635 at 0.3/2, 0.636 at 0.25/2, 0.636
# at 0.2/2, with indirect recall rising); near half the reachable F1, as Lipton et al. (2014)
# would put the F1-optimal threshold.
LEARNED_MIN_PRECISION = 0.25
LEARNED_MIN_COUNT = 2


def subject_of(verb: Any) -> Any | None:
    """A verb's subject, or that of the verb it is coordinated with or governed by; the agent
    of a passive ("was told by X")."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        if subject is not None:
            if subject.dep_ == "nsubjpass":
                agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            return subject
        participle = verb.tag_ == "VBG" and verb.dep_ in {"advcl", "xcomp", "conj"}
        if (verb.dep_ in {"conj", "xcomp"} or participle) and verb.head.i != verb.i:
            verb = verb.head  # "X criticized Y, saying that ..." -> X
        else:
            return None
    return None


def frame_of(verb: Any) -> str:
    """The shape of a verb's complement: ccomp, xcomp, dobj, prep_<word>, acomp_<adjective>
    (for "be": "is critical of", "was confident that"), or none."""
    if verb.lemma_ == "be":
        acomp = next((c for c in verb.children if c.dep_ == "acomp"), None)
        return f"acomp_{acomp.lemma_.lower()}" if acomp is not None else "none"
    deps = {c.dep_ for c in verb.children}
    if deps & {"ccomp", "parataxis"}:
        return "ccomp"
    if "xcomp" in deps:
        return "xcomp"
    if "dobj" in deps:
        return "dobj"
    prep = next((c for c in verb.children if c.dep_ == "prep"
                 and any(g.dep_ in {"pobj", "pcomp"} for g in c.children)), None)
    return f"prep_{prep.lower_}" if prep is not None else "none"


@cache
def learned_frames(min_precision: float = LEARNED_MIN_PRECISION,
                   min_count: int = LEARNED_MIN_COUNT) -> frozenset[tuple[str, str]]:
    """(lemma, frame) pairs that head a gold cue often enough in PolNeAR train."""
    out = set()
    for key, row in lexicons.table("learned_cues.tsv").items():
        lemma, frame = key.split("|")
        cues, seen = int(row[0]), int(row[1])
        if cues >= min_count and cues / seen >= min_precision:
            out.add((lemma, frame))
    return frozenset(out)


@cache
def unlikely_frames(max_precision: float = 0.25, min_seen: int = 20) -> frozenset[tuple[str, str]]:
    """(lemma, frame) pairs of hand-lexicon cues that PolNeAR train rarely counts as cues
    ("think" with a clause: 12%, mostly "I think" in quotes), skipped by attribution."""
    out = set()
    for key, row in lexicons.table("learned_cues.tsv").items():
        lemma, frame = key.split("|")
        cues, seen = int(row[0]), int(row[1])
        if seen >= min_seen and cues / seen < max_precision:
            out.add((lemma, frame))
    return frozenset(out)


def noun_source_of(noun: Any) -> Any | None:
    """The source of a reporting noun: "Russia's denials", "the criticism by the union"."""
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is not None:
        return poss
    by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in {"by", "from"}), None)
    return next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None


def noun_frame_of(noun: Any) -> str:
    """The shape of a reporting noun's complement: noun_that, noun_to, noun_prep_<word>, noun."""
    for child in noun.children:
        if child.dep_ in {"acl", "ccomp", "relcl"} and any(
                m.lower_ == "that" and m.dep_ == "mark" for m in child.children):
            return "noun_that"
        if child.dep_ == "acl" and any(m.dep_ == "aux" and m.lower_ == "to" for m in child.children):
            return "noun_to"
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ not in {"by", "from"}
                 and any(g.dep_ in {"pobj", "pcomp"} for g in c.children)), None)
    return f"noun_prep_{prep.lower_}" if prep is not None else "noun"
