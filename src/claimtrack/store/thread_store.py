"""Claim threads in the store: keep the thread index in sync with the stored members, link
the claims of documents being saved, and list threads.

Everything the store knows about threads is here. The Store holds one ``ThreadLinks``, whose
surface is small: ``embed`` (outside the write transaction), ``prepare`` (link the claims
being saved against a snapshot of the stored members, in a read transaction: no lock),
``check`` and ``commit`` (under the write lock: write what ``prepare`` linked), ``link``
(everything under the lock, for deletes and the rare save that raced a delete) and
``reset`` (after a failure).

Linking is where a save spends its time (comparing each claim with the stored claims that
share a rare word), so it happens before the lock. Under the lock, ``check`` compares the
stored members' count and the highest seq ever assigned (``store_state.thread_seq``, never
given twice) with the snapshot's: unchanged, the prepared rows go in as they are; grown (other
writers added claims meanwhile), only their new claims are replayed into the index, whose
threads are the connected components of one graph whatever order claims arrive in, and the
stored thread ids are brought in line with it; shrunk (a delete or re-save meanwhile), the
index is rebuilt under the lock as before.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, exists, func, select, update

from claimtrack.link.threads import (
    Embedder,
    Thread,
    ThreadClaim,
    ThreadIndex,
    default_embedder,
    embedding_text,
    side_of,
    thread_claims_of,
)
from claimtrack.model import STANCES
from claimtrack.store.bulk import RowWriter, insert_rows
from claimtrack.store.documents import DocumentReads, load_document_in
from claimtrack.store.place_names import place_condition
from claimtrack.store.queries import iso
from claimtrack.store.rows import as_vector, load_thread_claim, thread_rows
from claimtrack.store.schema import (
    claim_vectors,
    claims,
    documents,
    entities,
    events,
    place_mentions,
    places,
    store_state,
    thread_aliases,
    thread_members,
)

Add = tuple[list[ThreadClaim], list[Any], list[tuple[str, str]]]  # claims, vectors, renamed


def _thread_members_joined() -> Any:
    """Thread members with their claim, document and (if any) source entity."""
    on_claim = and_(claims.c.doc_id == thread_members.c.doc_id,
                    claims.c.id == thread_members.c.claim_id)
    on_source = and_(entities.c.doc_id == claims.c.doc_id,
                     entities.c.id == claims.c.source_entity)
    return (thread_members.join(claims, on_claim)
            .join(documents, documents.c.id == thread_members.c.doc_id)
            .outerjoin(entities, on_source))


_MEMBER_COLUMNS = (
    thread_members.c.doc_id, thread_members.c.claim_id, thread_members.c.thread_id,
    thread_members.c.seq, claims.c.content_text, claims.c.stance, claims.c.source_name,
    claims.c.polarity, claims.c.kind, claims.c.sentence, claims.c.content_start,
    claims.c.content_end,
    entities.c.country.label("source_country"), entities.c.sector.label("source_sector"),
    documents.c.outlet, documents.c.published,
)


def _thread_replay(after_seq: int, leaving: Collection[str] = ()) -> Select[Any]:
    """Stored thread members added after ``after_seq``, in added order, with their vectors
    (but those of the ``leaving`` documents, about to be saved again)."""
    on_vector = and_(claim_vectors.c.doc_id == thread_members.c.doc_id,
                     claim_vectors.c.claim_id == thread_members.c.claim_id)
    stmt = (
        select(*_MEMBER_COLUMNS, claim_vectors.c.vector, claim_vectors.c.blocking_keys)
        .select_from(_thread_members_joined().join(claim_vectors, on_vector))
        .where(thread_members.c.seq > after_seq)
        .order_by(thread_members.c.seq, thread_members.c.doc_id, thread_members.c.claim_id)
    )
    return stmt.where(thread_members.c.doc_id.not_in(leaving)) if leaving else stmt


def _marker(conn: Connection) -> tuple[int, int]:
    """The stored members' count and the highest seq ever assigned: both unchanged, nobody
    wrote thread members since (every writer takes a new seq; a delete lowers the count)."""
    count = conn.execute(select(func.count()).select_from(thread_members)).scalar_one()
    top = conn.execute(select(store_state.c.value)
                       .where(store_state.c.name == "thread_seq")).scalar()
    return int(count), -1 if top is None else int(top)


def _take_seqs(conn: Connection, after: int, n: int) -> int:
    """The first of ``n`` new thread seqs, after ``after`` and after any ever assigned."""
    top = conn.execute(select(store_state.c.value)
                       .where(store_state.c.name == "thread_seq")).scalar()
    start = max(after, -1 if top is None else int(top)) + 1
    stmt = update(store_state).where(store_state.c.name == "thread_seq")
    if conn.execute(stmt.values(value=start + n - 1)).rowcount == 0:
        conn.execute(store_state.insert().values(name="thread_seq", value=start + n - 1))
    return start


@dataclass
class LinkPlan:
    """What :meth:`ThreadLinks.prepare` linked against a snapshot, to write under the lock."""

    marker: tuple[int, int]  # _marker() at the snapshot
    saving: frozenset[str]
    resaved: bool  # the documents being saved had members stored (re-saved)
    adds: list[Add] = field(default_factory=list)  # in order: unthreaded documents, then ours
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # stored ids to correct


def _update_thread_ids(conn: Connection, changes: list[tuple[str, str, str]]) -> None:
    """Write the thread of (doc_id, claim_id, thread_id) members the replay disagrees on."""
    if not changes:
        return
    stmt = (
        update(thread_members)
        .where(thread_members.c.doc_id == bindparam("member_doc"),
               thread_members.c.claim_id == bindparam("member_claim"))
        .values(thread_id=bindparam("new_thread"))
    )
    conn.execute(stmt, [{"member_doc": d, "member_claim": c, "new_thread": t}
                        for d, c, t in changes])



class ThreadLinks:
    """One Store's thread index, the highest stored thread_members.seq it has replayed and
    each claim's position in it."""

    def __init__(self) -> None:
        self.index: ThreadIndex | None = None  # built at the first save, like stories
        self.seq = -1
        self.pos: dict[str, int] = {}  # "doc_id:claim_id" -> position in the index
        self._retired = 0  # comparisons made by indexes dropped since

    def reset(self) -> None:
        """Forget the index (it may hold what a failed transaction rolled back): the next
        save rebuilds it from the stored rows."""
        self._replace(None)

    def _replace(self, index: ThreadIndex | None) -> None:
        if self.index is not None:
            self._retired += self.index.comparisons
        self.index = index

    @property
    def comparisons(self) -> int:
        """Claims compared by the link rule so far, by every index this Store has held."""
        return self._retired + (self.index.comparisons if self.index is not None else 0)

    @staticmethod
    def embed(thread_claims: list[ThreadClaim], embedder: Embedder | None) -> list[Any]:
        """The claims' vectors as stored; loads the embedder (``None``: the default one) only
        when there are claims."""
        if not thread_claims:
            return []
        embedder = embedder or default_embedder()
        return [as_vector(v) for v in embedder.embed([embedding_text(c) for c in thread_claims])]

    @staticmethod
    def stored(conn: Connection, doc_ids: Collection[str]) -> bool:
        """Whether any of these documents has claims in threads (it is being saved again)."""
        return conn.execute(select(thread_members.c.doc_id)
                            .where(thread_members.c.doc_id.in_(doc_ids))
                            .limit(1)).first() is not None

    # -- linking before the lock -------------------------------------------------------------

    def prepare(self, conn: Connection, thread_claims: list[ThreadClaim], vectors: list[Any],
                embedder: Embedder | None, *, saving: Collection[str]) -> LinkPlan:
        """In a read transaction (a snapshot, no lock): bring the index in step with the
        stored members (the ``saving`` documents' own left out if they were stored: they are
        about to be replaced) and link the new claims into it; nothing is written."""
        saving = frozenset(saving)
        plan = LinkPlan(_marker(conn), saving, self.stored(conn, saving))
        index = self._in_sync(conn, embedder, rebuild=plan.resaved, saving=saving,
                              leaving=saving if plan.resaved else (), plan=plan)
        fresh = [(c, v) for c, v in zip(thread_claims, vectors) if c.key not in self.pos]
        self._add(conn, index, [c for c, _ in fresh], [v for _, v in fresh], plan=plan)
        return plan

    def check(self, conn: Connection, plan: LinkPlan) -> str:
        """Under the lock, before the save deletes anything: "same" (nobody wrote members
        since the snapshot), "grown" (others only added) or "changed" (a delete or re-save,
        or the documents being saved were stored meanwhile: the index is rebuilt)."""
        marker = _marker(conn)
        if marker == plan.marker:
            return "same"
        if not plan.resaved and not self.stored(conn, plan.saving) and marker[0] > plan.marker[0]:
            return "grown"
        return "changed"

    def commit(self, conn: Connection, plan: LinkPlan, state: str, thread_claims: list[Any],
               vectors: list[Any], embedder: Embedder | None,
               write: RowWriter = insert_rows) -> None:
        """Under the lock, after the save wrote its documents' rows: store the prepared
        members (``state`` from :meth:`check`)."""
        if state == "same":
            _update_thread_ids(conn, plan.changes)
            for claims_, vectors_, renamed in plan.adds:
                self._write(conn, claims_, vectors_, renamed, write)
            return
        if state == "grown" and self._merge(conn, plan, write):
            return
        self._replace(None)  # replay everything under the lock, as before
        self.link(conn, thread_claims, vectors, embedder, rebuild=True, saving=plan.saving,
                  write=write)

    def _merge(self, conn: Connection, plan: LinkPlan, write: RowWriter) -> bool:
        """Replay the members others added since the snapshot after the prepared claims (the
        threads are the same whatever the order), then write the prepared claims and correct
        the stored thread ids the merged index disagrees with. False if rows went missing
        meanwhile (the caller rebuilds)."""
        index = self.index
        assert index is not None
        prepared = sum(len(claims_) for claims_, _, _ in plan.adds)
        stored_elsewhere: set[str] = set()  # prepared claims another writer stored first
        for row in conn.execute(_thread_replay(self.seq)).mappings().all():
            claim, vector = load_thread_claim(row)
            self.seq = max(self.seq, row["seq"])
            if claim.key in self.pos:
                stored_elsewhere.add(claim.key)
                continue
            self.pos[claim.key] = len(index.claims)
            index.add_with_vectors([claim], [vector])
        count = conn.execute(select(func.count()).select_from(thread_members)).scalar_one()
        if count != len(index.claims) - prepared + len(stored_elsewhere):
            return False
        for claims_, vectors_, _ in plan.adds:
            keep = [(c, v) for c, v in zip(claims_, vectors_) if c.key not in stored_elsewhere]
            self._write(conn, [c for c, _ in keep], [v for _, v in keep], [], write)
        changes, renamed = [], {}
        for doc_id, claim_id, thread_id in conn.execute(
                select(thread_members.c.doc_id, thread_members.c.claim_id,
                       thread_members.c.thread_id)).all():
            new = index.thread_id(self.pos[f"{doc_id}:{claim_id}"])
            if new != thread_id:
                changes.append((doc_id, claim_id, new))
                renamed[thread_id] = new
        _update_thread_ids(conn, changes)
        for old, new in renamed.items():
            record_alias(conn, old, new)
        return True

    def _write(self, conn: Connection, thread_claims: list[ThreadClaim], vectors: list[Any],
               renamed: list[tuple[str, str]], write: RowWriter) -> None:
        """Store linked claims with their current thread ids and fresh seqs, then rename the
        stored threads they merged into earlier ones."""
        index = self.index
        assert index is not None
        if thread_claims:
            start = _take_seqs(conn, self.seq, len(thread_claims))
            members, stored = [], []
            for i, (claim, vector) in enumerate(zip(thread_claims, vectors)):
                thread_id = index.thread_id(self.pos[claim.key])
                member, vector_row = thread_rows(claim, vector, thread_id, start + i)
                members.append(member)
                stored.append(vector_row)
            write(conn, thread_members, members)
            write(conn, claim_vectors, stored)
            self.seq = start + len(thread_claims) - 1
        for old, new in renamed:  # whole threads joined an earlier one: rename them at once
            conn.execute(update(thread_members).where(thread_members.c.thread_id == old)
                         .values(thread_id=new))
            record_alias(conn, old, new)

    # -- linking under the lock --------------------------------------------------------------

    def link(self, conn: Connection, thread_claims: list[ThreadClaim], vectors: list[Any],
             embedder: Embedder | None, *, rebuild: bool, saving: Collection[str],
             write: RowWriter = insert_rows) -> None:
        """Under the lock: bring the index in sync (see :meth:`_in_sync`; ``rebuild`` when
        the documents being saved had claims stored, ``saving`` their ids), then link the new
        claims with their ``vectors`` and store them (``write``: how rows go in; save_many
        passes COPY)."""
        index = self._in_sync(conn, embedder, rebuild=rebuild, saving=saving)
        self._add(conn, index, thread_claims, vectors, write)

    def _in_sync(self, conn: Connection, embedder: Embedder | None, rebuild: bool = False,
                 saving: Collection[str] = (), leaving: Collection[str] = (),
                 plan: LinkPlan | None = None) -> ThreadIndex:
        """The thread index holding every stored thread member, by any process.

        Like the story index (story_store.py): the first call replays the stored vectors in
        added order (nothing is embedded again), later calls replay the rows added since. A
        full replay (the first one, or ``rebuild`` after a document's claims were deleted to
        be saved again: union-find cannot forget a claim; ``leaving``: documents whose stored
        claims the replay leaves out, as they are about to be deleted) corrects stored thread
        ids it disagrees with; the first one also adds the claims of documents stored before
        threads existed (except ``saving``, the documents being saved). When the stored
        members no longer match the index (another process re-saved a document), it is
        rebuilt the same way. With a ``plan`` (a read transaction) the corrections and
        additions are put in it, not written."""
        first_build = self.index is None
        if first_build or rebuild:
            self._replace(ThreadIndex())
            self.seq, self.pos = -1, {}
        index = self.index
        assert index is not None
        stored: list[tuple[str, str, str]] = []
        for row in conn.execute(_thread_replay(self.seq, leaving)).mappings().all():
            claim, vector = load_thread_claim(row)
            self.pos[claim.key] = len(index.claims)
            index.add_with_vectors([claim], [vector])
            self.seq = max(self.seq, row["seq"])
            stored.append((row["doc_id"], row["claim_id"], row["thread_id"]))
        if first_build or rebuild:
            changes = [
                (doc_id, claim_id, new) for doc_id, claim_id, thread_id in stored
                if (new := index.thread_id(self.pos[f"{doc_id}:{claim_id}"])) != thread_id
            ]
            if plan is None:
                _update_thread_ids(conn, changes)
            else:
                plan.changes.extend(changes)
        else:
            count = conn.execute(select(func.count()).select_from(thread_members)).scalar_one()
            if count != len(index.claims):
                return self._in_sync(conn, embedder, rebuild=True, saving=saving,
                                     leaving=leaving, plan=plan)
        if first_build:
            self._thread_unthreaded(conn, index, saving, embedder, plan)
        return index

    def _thread_unthreaded(self, conn: Connection, index: ThreadIndex,
                           saving: Collection[str], embedder: Embedder | None,
                           plan: LinkPlan | None = None) -> None:
        """Add the claims of stored documents that have none in threads (stored before 0009),
        oldest processed first. Documents whose claims are all too short are read again at
        each process's first save (they leave no row to say they were seen)."""
        has_claims = exists().where(claims.c.doc_id == documents.c.id)
        missing = ~exists().where(thread_members.c.doc_id == documents.c.id)
        stmt = (select(documents.c.id).where(has_claims, missing)
                .order_by(documents.c.processed_at, documents.c.id))
        for doc_id in conn.execute(stmt).scalars().all():
            doc = load_document_in(conn, doc_id) if doc_id not in saving else None
            if doc is not None and (found := thread_claims_of(doc)):
                self._add(conn, index, found, self.embed(found, embedder), plan=plan)

    def _add(self, conn: Connection, index: ThreadIndex, thread_claims: list[ThreadClaim],
             vectors: list[Any], write: RowWriter = insert_rows,
             plan: LinkPlan | None = None) -> None:
        """Link claims into threads and store them, their vectors and the threads they merged
        (``write``: how rows go in; save_many passes COPY); with a ``plan``, keep them in it
        to store under the lock."""
        if not thread_claims:
            return
        start, renamed = len(index.claims), []
        for i, claim in enumerate(thread_claims):
            self.pos[claim.key] = start + i
        index.add_with_vectors(thread_claims, vectors, renamed)
        if plan is not None:
            plan.adds.append((thread_claims, vectors, renamed))
        else:
            self._write(conn, thread_claims, vectors, renamed, write)


