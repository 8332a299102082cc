"""Stages that declare what they require and produce, and the runner that checks and runs them.

A stage is any object with ``name``, ``requires``, ``produces`` and ``run(docs) -> docs``. The
pipeline checks the order once, when it is built (as spaCy's ``analyze_pipes`` does for its
components), and runs stages batch by batch. When a stage fails on a batch, the batch is rerun
one document at a time so that only the bad document fails, with its name and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from claimtrack.errors import ClaimtrackError, PipelineOrderError
from claimtrack.model import Document, RawDocument

#: What every document has before the first stage runs.
INITIAL_FIELDS = frozenset({"raw"})


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: frozenset[str]
    produces: frozenset[str]

    def run(self, docs: list[Document]) -> list[Document]:
        """Process a batch; may raise for the batch, never does I/O."""
        ...


@dataclass
class Outcome:
    """The result for one input: a processed document, or the reason it failed."""

    name: str
    document: Document | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_order(stages: Sequence[Stage], available: frozenset[str] = INITIAL_FIELDS) -> None:
    """Raise PipelineOrderError if any stage requires a field no earlier stage produces."""
    have = set(available)
    for stage in stages:
        missing = stage.requires - have
        if missing:
            raise PipelineOrderError(
                f"stage {stage.name!r} requires {sorted(missing)}, which no earlier stage "
                f"produces (available: {sorted(have)})"
            )
        have |= stage.produces


class Pipeline:
    """An ordered, checked list of stages with a batching, error-isolating runner."""

    def __init__(self, stages: Sequence[Stage], batch_size: int = 64) -> None:
        check_order(stages)
        self.stages = list(stages)
        self.batch_size = batch_size
        self.language_specific = _language_specific(self.stages)

    @property
    def produces(self) -> frozenset[str]:
        out = set(INITIAL_FIELDS)
        for stage in self.stages:
            out |= stage.produces
        return frozenset(out)

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)

    def run(self, raws: Iterable[RawDocument | Outcome]) -> Iterator[Outcome]:
        """Process inputs in batches, yielding one Outcome per input in input order.

        Items that are already failed Outcomes (a reader could not read them) pass through,
        so that a batch reports every input exactly once.
        """
        batch: list[RawDocument | Outcome] = []
        for item in raws:
            batch.append(item)
            if len(batch) >= self.batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, items: list[RawDocument | Outcome]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        docs: list[Document] = []
        for item in items:
            if isinstance(item, Outcome):
                outcomes.append(item)
            else:
                outcome = Outcome(item.name, Document(raw=item))
                outcomes.append(outcome)
                docs.append(outcome.document)  # type: ignore[arg-type]
        by_doc = {id(o.document): o for o in outcomes if o.document is not None}
        for stage in self.stages:
            live = [d for d in docs if by_doc[id(d)].ok
                    and (d.analysed or stage.name not in self.language_specific)]
            if not live:
                break
            try:
                stage.run(live)
            except Exception:  # noqa: BLE001 - isolate the failing document below
                for doc in live:
                    try:
                        stage.run([doc])
                    except ClaimtrackError as exc:
                        _fail(by_doc[id(doc)], str(exc))
                    except Exception as exc:  # noqa: BLE001 - a bug must not sink the batch
                        _fail(by_doc[id(doc)], f"{doc.name}: {stage.name} failed: "
                                               f"{type(exc).__name__}: {exc}")
        for outcome in outcomes:
            if outcome.document is not None:
                outcome.document.parse = None
        return outcomes


def _language_specific(stages: Sequence[Stage]) -> set[str]:
    """Names of stages that only make sense on an analysed language: those marked
    ``language_specific`` and every stage that needs what one of them produces."""
    names: set[str] = set()
    fields: set[str] = set()
    for stage in stages:
        if getattr(stage, "language_specific", False) or stage.requires & fields:
            names.add(stage.name)
            fields |= stage.produces
    return names


def _fail(outcome: Outcome, message: str) -> None:
    outcome.error = message if message.startswith(outcome.name) else f"{outcome.name}: {message}"
    outcome.document = None
