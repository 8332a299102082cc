"""`claimtrack batch`: chunks, Parquet output equal to in-process output, Spark, resumption."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimtrack.batch import BatchOutput, run_batch
from claimtrack.batch.chunks import plan_chunks, read_chunk
from claimtrack.batch.load import load_output
from claimtrack.batch.tables import DOCUMENT_TABLES, from_arrow, plain
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers import read_inputs
from claimtrack.store.rows import document_rows
from tests.test_readers_formats import http_response, warc_record, write_warc

ARTICLES = [
    ("The harbour authority said on Monday that the ferry to Varna would resume service next "
     "week. Port workers denied reports that the pier had been damaged in the storm."),
    ("Police in Ruse arrested two men after a protest outside the town hall on Tuesday, "
     "according to the regional governor. The mayor declined to comment."),
    ("The Bulgarian government accused the shipping company of ignoring safety rules. "
     "The company rejected the accusation and said its ships are inspected every month."),
    ("Farmers blocked the main road near Pleven on Wednesday to protest against low grain "
     "prices, the agriculture ministry said."),
    ("Romania and Bulgaria signed an agreement in Sofia to build a second bridge over the "
     "Danube, officials said on Thursday."),
    ("A fire destroyed a warehouse in Burgas overnight. Firefighters said nobody was hurt, "
     "but the owner said the damage would cost millions."),
]


def write_jsonl(path: Path, extra_lines: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps({"text": text, "url": f"https://news.example/{i}",
                         "published": f"2024-03-0{1 + i % 7}", "outlet": "News Example"})
             for i, text in enumerate(ARTICLES)]
    path.write_text("\n".join([*lines[:3], *extra_lines, *lines[3:]]) + "\n", encoding="utf-8")
    return path


def write_crawl(path: Path) -> Path:
    page = (b"<html><head><title>Ferry strike</title></head><body><article><p>Ferry crews in "
            b"Constanta went on strike on Friday, the union said. The port authority denied "
            b"that any ship had been cancelled.</p></article></body></html>")
    return write_warc(path, [
        warc_record("response", "https://port.example/strike",
                    http_response(page, "text/html; charset=utf-8"), "strike-1"),
        warc_record("response", "https://port.example/logo.png",
                    http_response(b"\x89PNG\r\n\x1a\n\x00", "image/png"), "img-1"),
    ])


def comparable(rows_by_table: dict[str, list[dict[str, Any]]]) -> dict[str, list[Any]]:
    """Rows without the processing time, sorted, with dates as text."""
    out = {}
    for name, rows in rows_by_table.items():
        cleaned = [tuple(sorted((k, json.dumps(plain(v), sort_keys=True, default=str))
                                for k, v in row.items() if k != "processed_at")) for row in rows]
        out[name] = sorted(cleaned)
    return out


def in_process_rows(pipeline: Any, inputs: list[str]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in DOCUMENT_TABLES}
    for outcome in pipeline.run(read_inputs(inputs)):
        if outcome.document is not None:
            for table, table_rows in document_rows(outcome.document, time_zero()).items():
                rows[table.name].extend(json.loads(json.dumps(table_rows, default=str)))
    return rows


def time_zero() -> Any:
    from datetime import datetime

    return datetime(2000, 1, 1)


def output_rows(out: Path) -> dict[str, list[dict[str, Any]]]:
    output = BatchOutput(out)
    rows = {}
    for table in DOCUMENT_TABLES:
        data = output.read(table.name)
        rows[table.name] = json.loads(json.dumps(from_arrow(table, data) if data else [],
                                                 default=str))
    return rows


# --- chunks ----------------------------------------------------------------------------------


def test_chunks_cut_jsonl_at_line_starts_and_number_lines_as_the_whole_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", extra_lines=["{broken"])
    chunks, problems = plan_chunks([str(path)], chunk_bytes=300)
    assert problems == [] and len(chunks) > 2
    assert [c.start for c in chunks[1:]] == [c.end for c in chunks[:-1]]  # no gap, no overlap
    by_chunks = [(item.name, getattr(item, "content", None))
                 for chunk in chunks for item in read_chunk(chunk, 10_000)]
    whole = [(item.name, getattr(item, "content", None)) for item in read_inputs([str(path)])]
    assert by_chunks == whole  # every line once, named "path:line" as a whole-file read names it
    assert any(name.endswith(":4") for name, content in by_chunks if content is None)


def test_chunk_ids_are_stable_across_plans_and_change_with_the_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl")
    first = [c.id for c in plan_chunks([str(path)], chunk_bytes=300)[0]]
    assert first == [c.id for c in plan_chunks([str(tmp_path / "*.jsonl")], chunk_bytes=300)[0]]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "One more line about the port of Varna."}) + "\n")
    assert plan_chunks([str(path)], chunk_bytes=300)[0][0].id != first[0]


def test_parquet_inputs_are_read_by_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    table = pa.table({"text": ARTICLES + [""], "url": [f"https://n.example/{i}" for i in range(7)]})
    pq.write_table(table, path, row_group_size=2)
    chunks, _ = plan_chunks([str(path)], chunk_bytes=1, chunk_rows=3)
    assert [(c.start, c.end, c.first) for c in chunks] == [(0, 2, 1), (2, 4, 5)]
    items = [item for chunk in chunks for item in read_chunk(chunk, 10_000)]
    assert [i.name for i in items] == [f"{path}:{n}" for n in range(1, 8)]
    assert isinstance(items[0], RawDocument) and items[0].url == "https://n.example/0"
    assert isinstance(items[-1], Outcome) and "no non-empty 'text'" in (items[-1].error or "")
    assert [i.name for i in read_inputs([str(path)])] == [i.name for i in items]


def test_missing_inputs_are_reported_not_fatal(tmp_path: Path) -> None:
    chunks, problems = plan_chunks([str(tmp_path / "nothing-*.jsonl")])
    assert chunks == [] and "no such file" in (problems[0].error or "")


# --- jobs ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_local_batch_output_equals_in_process_output(pipeline: Any, tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "news.jsonl", extra_lines=["not json at all"])
    crawl = write_crawl(tmp_path / "crawl.warc.gz")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    inputs = [str(jsonl), str(crawl), str(tmp_path / "binary.txt")]
    report = run_batch(inputs, tmp_path / "out", engine="local", chunk_bytes=500)
    assert report.failed == [] and report.documents == len(ARTICLES) + 1
    assert comparable(output_rows(tmp_path / "out")) == comparable(in_process_rows(pipeline, inputs))
    errors = BatchOutput(tmp_path / "out").read("errors").to_pylist()
    reasons = {Path(e["input"]).name: e["reason"] for e in errors}
    assert "not valid JSON" in reasons["news.jsonl:4"] and "binary" in reasons["binary.txt"]

    again = run_batch(inputs, tmp_path / "out", engine="local", chunk_bytes=500)
    assert again.skipped == again.planned and again.results == []  # a rerun redoes nothing


@pytest.mark.slow
def test_spark_batch_output_equals_in_process_output(pipeline: Any, tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "news.jsonl")
    crawl = write_crawl(tmp_path / "crawl.warc")
    inputs = [str(jsonl), str(crawl)]
    report = run_batch(inputs, tmp_path / "out", engine="spark", master="local[2]",
                       chunk_bytes=400)
    assert report.planned >= 3 and report.failed == []
    assert comparable(output_rows(tmp_path / "out")) == comparable(in_process_rows(pipeline, inputs))


@pytest.mark.slow
def test_loading_the_output_into_a_store_gives_what_process_stores(
        pipeline: Any, tmp_path: Path, store_url: str) -> None:
    from claimtrack.store.repository import Store

    jsonl = write_jsonl(tmp_path / "news.jsonl")
    run_batch([str(jsonl)], tmp_path / "out", engine="local", chunk_bytes=500)
    with Store(store_url) as loaded, \
            Store(f"sqlite:///{tmp_path / 'direct.db'}") as direct:
        assert load_output(tmp_path / "out", loaded) == len(ARTICLES)
        for outcome in pipeline.run(read_inputs([str(jsonl)])):
            direct.save(outcome.document)
        assert loaded.count("claims") == direct.count("claims") > 0
        for doc in direct.documents(limit=None):
            assert loaded.get(doc["id"]) == direct.get(doc["id"])


def _committed(out: Path) -> int:
    folder = out / "_chunks"
    return len(list(folder.glob("*.json"))) if folder.is_dir() else 0


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["spark", "local"])
def test_a_job_killed_midway_resumes_without_duplicates_or_losses(tmp_path: Path,
                                                                  engine: str) -> None:
    jsonl = tmp_path / "news.jsonl"
    records = [json.dumps({"text": f"{ARTICLES[i % len(ARTICLES)]} (Report number {i}.)"})
               for i in range(40)]
    jsonl.write_text("\n".join(records) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "claimtrack.cli", "batch", str(jsonl), "--out", str(out),
               "--engine", engine, "--master", "local[2]", "--chunk-mb", "0.001"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    job = subprocess.Popen(command, env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _committed(out) < 2 and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(job.pid, signal.SIGKILL)  # the driver, its JVM and its workers, mid-job
    job.wait()
    planned = len(plan_chunks([str(jsonl)], chunk_bytes=int(0.001 * 1024 * 1024))[0])
    assert 0 < _committed(out) < planned, "the kill came before the job had done anything"

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600,
                           check=False)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "done before" in rerun.stderr
    names = BatchOutput(out).read("documents").column("input_name").to_pylist()
    assert sorted(names) == sorted(f"{jsonl}:{i}" for i in range(1, 41))  # each once


# --- across articles -------------------------------------------------------------------------


def write_corpus(path: Path) -> Path:
    """Three articles on Russian troops (one denial, one assertion), a wire story with an
    updated copy and an exact reprint in other lines, and the weather."""
    from tests.test_threads import ASSERTION, DENIAL, WEATHER

    wire = (" ".join(ARTICLES[:4]) + " The ministry said it would publish a full report on the "
            "harbour, the protests and the grain prices by the end of the month.")
    update = wire + " Update: the governor said on Friday that the ferry had resumed service."
    records = [
        {"text": DENIAL, "published": "2014-08-29", "outlet": "Wire One"},
        {"text": wire, "published": "2024-03-01", "outlet": "Wire One"},
        {"text": WEATHER, "published": "2014-08-28", "outlet": "Kent Daily"},
        {"text": update, "published": "2024-03-02", "outlet": "Port News"},
        {"text": ASSERTION, "published": "2014-08-28", "outlet": "Brussels Post"},
        {"text": wire, "published": "2024-03-01", "outlet": "Reprints"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def cross_tables(out: Path) -> tuple[list[dict[str, Any]], set[frozenset[str]]]:
    output = BatchOutput(out)
    stories = sorted(output.read("stories", committed_only=False).to_pylist(),
                     key=lambda r: (r["story_id"], r["position"]))
    threads: dict[str, set[str]] = {}
    for row in output.read("threads", committed_only=False).to_pylist():
        threads.setdefault(row["thread_id"], set()).add(f"{row['doc_id']}:{row['claim_id']}")
    return stories, {frozenset(members) for members in threads.values()}


@pytest.mark.slow
def test_stories_and_threads_across_chunks_are_the_same_on_spark_and_in_process(
        tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    local = run_batch([str(corpus)], tmp_path / "local", engine="local", chunk_bytes=600)
    spark = run_batch([str(corpus)], tmp_path / "spark", engine="spark", master="local[2]",
                      chunk_bytes=600)
    assert local.planned >= 3  # the copies are in different chunks
    assert local.cross is not None and spark.cross is not None
    assert local.cross.stories == 1 and local.cross.storied_documents == 2  # reprint: same id
    assert cross_tables(tmp_path / "local") == cross_tables(tmp_path / "spark")

    documents = BatchOutput(tmp_path / "local").read("documents").to_pylist()
    outlets: dict[str, str] = {}
    for row in documents:
        outlets.setdefault(row["id"], row["outlet"])  # the reprint has the wire story's id
    stories, _ = cross_tables(tmp_path / "local")
    assert [outlets[r["doc_id"]] for r in stories] == ["Wire One", "Port News"]
    threads = BatchOutput(tmp_path / "spark").read("threads", committed_only=False).to_pylist()
    contested = [r for r in threads if r["contested"]]
    assert {r["stance"] for r in contested} >= {"assert", "deny"}
    assert {r["outlet"] for r in contested} == {"Wire One", "Brussels Post"}
    assert "Kent Daily" not in {r["outlet"] for r in threads}