def record_alias(conn: Connection, old: str, new: str) -> None:
    """Remember that thread ``old`` now lives on as ``new`` (and so do threads that had
    already merged into ``old``), so a reference to either still resolves."""
    conn.execute(update(thread_aliases).where(thread_aliases.c.thread_id == old)
                 .values(thread_id=new))
    conn.execute(thread_aliases.delete().where(thread_aliases.c.old_id.in_([old, new])))
    conn.execute(thread_aliases.insert().values(old_id=old, thread_id=new))


def _member_claim(row: Any) -> ThreadClaim:
    """A listed thread member (no keys: they matter only for linking)."""
    return ThreadClaim(doc_id=row["doc_id"], claim_id=row["claim_id"], text=row["content_text"],
                       stance=row["stance"], source=row["source_name"],
                       source_codes=(row["source_country"], row["source_sector"]),
                       outlet=row["outlet"], published=row["published"],
                       polarity=row["polarity"], kind=row["kind"], sentence=row["sentence"])


def _thread_summary(thread_id: str, members: list[ThreadClaim]) -> dict[str, Any]:
    """What a listing shows of a thread: its proposition, dates, claims per commitment and per
    side, the distinct sources and outlets on each side."""
    thread = Thread(thread_id, members)
    sides = thread.sides()
    dates = sorted(c.published for c in members if c.published)
    stances = {s: sum(1 for c in members if c.stance == s) for s in STANCES}
    return {
        "thread_id": thread_id, "size": len(members), "contested": thread.contested,
        "proposition": thread.proposition, "polarity": thread.polarity,
        "first_published": iso(dates[0]) if dates else None,
        "last_published": iso(dates[-1]) if dates else None,
        "stances": {s: n for s, n in stances.items() if n},
        "side_counts": {s: len(sides.get(s, [])) for s in ("for", "against", "observing")},
        "asserting": sorted({c.source for c in sides.get("for", [])}),
        "denying": sorted({c.source for c in sides.get("against", [])}),
        "observing": sorted({c.source for c in sides.get("observing", [])}),
        "outlets": {s: sorted({c.outlet or "" for c in sides.get(s, [])})
                    for s in ("for", "against")},
        "text": thread.proposition,
        "_rank": thread.rank(),
    }


