"""Stages that declare what they require and produce, and the runner that checks and runs them.

A stage is any object with ``name``, ``requires``, ``produces`` and ``run(docs) -> docs``. The
pipeline checks the order once, when it is built (as spaCy's ``analyze_pipes`` does for its
components), and runs stages batch by batch. When a stage fails on a batch, the batch is rerun
one document at a time so that only the bad document fails, with its name and the reason.

Each document has a time budget per stage (setting ``pipeline.time_budget_s``), so that no
input (a pathological page, a regular expression that backtracks) can hang a batch: see
:class:`StageTimer`. A stage whose documents are independent and may be slow one by one (extract)
declares ``prepare`` and ``run_one`` (:class:`PerDocumentStage`): it runs document by document
from the start, each under its own budget, so an over-budget batch is never run a second time.
A stage that hands work to a child process asks :func:`time_left` how long it may wait.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType
from typing import Protocol, runtime_checkable

from claimtrack.errors import ClaimtrackError, PipelineOrderError
from claimtrack.model import Document, RawDocument

#: What every document has before the first stage runs.
INITIAL_FIELDS = frozenset({"raw"})
#: Seconds one document may spend in one stage (the default of ``pipeline.time_budget_s``).
DEFAULT_TIME_BUDGET_S = 60.0
#: time.monotonic() by which the running stage must be done with its document (None: no budget).
_DEADLINE: ContextVar[float | None] = ContextVar("claimtrack_stage_deadline", default=None)


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: frozenset[str]
    produces: frozenset[str]

    def run(self, docs: list[Document]) -> list[Document]:
        """Process a batch; may raise for the batch, never does I/O."""
        ...


@runtime_checkable
class PerDocumentStage(Stage, Protocol):
    """A stage run one document at a time, each under its own budget, never batch-then-rerun.

    ``prepare`` computes what the documents of a batch share (it may return None); ``run_one``
    processes one document with it and raises for that document only. ``run`` must stay
    equivalent to ``prepare`` followed by ``run_one`` on each document.
    """

    def prepare(self, docs: list[Document]) -> object:
        """What the batch's documents share, computed once per batch."""
        ...

    def run_one(self, doc: Document, context: object) -> None:
        """Process one document; ``context`` is what ``prepare`` returned, or None."""
        ...


def time_left() -> float | None:
    """Seconds the running stage has left for its document, or None without a budget.

    A stage waiting on work it cannot interrupt (a child process) waits at most this long."""
    deadline = _DEADLINE.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


