"""The stage runner: order checked at build time, one bad document never sinks a batch."""

from __future__ import annotations

import pytest

from claimtrack.errors import InputError, PipelineOrderError
from claimtrack.model import Document, RawDocument
from claimtrack.pipeline import Outcome, Pipeline


class Upper:
    name, requires, produces = "upper", frozenset({"raw"}), frozenset({"text"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            if "bad" in doc.raw.content:
                raise InputError(doc.name, "contains 'bad'")
            doc.text = doc.raw.content.upper()
        return docs


class Count:
    name, requires, produces = "count", frozenset({"text"}), frozenset({"count"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            doc.title = str(len(doc.text))
        return docs


def test_pipeline_rejects_stage_whose_requirement_is_not_produced() -> None:
    with pytest.raises(PipelineOrderError, match="'count' requires \\['text'\\]"):
        Pipeline([Count(), Upper()])


def test_pipeline_isolates_failing_document_and_keeps_order() -> None:
    raws = [RawDocument("a", "one"), RawDocument("b", "bad two"), Outcome("c", error="c: unreadable"),
            RawDocument("d", "four")]
    outcomes = list(Pipeline([Upper(), Count()], batch_size=2).run(raws))
    assert [o.name for o in outcomes] == ["a", "b", "c", "d"]
    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert outcomes[1].error == "b: contains 'bad'"
    assert outcomes[3].document is not None and outcomes[3].document.title == "4"
