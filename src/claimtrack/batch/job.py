"""Run the pipeline over chunks, on Spark or on a local process pool, writing Parquet.

One function, :func:`process_chunk`, does the work of a chunk wherever it runs: read, run the
full pipeline, write the chunk's rows to every table, commit. The engines only decide where
chunks run. On Spark each chunk is one partition and ``mapPartitions`` runs it; the pipeline
is built once per Python worker process (and kept between partitions, since Spark reuses its
workers), never once per article. A failed article goes to the errors table and the chunk goes
on; a chunk that fails as a whole (its file vanished, the disk is full) is reported and left
uncommitted, so the job goes on with the other chunks and a rerun retries it.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from claimtrack.batch.chunks import Chunk, read_chunk
from claimtrack.batch.output import ERRORS, BatchOutput
from claimtrack.batch.tables import DOCUMENT_TABLES, ERRORS_SCHEMA, to_arrow
from claimtrack.errors import ClaimtrackError
from claimtrack.pipeline import Pipeline

DEFAULT_MAX_BYTES = 32_000_000


@dataclass
class ChunkResult:
    """What one chunk gave: counts when committed, or why it failed."""

    chunk_id: str
    source: str
    documents: int = 0
    errors: int = 0
    seconds: float = 0.0
    skipped: bool = False
    failed: str | None = None
    peak_rss_mb: float = 0.0  # of the worker process so far (memory per worker, for reports)


@cache
def worker_pipeline() -> Pipeline:
    """The full pipeline, built once per process: by the driver for in-process runs, by each
    Spark or pool worker for its chunks."""
    from claimtrack.api import build_pipeline

    return build_pipeline()


def process_chunk(chunk: Chunk, out: BatchOutput, pipeline: Pipeline | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> ChunkResult:
    """Process one chunk and commit its output; never raises for bad input."""
    result = ChunkResult(chunk.id, chunk.describe())
    began = time.perf_counter()
    try:
        pipeline = pipeline or worker_pipeline()
        processed_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in DOCUMENT_TABLES}
        errors: list[dict[str, str]] = []
        from claimtrack.store.rows import document_rows

        for outcome in pipeline.run(read_chunk(chunk, max_bytes)):
            if outcome.document is None:
                errors.append({"chunk_id": chunk.id, "input": outcome.name,
                               "reason": outcome.error or "failed"})
                continue
            for table, table_rows in document_rows(outcome.document, processed_at).items():
                rows[table.name].extend(table_rows)
        for table in DOCUMENT_TABLES:
            out.write_part(table.name, chunk.id, to_arrow(table, rows[table.name]))
        import pyarrow as pa

        out.write_part(ERRORS, chunk.id, pa.Table.from_pylist(errors, schema=ERRORS_SCHEMA))
        result.documents, result.errors = len(rows["documents"]), len(errors)
        result.seconds = round(time.perf_counter() - began, 3)
        out.commit(chunk.id, {**asdict(chunk), "chunk_id": chunk.id, "documents": result.documents,
                              "errors": result.errors, "seconds": result.seconds,
                              "committed_at": datetime.now(UTC).isoformat(timespec="seconds")})
    except Exception as exc:  # noqa: BLE001 - a chunk that fails is reported; the job goes on
        result.failed = f"{chunk.describe()}: {type(exc).__name__}: {exc}"
        print(traceback.format_exc(), file=sys.stderr)
    result.seconds = round(time.perf_counter() - began, 3)
    result.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def pending(chunks: Sequence[Chunk], out: BatchOutput) -> tuple[list[Chunk], list[Chunk]]:
    """(to do, already committed): a rerun skips what an earlier run committed."""
    done = out.committed()
    return [c for c in chunks if c.id not in done], [c for c in chunks if c.id in done]


def run_local(chunks: Sequence[Chunk], out: BatchOutput, workers: int = 1,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ChunkResult]:
    """Chunks in this process (one worker) or a pool of worker processes, results as they
    finish. Workers are spawned, not forked, so each builds its own pipeline cleanly."""
    if workers <= 1:
        for chunk in chunks:
            yield process_chunk(chunk, out, max_bytes=max_bytes)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        jobs = [(chunk, str(out.root), max_bytes) for chunk in chunks]
        yield from pool.imap_unordered(pool_task, jobs, chunksize=1)


def pool_task(job: tuple[Chunk, str, int]) -> ChunkResult:
    """One chunk in a pool worker: (chunk, output root, max bytes) -> its result."""
    chunk, root, max_bytes = job
    return process_chunk(chunk, BatchOutput(root), max_bytes=max_bytes)


def spark_session(master: str = "local[*]", app_name: str = "claimtrack batch",
                  conf: dict[str, str] | None = None) -> Any:
    """A Spark session whose Python workers run this interpreter (so they import the same
    claimtrack), with the UI off; an error naming the package when PySpark is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ClaimtrackError("claimtrack batch on Spark needs PySpark: "
                              "pip install 'claimtrack[spark]' (pyspark[sql]==4.3.0)") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.python.worker.reuse", "true"))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_spark(chunks: Sequence[Chunk], out: BatchOutput, session: Any,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[ChunkResult]:
    """Chunks as Spark partitions, one each, processed by ``mapPartitions``."""
    if not chunks:
        return []
    root = str(out.root.resolve())
    rdd = session.sparkContext.parallelize([asdict(c) for c in chunks], numSlices=len(chunks))
    rows = rdd.mapPartitions(lambda specs: _spark_partition(specs, root, max_bytes)).collect()
    return [ChunkResult(**row) for row in rows]


def _spark_partition(specs: Iterable[dict[str, Any]], root: str,
                     max_bytes: int) -> Iterator[dict[str, Any]]:
    out = BatchOutput(root)
    for spec in specs:
        yield asdict(process_chunk(Chunk(**spec), out, max_bytes=max_bytes))

