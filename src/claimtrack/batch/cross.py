"""Across articles, over a batch job's whole output: stories of near-duplicates and claim threads.

Why a separate step: chunks are processed independently, but a wire story and its copies land
in different chunks, and so do the claims of one proposition. This step reads every committed
chunk and writes two whole-corpus tables:

* ``stories``: ``story_id, doc_id, position, size`` for every story of two or more articles
  (an article without a row is a story of its own);
* ``threads``: ``thread_id, doc_id, claim_id, stance, source, outlet, published, size,
  contested`` for every thread of two or more claims.

The in-process variant (``--engine local``) runs :func:`claimtrack.link.stories.group_stories` and a
:class:`claimtrack.link.threads.ThreadIndex` over all articles in input order. The Spark variant
never gathers texts, signatures or vectors on the driver:

* **stories**: executors sign each chunk's articles (MinHash); every signature is split into
  the same LSH bands ``StorySettings`` defines; articles sharing a band value become candidate
  pairs; pairs are scored by their signatures and kept at the threshold. Only confirmed pairs
  reach the driver, which joins them with union-find. The result equals the in-process one:
  same bands, same scores, same earliest-member ids (tested).
* **threads**: executors rebuild each chunk's claims and embed them (wordllama, loaded once
  per worker). Each claim keeps its rarest words on the fixed scale of
  :func:`claimtrack.link.threads.kept_keys`, as the incremental index does; claims keeping
  one word, in time slices at most one apart (or undated), are candidates, scored by a dot
  product of their vectors and linked by the same pure rule
  (:func:`claimtrack.link.threads.linked`). Threads are the connected components, named
  after their earliest member by publication date then id: the same threads as the
  incremental index in any order.

Article order names stories after their earliest member: chunks by file and position, then
rows within a chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from claimtrack.batch.load import chunk_documents, committed_in_order
from claimtrack.batch.output import BatchOutput
from claimtrack.link.stories import DEFAULT_SETTINGS, Article, Signature, Signer, StorySettings
from claimtrack.link.threads import (
    WINDOW_DAYS,
    Thread,
    ThreadClaim,
    ThreadIndex,
    default_embedder,
    embedding_text,
    kept_keys,
    linked,
    thread_claims_of,
    time_slice,
)

STORIES_SCHEMA = pa.schema([
    pa.field("story_id", pa.string(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("position", pa.int64(), nullable=False),
    pa.field("size", pa.int64(), nullable=False),
])
THREADS_SCHEMA = pa.schema([
    pa.field("thread_id", pa.string(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("claim_id", pa.string(), nullable=False),
    pa.field("stance", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("outlet", pa.string()),
    pa.field("published", pa.date32()),
    pa.field("size", pa.int64(), nullable=False),
    pa.field("contested", pa.bool_(), nullable=False),
])
Order = tuple[int, int]  # (chunk rank, position in the chunk): input order


@dataclass
class CrossReport:
    stories: int
    storied_documents: int
    threads: int
    contested: int


def write_cross(out: BatchOutput, session: Any = None,
                settings: StorySettings = DEFAULT_SETTINGS) -> CrossReport:
    """Compute and write ``stories`` and ``threads`` (Spark when ``session`` is given)."""
    chunk_ids = list(committed_in_order(out))
    if session is None:
        story_rows = _local_stories(out, chunk_ids, settings)
        thread_rows = _local_threads(out, chunk_ids)
    else:
        story_rows = _spark_stories(session, out, chunk_ids, settings)
        thread_rows = _spark_threads(session, out, chunk_ids)
    _write_whole(out, "stories", pa.Table.from_pylist(story_rows, schema=STORIES_SCHEMA))
    _write_whole(out, "threads", pa.Table.from_pylist(thread_rows, schema=THREADS_SCHEMA))
    return CrossReport(
        stories=len({r["story_id"] for r in story_rows}), storied_documents=len(story_rows),
        threads=len({r["thread_id"] for r in thread_rows}),
        contested=len({r["thread_id"] for r in thread_rows if r["contested"]}))


def _write_whole(out: BatchOutput, table: str, data: pa.Table) -> None:
    """A whole-corpus table: one file, replaced atomically on every run."""
    out.write_part(table, "all", data)


# --- stories ---------------------------------------------------------------------------------


def _chunk_articles(out: BatchOutput, chunk_id: str) -> list[Article]:
    path = out.part_path("documents", chunk_id)
    rows = pq.read_table(path, columns=["id", "text", "published", "outlet"]).to_pylist()
    return [Article(r["id"], r["text"], r["published"], r["outlet"]) for r in rows]


def _local_stories(out: BatchOutput, chunk_ids: Sequence[str],
                   settings: StorySettings) -> list[dict[str, Any]]:
    from claimtrack.link.stories import group_stories

    articles = [a for chunk_id in chunk_ids for a in _chunk_articles(out, chunk_id)]
    stories = group_stories(articles, settings)
    return _story_rows({sid: [m.doc_id for m in members] for sid, members in stories.items()})


def _story_rows(stories: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows = []
    for story_id, doc_ids in stories.items():
        if len(doc_ids) < 2:
            continue
        rows.extend({"story_id": story_id, "doc_id": doc_id, "position": i, "size": len(doc_ids)}
                    for i, doc_id in enumerate(doc_ids))
    return sorted(rows, key=lambda r: (r["story_id"], r["position"]))


def _signed(ranked: Iterable[tuple[int, str]], root: str,
            settings: StorySettings) -> Iterator[tuple[str, tuple[Order, bytes]]]:
    """(doc id, (input order, signature bytes)) of each article long enough to merge."""
    out, signer = BatchOutput(root), Signer(settings)
    for rank, chunk_id in ranked:
        for position, article in enumerate(_chunk_articles(out, chunk_id)):
            data = signer.sign(article.text).to_bytes()
            if data is not None:
                yield article.doc_id, ((rank, position), data)


def _bands(item: tuple[str, tuple[Order, bytes]], settings: StorySettings
           ) -> Iterator[tuple[tuple[int, bytes], tuple[Order, str]]]:
    """The LSH band values of one signature, as datasketch bands them (8 bytes a value)."""
    doc_id, (order, data) = item
    width = settings.lsh_rows * 8
    for band in range(settings.lsh_bands):
        yield (band, data[band * width:(band + 1) * width]), (order, doc_id)


def _band_pairs(item: tuple[Any, Iterable[tuple[Order, str]]]
                ) -> Iterator[tuple[tuple[Order, str], tuple[Order, str]]]:
    members = sorted(set(item[1]))
    for i, earlier in enumerate(members):
        for later in members[i + 1:]:
            yield earlier, later


def _similarity(first: bytes, second: bytes, settings: StorySettings) -> float:
    return Signature.from_bytes(first, 0, settings).similarity(
        Signature.from_bytes(second, 0, settings))


def _spark_stories(session: Any, out: BatchOutput, chunk_ids: Sequence[str],
                   settings: StorySettings) -> list[dict[str, Any]]:
    if not chunk_ids:
        return []
    context, root = session.sparkContext, str(out.root.resolve())
    ranked = list(enumerate(chunk_ids))
    signed = (context.parallelize(ranked, numSlices=len(ranked))
              .mapPartitions(lambda part: _signed(part, root, settings))
              .reduceByKey(lambda a, b: a if a[0] <= b[0] else b)  # the first copy of an id
              .cache())
    pairs = (signed.flatMap(lambda item: _bands(item, settings)).groupByKey()
             .flatMap(_band_pairs).distinct())
    signatures = signed.mapValues(lambda value: value[1])
    scored = (pairs.map(lambda p: (p[0][1], p))
              .join(signatures).map(lambda kv: (kv[1][0][1][1], (kv[1][0], kv[1][1])))
              .join(signatures)
              .map(lambda kv: (kv[1][0][0], _similarity(kv[1][0][1], kv[1][1], settings))))
    confirmed = scored.filter(lambda x: x[1] >= settings.threshold).keys().collect()
    signed.unpersist()
    return _story_rows(_components(confirmed))


def _components(pairs: Iterable[tuple[tuple[Order, str], tuple[Order, str]]]
                ) -> dict[str, list[str]]:
    """Union-find over confirmed pairs; each component keyed by its earliest member's id,
    members in input order."""
    parent: dict[tuple[Order, str], tuple[Order, str]] = {}

    def find(node: tuple[Order, str]) -> tuple[Order, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in pairs:
        a, b = find(first), find(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[Order, str], list[tuple[Order, str]]] = defaultdict(list)
    for node in list(parent):
        groups[find(node)].append(node)
    return {root[1]: [n[1] for n in sorted(nodes)] for root, nodes in sorted(groups.items())}


# --- threads ---------------------------------------------------------------------------------


def _local_threads(out: BatchOutput, chunk_ids: Sequence[str]) -> list[dict[str, Any]]:
    index = ThreadIndex()
    seen: set[str] = set()
    for chunk_id in chunk_ids:
        for doc in chunk_documents(out, chunk_id):
            if doc.id not in seen:
                seen.add(doc.id)
                index.add_document(doc)
    return _thread_rows([thread.claims for thread in index.threads()])


def _thread_rows(threads: Iterable[Sequence[ThreadClaim]]) -> list[dict[str, Any]]:
    """One row per claim of each thread of two or more, the thread named after its earliest
    member (by publication date, then id) as the incremental index names it."""
    rows = []
    for claims in threads:
        if len(claims) < 2:
            continue
        thread = Thread(min(claims, key=lambda c: c.order).key, list(claims))
        rows.extend({
            "thread_id": thread.id, "doc_id": c.doc_id, "claim_id": c.claim_id,
            "stance": c.stance, "source": c.source, "outlet": c.outlet,
            "published": c.published, "size": len(claims), "contested": thread.contested,
        } for c in sorted(claims, key=lambda c: c.order))
    return sorted(rows, key=lambda r: (r["thread_id"], r["published"] or date.max,
                                       r["doc_id"], r["claim_id"]))


def _embedded_claims(ranked: Iterable[tuple[int, str]], root: str
                     ) -> Iterator[tuple[str, tuple[Order, ThreadClaim, Any]]]:
    """(doc id, (order, claim, vector)) for every thread claim of each chunk."""
    out, embedder = BatchOutput(root), default_embedder()
    for rank, chunk_id in ranked:
        for position, doc in enumerate(chunk_documents(out, chunk_id)):
            claims = thread_claims_of(doc)
            if not claims:
                continue
            vectors = embedder.embed([embedding_text(c) for c in claims])
            for i, (claim, vector) in enumerate(zip(claims, vectors)):
                yield doc.id, ((rank, position, i), claim, np.asarray(vector, dtype=np.float32))


def _first_copy(claims: list[tuple[Order, ThreadClaim, Any]]
                ) -> Iterator[tuple[str, tuple[Order, ThreadClaim, Any]]]:
    """A document read twice keeps the claims of its first copy only."""
    first = min(order[:2] for order, _claim, _vector in claims)
    for order, claim, vector in claims:
        if order[:2] == first:
            yield claim.key, (order, claim, vector)


def _key_pairs(item: tuple[str, Iterable[tuple[int | None, Any]]]) -> Iterator[tuple[Any, Any]]:
    """Candidate pairs among the claims keeping one word: time slices at most one apart, or
    either claim undated (the incremental index's candidates, exactly)."""
    members = sorted(item[1], key=lambda m: m[1])
    for i, (slice_a, ref_a) in enumerate(members):
        for slice_b, ref_b in members[i + 1:]:
            if slice_a is None or slice_b is None or abs(slice_a - slice_b) <= 1:
                yield (ref_a, ref_b), None


def _linked(first: tuple[ThreadClaim, Any], second: tuple[ThreadClaim, Any]) -> bool:
    """The link rule of ThreadIndex, on two claims and their vectors."""
    (a, va), (b, vb) = first, second
    return linked(a, b, float(np.dot(va, vb)), WINDOW_DAYS)


def _spark_threads(session: Any, out: BatchOutput,
                   chunk_ids: Sequence[str]) -> list[dict[str, Any]]:
    if not chunk_ids:
        return []
    context, root = session.sparkContext, str(out.root.resolve())
    ranked = list(enumerate(chunk_ids))
    claims = (context.parallelize(ranked, numSlices=len(ranked))
              .mapPartitions(lambda part: _embedded_claims(part, root))
              .groupByKey().flatMap(lambda kv: _first_copy(list(kv[1])))
              .map(lambda kv: ((kv[1][0], kv[0]), (kv[1][1], kv[1][2])))  # ref = (order, key)
              .cache())
    keyed = claims.flatMap(lambda kv: [(key, (time_slice(kv[1][0].published), kv[0]))
                                       for key in kept_keys(kv[1][0])])
    candidates = keyed.groupByKey().flatMap(_key_pairs).reduceByKey(lambda a, _b: a).keys()
    found_links = (candidates.map(lambda pair: (pair[0], pair)).join(claims)
                   .map(lambda kv: (kv[1][0][1], (kv[1][0], kv[1][1]))).join(claims)
                   .filter(lambda kv: _linked(kv[1][0][1], kv[1][1]))
                   .map(lambda kv: kv[1][0][0]).collect())
    groups = _components(found_links)
    members = {ref for pair in found_links for ref in pair}
    wanted = context.broadcast({ref[1] for ref in members})
    found = dict(claims.filter(lambda kv: kv[0][1] in wanted.value)
                 .map(lambda kv: (kv[0][1], kv[1][0])).collect())
    claims.unpersist()
    return _thread_rows([[found[key] for key in keys] for keys in groups.values()])