def _actor_matches(members: list[ThreadClaim], actor: str) -> bool:
    """A source name contains ``actor`` (any case), or a source is coded with it ("RUS")."""
    needle, code = actor.lower(), actor.strip().upper()
    return any(needle in c.source.lower() or code in {x for x in c.source_codes if x}
               for c in members)


def _dated_between(members: list[ThreadClaim], date_from: date | None,
                   date_to: date | None) -> bool:
    """Some claim of the thread was published within the inclusive bounds."""
    return any(c.published is not None
               and (date_from is None or c.published >= date_from)
               and (date_to is None or c.published <= date_to) for c in members)


def _threads_naming(place: str, thread_ids: Any) -> Select[Any]:
    """Ids (of ``thread_ids``) of threads with a claim whose content mentions the place the
    user means by ``place`` (its name, an exonym, the article's spelling: see
    :func:`claimtrack.store.place_names.place_condition`)."""
    on_claim = and_(claims.c.doc_id == thread_members.c.doc_id,
                    claims.c.id == thread_members.c.claim_id)
    contains = and_(place_mentions.c.doc_id == claims.c.doc_id,
                    place_mentions.c.start_offset >= claims.c.content_start,
                    place_mentions.c.end_offset <= claims.c.content_end)
    on_place = and_(places.c.doc_id == place_mentions.c.doc_id,
                    places.c.geonames_id == place_mentions.c.geonames_id)
    joined = (thread_members.join(claims, on_claim).join(place_mentions, contains)
              .join(places, on_place))
    return (select(thread_members.c.thread_id).distinct().select_from(joined)
            .where(thread_members.c.thread_id.in_(thread_ids),
                   place_condition(place, places)))



