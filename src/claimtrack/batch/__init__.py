"""Batch jobs: the same pipeline over corpora too large for one run of ``claimtrack process``.

``claimtrack batch INPUT... --out DIR`` plans chunks (:mod:`.chunks`), runs them on Spark or a
local process pool (:mod:`.job`) and writes Parquet tables that a rerun resumes
(:mod:`.output`), with the store's columns (:mod:`.tables`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from claimtrack.batch.chunks import DEFAULT_CHUNK_BYTES, Chunk, plan_chunks
from claimtrack.batch.cross import CrossReport, write_cross
from claimtrack.batch.job import ChunkResult, pending, run_local, run_spark, spark_session
from claimtrack.batch.output import BatchOutput

Engine = Literal["spark", "local"]


@dataclass
class BatchReport:
    """What a run did: chunks planned, skipped (committed before), done and failed."""

    out: Path
    planned: int = 0
    skipped: int = 0
    results: list[ChunkResult] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cross: CrossReport | None = None  # stories and threads, when computed

    @property
    def documents(self) -> int:
        return sum(r.documents for r in self.results if r.failed is None)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.results if r.failed is None)

    @property
    def failed(self) -> list[ChunkResult]:
        return [r for r in self.results if r.failed is not None]


def run_batch(inputs: Sequence[str], out: str | Path, engine: Engine = "spark",
              master: str = "local[*]", workers: int = 1,
              chunk_bytes: int = DEFAULT_CHUNK_BYTES, max_bytes: int = 32_000_000,
              spark_conf: dict[str, str] | None = None, cross: bool = True,
              on_chunk: Callable[[ChunkResult], None] | None = None) -> BatchReport:
    """Process every input into Parquet under ``out``, skipping chunks committed before; then,
    unless a chunk failed or ``cross`` is off, group stories and threads over the whole output
    (on Spark too for the Spark engine)."""
    began = time.perf_counter()
    output = BatchOutput(out)
    chunks, problems = plan_chunks(inputs, chunk_bytes)
    todo, done = pending(chunks, output)
    report = BatchReport(Path(out), planned=len(chunks), skipped=len(done),
                         input_errors=[p.error or p.name for p in problems])
    session: Any = None
    if engine == "spark" and (todo or cross):
        session = spark_session(master, conf=spark_conf)
        for result in run_spark(todo, output, session, max_bytes):
            _collect(report, result, on_chunk)
    elif engine == "local":
        for result in run_local(todo, output, workers, max_bytes):
            _collect(report, result, on_chunk)
    if cross and not report.failed:
        report.cross = write_cross(output, session)
    report.seconds = round(time.perf_counter() - began, 3)
    return report


def _collect(report: BatchReport, result: ChunkResult,
             on_chunk: Callable[[ChunkResult], None] | None) -> None:
    report.results.append(result)
    if on_chunk is not None:
        on_chunk(result)


__all__ = ["BatchOutput", "BatchReport", "Chunk", "CrossReport", "run_batch"]
