"""Criticism in speech as an event: a source asserting a judgement of a party's conduct
("Mr Williams said the hospital's handling was unacceptable") ACCUSEs it (disapprove), as the
PLOVER manual and the BBC set code criticism, though no trigger verb names the act."""

from __future__ import annotations

from typing import Any

from claimtrack import lexicons
from claimtrack.model import Document
from claimtrack.stages.agents import can_act
from claimtrack.stages.event_frames import Candidate, negated


def criticisms(doc: Document, sentence: Any) -> list[Candidate]:
    """'Mr Williams said the hospital was failing patients', 'He said the government's plan
    was "a shambles"': a source asserting a judgement of conduct (``criticism.txt``) about a
    party that can act ACCUSEs it (disapprove), as the PLOVER manual and the BBC set code
    criticism. The cue verb is the trigger, the source the actor, the judged party the target;
    a judgement with no party in the content ("the failure of the talks") codes nothing."""
    out: list[Candidate] = []
    words = lexicons.words("criticism.txt")
    for claim in doc.claims:
        if claim.kind not in {"direct", "indirect", "mixed"} or claim.stance != "assert" \
                or claim.cue_span is None or claim.source_span is None:
            continue
        if not sentence.start_char <= claim.cue_span.start < sentence.end_char:
            continue
        cue = doc.parse.char_span(claim.cue_span.start, claim.cue_span.end,
                                  alignment_mode="expand")
        source = doc.parse.char_span(claim.source_span.start, claim.source_span.end,
                                     alignment_mode="expand")
        content = doc.parse.char_span(claim.content.start, claim.content.end,
                                      alignment_mode="expand")
        if cue is None or source is None or content is None:
            continue
        judged = [t for t in content if (t.lemma_.lower() in words or t.lower_ in words)
                  and not negated(t)]
        if not judged:
            continue
        parties = [t for t in content if t.dep_ in {"nsubj", "nsubjpass", "poss", "dobj"}
                   and can_act(doc, t) and t.lower_ not in {"i", "we", "my", "our", "me", "us"}]
        if not parties or not can_act(doc, source.root):
            continue
        if all(c.token.i != cue.root.i for c in out):
            out.append(Candidate(token=cue.root, type="ACCUSE", mode="disapprove",
                                 actors=[source.root], targets=parties[:1]))
    return out