class ThreadReads(DocumentReads):
    """Threads (claims about one proposition, across articles) as the Store lists them."""

    def threads(
        self,
        contested_only: bool = False,
        actor: str | None = None,
        place: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int | None = 50,
        offset: int = 0,
        min_size: int = 2,
    ) -> list[dict[str, Any]]:
        """Threads (claims about one proposition, across articles), contested ones first
        (one source asserts what another denies), then by size: dates, claims per stance, the
        sources on each side and the earliest claim's text. ``actor`` matches a source name
        (substring, any case) or a source's country or sector code; ``place`` a place named in
        a claim; ``date_from``/``date_to`` keep threads with a claim published in between."""
        big = (select(thread_members.c.thread_id).group_by(thread_members.c.thread_id)
               .having(func.count() >= min_size))
        stmt = (select(*_MEMBER_COLUMNS).select_from(_thread_members_joined())
                .where(thread_members.c.thread_id.in_(big))
                .order_by(thread_members.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
            named = (set(conn.execute(_threads_naming(place, big)).scalars())
                     if place else None)
        grouped: dict[str, list[ThreadClaim]] = {}
        for row in rows:
            grouped.setdefault(row["thread_id"], []).append(_member_claim(row))
        found = []
        for thread_id, members in grouped.items():
            if named is not None and thread_id not in named:
                continue
            if actor and not _actor_matches(members, actor):
                continue
            if (date_from or date_to) and not _dated_between(members, date_from, date_to):
                continue
            summary = _thread_summary(thread_id, members)
            if contested_only and not summary["contested"]:
                continue
            found.append(summary)
        found.sort(key=lambda t: t["_rank"])
        for summary in found:
            del summary["_rank"]
        return found[offset:] if limit is None else found[offset:offset + limit]

    def thread(self, ref: str) -> dict[str, Any] | None:
        """One thread by its id or the "doc:claim" of any of its claims (the document part may
        be a unique prefix), with its claims grouped by stance (asserting, denying, others):
        source, outlet, date, document and text of each, in the order they were stored."""
        ref = ref.strip()
        with self._read() as conn:
            thread_id = conn.execute(select(thread_members.c.thread_id)
                                     .where(thread_members.c.thread_id == ref).limit(1)).scalar()
            if thread_id is None:  # a thread that merged into another resolves to it
                thread_id = conn.execute(select(thread_aliases.c.thread_id)
                                         .where(thread_aliases.c.old_id == ref)).scalar()
        if thread_id is None and ":" in ref:
            doc_ref, claim_id = ref.rsplit(":", 1)
            doc_id = self.resolve(doc_ref) if doc_ref else None
            if doc_id is not None:
                with self._read() as conn:
                    thread_id = conn.execute(
                        select(thread_members.c.thread_id)
                        .where(thread_members.c.doc_id == doc_id,
                               thread_members.c.claim_id == claim_id)).scalar()
        if thread_id is None:
            return None
        stmt = (select(*_MEMBER_COLUMNS).select_from(_thread_members_joined())
                .where(thread_members.c.thread_id == thread_id)
                .order_by(thread_members.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
        members = [_member_claim(row) for row in rows]
        if not members:
            return None
        spans = {(r["doc_id"], r["claim_id"]): (r["content_start"], r["content_end"])
                 for r in rows}
        polarity = Thread(thread_id, members).polarity
        sides: dict[str, list[dict[str, Any]]] = {"for": [], "against": [], "observing": []}
        for claim in sorted(members, key=lambda c: c.order):
            start, end = spans[(claim.doc_id, claim.claim_id)]
            sides[side_of(claim, polarity)].append({
                "doc_id": claim.doc_id, "claim_id": claim.claim_id, "source": claim.source,
                "source_country": claim.source_codes[0], "source_sector": claim.source_codes[1],
                "stance": claim.stance, "polarity": claim.polarity, "kind": claim.kind,
                "outlet": claim.outlet, "published": iso(claim.published), "text": claim.text,
                "span": [start, end]})
        summary = _thread_summary(thread_id, members)
        del summary["_rank"]
        return {**summary, "sides": {s: v for s, v in sides.items() if v},
                "events": self._thread_events(members)}

    def _thread_events(self, members: list[ThreadClaim]) -> list[dict[str, Any]]:
        """The events the thread's claims report, each with its status and reporting source."""
        keys = {(c.doc_id, c.claim_id) for c in members}
        doc_ids = sorted({c.doc_id for c in members})
        stmt = (select(events.c.doc_id, events.c.id, events.c.type, events.c.mode,
                       events.c.claim, events.c.status, events.c.reported_by,
                       events.c.trigger_text, events.c.actors, events.c.targets,
                       events.c.date)
                .where(events.c.doc_id.in_(doc_ids)).order_by(events.c.doc_id, events.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
        return [{"doc_id": r["doc_id"], "event_id": r["id"], "type": r["type"],
                 "mode": r["mode"], "status": r["status"], "reported_by": r["reported_by"],
                 "trigger": r["trigger_text"], "date": r["date"],
                 "actors": [a.get("text") for a in r["actors"] or []],
                 "targets": [t.get("text") for t in r["targets"] or []]}
                for r in rows if (r["doc_id"], r["claim"]) in keys]

