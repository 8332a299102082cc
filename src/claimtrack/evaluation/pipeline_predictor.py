"""The default attribution predictor: run the claimtrack pipeline, keep non-narration claims.

Claim spans are offsets into ``Document.text``; when the pipeline's clean text is not the
input text, spans are realigned onto the input so they can be compared with the gold offsets.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.evaluation.attribution import Fragment, PredictedAttribution

#: Replaced blocks larger than this (product of lengths) are left unaligned, to bound the cost.
MAX_BLOCK_CELLS = 4_000_000


def map_offsets(clean: str, original: str) -> Callable[[Fragment], Fragment | None]:
    """A function mapping a span of ``clean`` onto ``original`` (None if nothing aligns).

    Identity when the texts are equal, a shift when ``clean`` occurs in ``original``;
    otherwise the lines of both are aligned (compared with whitespace collapsed), characters
    of equal lines are paired in order, and changed blocks are aligned character by character.
    """
    if clean == original:
        return lambda span: span
    shift = original.find(clean) if clean else -1
    if shift >= 0:
        return lambda span: (span[0] + shift, span[1] + shift)
    position = _align(clean, original)

    def mapped(span: Fragment) -> Fragment | None:
        hits = [position[i] for i in range(max(0, span[0]), min(span[1], len(clean)))]
        hits = [h for h in hits if h >= 0]
        return (min(hits), max(hits) + 1) if hits else None

    return mapped


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
    return spans


def _align(clean: str, original: str) -> list[int]:
    """For each offset of ``clean``, its offset in ``original`` (-1 when unaligned)."""
    position = [-1] * len(clean)
    a_lines, b_lines = _lines(clean), _lines(original)
    a_keys = [" ".join(clean[s:e].split()) for s, e in a_lines]
    b_keys = [" ".join(original[s:e].split()) for s, e in b_lines]
    matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (a0, a1), (b0, b1) in zip(a_lines[i1:i2], b_lines[j1:j2]):
                a_chars = [i for i in range(a0, a1) if not clean[i].isspace()]
                b_chars = [j for j in range(b0, b1) if not original[j].isspace()]
                for i, j in zip(a_chars, b_chars):
                    position[i] = j
        elif tag == "replace":
            a0, a1 = a_lines[i1][0], a_lines[i2 - 1][1]
            b0, b1 = b_lines[j1][0], b_lines[j2 - 1][1]
            if (a1 - a0) * (b1 - b0) > MAX_BLOCK_CELLS:
                continue
            chars = difflib.SequenceMatcher(None, clean[a0:a1], original[b0:b1], autojunk=False)
            for a, b, size in chars.get_matching_blocks():
                position[a0 + a : a0 + a + size] = range(b0 + b, b0 + b + size)
    return position


def claims_to_predictions(document: Any, text: str) -> list[PredictedAttribution]:
    """Map a processed Document's non-narration claims to predictions over ``text``, with the
    source as written and the entity it was resolved to (for ``pronoun_sources_resolved``)."""
    to_original = map_offsets(document.text, text)
    predictions = []
    for claim in document.claims:
        if claim.kind == "narration":
            continue
        content = to_original((claim.content.start, claim.content.end))
        if content is None:
            continue
        source = None
        if claim.source_span is not None:
            source = to_original((claim.source_span.start, claim.source_span.end))
        entity = document.entity(claim.source_entity)
        predictions.append(PredictedAttribution(
            [content], [source] if source else [], source_text=claim.source_text,
            resolved_name=entity.name if entity else None,
            resolved_type=entity.type if entity else None,
        ))
    return predictions


class PipelinePredictor:
    """The default batch predictor: ``claimtrack.process_many`` over all texts at once.

    PolNeAR texts are already clean article text, so they are passed as RawDocuments of
    format ``clean`` (used verbatim, offsets unchanged); ``realigned`` counts documents whose
    text still differs and whose spans were realigned onto the input. When the batch fails,
    texts are processed one by one; texts the pipeline rejects get no predictions and are
    listed in ``failures``.
    """

    def __init__(self, pipeline: Any = None) -> None:
        self.pipeline = pipeline  # None: claimtrack's default pipeline
        self.failures: list[str] = []
        self.realigned = 0

    def __call__(self, texts: list[str]) -> list[list[PredictedAttribution]]:
        from claimtrack.api import process_many
        from claimtrack.readers import raw_from_string

        raws = [raw_from_string(text, name=f"<polnear text {i}>", fmt="clean")
                for i, text in enumerate(texts)]
        documents: list[Any]
        try:
            documents = process_many(raws, self.pipeline)
        except ClaimtrackError:
            documents = [self._process_one(process_many, raw) for raw in raws]
        results = []
        for document, text in zip(documents, texts, strict=True):
            if document is None:
                results.append([])
                continue
            self.realigned += document.text != text
            results.append(claims_to_predictions(document, text))
        return results

    def _process_one(self, process_many: Callable[..., list[Any]], raw: Any) -> Any:
        try:
            return process_many([raw], self.pipeline)[0]
        except ClaimtrackError as exc:
            self.failures.append(str(exc))
            return None