@dataclass
class Outcome:
    """The result for one input: a processed document, or the reason it failed."""

    name: str
    document: Document | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.error is not None:
            self.error = one_line(self.error)

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

    def __init__(self, stages: Sequence[Stage], batch_size: int = 64,
                 time_budget_s: float | None = DEFAULT_TIME_BUDGET_S) -> None:
        check_order(stages)
        self.stages = list(stages)
        self.batch_size = batch_size
        self.language_specific = _language_specific(self.stages)
        self.timer = StageTimer(time_budget_s)

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
            self._run_stage(stage, live, by_doc)
        for outcome in outcomes:
            if outcome.document is not None:
                outcome.document.parse = None
        return outcomes

    def _run_stage(self, stage: Stage, live: list[Document], by_doc: dict[int, Outcome]) -> None:
        """Run one stage on a batch; on an error or an exceeded budget, rerun it document by
        document, so that only the documents at fault fail. A :class:`PerDocumentStage` runs
        document by document at once."""
        if isinstance(stage, PerDocumentStage):
            self._run_each(stage, live, by_doc)
            return
        try:
            with self.timer.limit():
                stage.run(live)
        except (OverBudget, Exception):  # noqa: BLE001 - isolate the failing document below
            self._run_one_by_one(stage, live, by_doc)

    def _run_each(self, stage: PerDocumentStage, live: list[Document],
                  by_doc: dict[int, Outcome]) -> None:
        """``prepare`` once (within one budget; without its context if that fails), then each
        document alone under its own budget: every document is processed exactly once."""
        try:
            with self.timer.limit():
                context = stage.prepare(live)
        except (OverBudget, Exception):  # noqa: BLE001 - the context is an optimisation
            context = None
        for doc in live:
            self._run_guarded(stage, doc, by_doc[id(doc)], lambda d=doc: stage.run_one(d, context))

    def _run_one_by_one(self, stage: Stage, live: list[Document],
                        by_doc: dict[int, Outcome]) -> None:
        for doc in live:
            self._run_guarded(stage, doc, by_doc[id(doc)], lambda d=doc: stage.run([d]))

    def _run_guarded(self, stage: Stage, doc: Document, outcome: Outcome,
                     call: Callable[[], object]) -> None:
        """Run ``call`` for one document under its budget; a failure fails that document."""
        try:
            with self.timer.limit():
                call()
        except OverBudget:
            _fail(outcome, f"{doc.name}: exceeded the time budget of {self.timer.budget_s:g} s "
                           f"in stage {stage.name!r} (setting pipeline.time_budget_s)")
        except ClaimtrackError as exc:
            _fail(outcome, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not sink the batch
            _fail(outcome, f"{doc.name}: {stage.name} failed: {type(exc).__name__}: {exc}")


class OverBudget(BaseException):
    """A stage ran past its time budget. A BaseException, like KeyboardInterrupt, so that a
    stage's own ``except Exception`` cannot swallow it."""


class StageTimer:
    """Enforce a time budget of ``budget_s`` seconds per document per stage.

    In the main thread a stage's whole batch runs under a SIGALRM timer (``signal.setitimer``)
    of one budget: a batch done within it had no document over budget. When the timer fires,
    the stage is interrupted and the pipeline reruns the batch one document at a time, each
    under its own timer, so only a document that alone outlasts the budget fails. A batch is
    far quicker than one budget (64 documents take seconds; the default budget is 60 s), so
    the rerun, which gives up batching for that batch, is rare. The timer interrupts Python
    code only: one call into C (a regular expression match, an lxml parse) runs to its end
    before the alarm is seen.

    Signals can only be handled in the main thread, so elsewhere (the web app's worker
    threads), and when SIGALRM's timer is already in use, the time is measured instead: a
    batch that took longer than one budget is rerun document by document, and a document that
    took longer than the budget fails once its stage returns. That reports a slow document and
    keeps the rest of the batch, but cannot stop it. ``budget_s`` None or 0 turns this off.

    In both cases the deadline is published to the stage (:func:`time_left`): work handed to a
    child process (the extraction of a big page) is stopped at it, in any thread.
    """

    def __init__(self, budget_s: float | None) -> None:
        self.budget_s = budget_s or 0.0

    @contextmanager
    def limit(self) -> Iterator[None]:
        """Raise OverBudget if the block runs past the budget."""
        seconds = self.budget_s
        if seconds <= 0:
            yield
            return
        start = time.monotonic()
        token = _DEADLINE.set(start + seconds)
        try:
            if self._can_signal():
                with self._alarm(seconds):
                    yield
            else:
                yield
                if time.monotonic() - start > seconds:
                    raise OverBudget
        finally:
            _DEADLINE.reset(token)

    @staticmethod
    @contextmanager
    def _alarm(seconds: float) -> Iterator[None]:
        """Raise OverBudget from a SIGALRM ``seconds`` from now (main thread only)."""
        armed = True

        def on_alarm(signum: int, frame: FrameType | None) -> None:
            if armed:
                raise OverBudget

        previous = signal.signal(signal.SIGALRM, on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            try:
                armed = False  # an alarm just before this still raises, and is still cleaned up
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

    @staticmethod
    def _can_signal() -> bool:
        return (hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()
                and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


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
    message = one_line(message)
    outcome.error = message if message.startswith(outcome.name) else f"{outcome.name}: {message}"
    outcome.document = None


_BREAKS = str.maketrans({c: " " for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def one_line(message: str) -> str:
    """An error message on one line: a run reports one line per failed input, and a message
    quoting the input (a CSV header, a charset label) must not break that."""
    return message.translate(_BREAKS)
