"""Stories in the store: keep the story index in sync with the stored memberships, write a
document's membership when it is saved, and list stories.

A Store holds one ``StoryLinks``; its write methods call it inside their write transaction.
``StoryReads`` is the Store's read mixin for stories.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, exists, func, insert, select, update

from claimtrack.link.stories import Assignment, Member, StoryIndex, StorySettings
from claimtrack.model import Document
from claimtrack.store.bulk import write_rows
from claimtrack.store.documents import DocumentReads
from claimtrack.store.queries import DOC_COLUMNS, iso, paged
from claimtrack.store.rows import load_signature, story_member_row, story_signature_row
from claimtrack.store.schema import STORY_TABLES, documents, story_members, story_signatures

TITLE_FALLBACK_CHARS = 120  # a story of untitled articles is shown by its opening


def _story_replay(after_seq: int) -> Select[Any]:
    """Stored memberships added after ``after_seq``, in added order, with their signatures."""
    joined = (
        story_members.join(documents, story_members.c.doc_id == documents.c.id)
        .outerjoin(story_signatures, story_signatures.c.doc_id == story_members.c.doc_id)
    )
    return (
        select(story_members.c.doc_id, story_members.c.seq, story_members.c.story_id,
               story_members.c.similarity, story_signatures.c.scheme,
               story_signatures.c.shingles, story_signatures.c.signature,
               documents.c.outlet, documents.c.published)
        .select_from(joined)
        .where(story_members.c.seq > after_seq)
        .order_by(story_members.c.seq, story_members.c.doc_id)
    )


def _update_members(conn: Connection, members: list[Member]) -> None:
    """Write the story and similarity of members an addition moved to another story."""
    if not members:
        return
    stmt = (
        update(story_members)
        .where(story_members.c.doc_id == bindparam("member_id"))
        .values(story_id=bindparam("new_story"), similarity=bindparam("new_similarity"))
    )
    conn.execute(stmt, [{"member_id": m.doc_id, "new_story": m.story_id,
                         "new_similarity": m.similarity} for m in members])


def _story_summaries(conn: Connection, story_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title (the first member's, else its opening) and outlets of each story."""
    head = select(documents.c.id, documents.c.title,
                  func.substr(documents.c.text, 1, TITLE_FALLBACK_CHARS).label("opening"))
    titles = {
        row.id: row.title or " ".join(row.opening.split())
        for row in conn.execute(head.where(documents.c.id.in_(story_ids)))
    }
    outlets: dict[str, list[str]] = {story_id: [] for story_id in story_ids}
    stmt = (
        select(story_members.c.story_id, documents.c.outlet).distinct()
        .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
        .where(story_members.c.story_id.in_(story_ids), documents.c.outlet.is_not(None))
        .order_by(story_members.c.story_id, documents.c.outlet)
    )
    for row in conn.execute(stmt):
        outlets[row.story_id].append(row.outlet)
    return {sid: {"title": titles.get(sid), "outlets": outlets[sid]} for sid in story_ids}



class StoryLinks:
    """One Store's story index and the highest stored story_members.seq it has seen."""

    def __init__(self) -> None:
        self.index: StoryIndex | None = None  # built at the first save (see in_sync)
        self.seq = -1

    def reset(self) -> None:
        """Forget the index (it may hold what a failed transaction rolled back): the next
        save rebuilds it from the stored rows."""
        self.index = None

    def assign(self, conn: Connection, index: StoryIndex, doc: Document,
               settings: StorySettings) -> None:
        """Assign a document being saved to its story and store the membership."""
        assignment = index.assign_text(doc.id, doc.text, doc.published, doc.outlet)
        self._write_assignment(conn, assignment, settings)

    def assign_batch(self, conn: Connection, index: StoryIndex, batch: list[Document],
                     settings: StorySettings) -> None:
        """Assign a batch to stories in order and write each member's final state: the
        batch's own rows with COPY, earlier members that moved with UPDATE."""
        touched: dict[str, Member] = {}
        for doc in batch:
            assignment = index.assign_text(doc.id, doc.text, doc.published, doc.outlet)
            for member in (assignment.member, *assignment.moved):
                touched[member.doc_id] = member  # Members are the index's, kept up to date
            self.seq = max(self.seq, assignment.member.seq)
        ours = [touched.pop(doc.id) for doc in batch]
        write_rows(conn, story_members, [story_member_row(m) for m in ours])
        write_rows(conn, story_signatures, [
            story_signature_row(m.doc_id, m.signature, settings) for m in ours])
        _update_members(conn, list(touched.values()))

    def in_sync(self, conn: Connection, settings: StorySettings) -> StoryIndex:
        """The story index holding every membership stored so far, by any process.

        The first call builds it by replaying the stored signatures in added order (texts are
        read only for signatures missing or computed another way); later calls replay the
        rows added since, e.g. by another process. The first call also rewrites stored rows
        the replay disagrees with (after a change of settings) and assigns the documents
        stored before stories existed, oldest first. Runs inside the caller's write
        transaction, which holds the store's write lock (SQLite's BEGIN IMMEDIATE, an advisory
        lock on PostgreSQL, see engine.py), so no other writer can add a member meanwhile."""
        first_build = self.index is None
        if self.index is None:
            self.index, self.seq = StoryIndex(settings), -1
        index = self.index
        stored: dict[str, tuple[str, float]] = {}
        for row in conn.execute(_story_replay(self.seq)).mappings().all():
            signature = load_signature(row, index.settings)
            if signature is None:
                signature = self._resign(conn, row["doc_id"], index)
            index.assign(row["doc_id"], signature, row["published"], row["outlet"],
                         seq=row["seq"])
            self.seq = max(self.seq, row["seq"])
            stored[row["doc_id"]] = (row["story_id"], row["similarity"])
        if not first_build:  # another process deleted a document: start again (delete())
            count = conn.execute(select(func.count()).select_from(story_members)).scalar_one()
            if count != len(index):
                self.index = None
                return self.in_sync(conn, settings)
        if first_build:
            _update_members(conn, [
                m for doc_id, (story_id, similarity) in stored.items()
                if (m := index.member(doc_id)) is not None
                and (m.story_id != story_id or abs(m.similarity - similarity) > 1e-9)
            ])
            self._assign_unassigned(conn, index, settings)
        return index

    def _resign(self, conn: Connection, doc_id: str, index: StoryIndex) -> Any:
        """Sign a stored document's text again and store the signature."""
        text = conn.execute(select(documents.c.text).where(documents.c.id == doc_id)).scalar()
        signature = index.signer.sign(text or "")
        conn.execute(delete(story_signatures).where(story_signatures.c.doc_id == doc_id))
        conn.execute(insert(story_signatures),
                     [story_signature_row(doc_id, signature, index.settings)])
        return signature

    def _assign_unassigned(self, conn: Connection, index: StoryIndex,
                           settings: StorySettings) -> None:
        """Give a story to every stored document that has none (stored before 0008)."""
        missing = ~exists().where(story_members.c.doc_id == documents.c.id)
        stmt = select(documents.c.id).where(missing).order_by(documents.c.processed_at,
                                                              documents.c.id)
        for doc_id in conn.execute(stmt).scalars().all():
            row = conn.execute(
                select(documents.c.text, documents.c.published, documents.c.outlet)
                .where(documents.c.id == doc_id)).one()
            self._write_assignment(
                conn, index.assign_text(doc_id, row.text, row.published, row.outlet), settings)

    def _write_assignment(self, conn: Connection, assignment: Assignment,
                          settings: StorySettings) -> None:
        """Store a document's membership and signature, and the members it moved."""
        member = assignment.member
        for table in STORY_TABLES:
            conn.execute(delete(table).where(table.c.doc_id == member.doc_id))
        conn.execute(insert(story_members), [story_member_row(member)])
        conn.execute(insert(story_signatures),
                     [story_signature_row(member.doc_id, member.signature, settings)])
        _update_members(conn, assignment.moved)
        self.seq = max(self.seq, member.seq)


class StoryReads(DocumentReads):
    """Stories (groups of near-duplicate articles) as the Store lists them."""

    def stories(self, limit: int | None = 50, offset: int = 0,
                min_size: int = 1) -> list[dict[str, Any]]:
        """Stories (groups of near-duplicate articles), biggest first, then most recent: size,
        outlets, first and last publication date, and the title of the first article."""
        size = func.count().label("size")
        last_published = func.max(documents.c.published)
        stmt = (
            select(story_members.c.story_id, size,
                   func.min(documents.c.published).label("first_published"),
                   last_published.label("last_published"))
            .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
            .group_by(story_members.c.story_id)
            .having(func.count() >= min_size)
            .order_by(size.desc(), last_published.desc().nulls_last(), story_members.c.story_id)
        )
        with self._read() as conn:
            rows = conn.execute(paged(stmt, limit, offset)).mappings().all()
            summaries = _story_summaries(conn, [row["story_id"] for row in rows])
        return [
            {"story_id": row["story_id"], "size": row["size"],
             "title": summaries[row["story_id"]]["title"],
             "outlets": summaries[row["story_id"]]["outlets"],
             "first_published": iso(row["first_published"]),
             "last_published": iso(row["last_published"])}
            for row in rows
        ]

    def story(self, ref: str) -> dict[str, Any] | None:
        """The story of a document (its id, a unique prefix, or the story's id), with every
        member's outlet, date and similarity to the first member, in the order they came."""
        doc_id = self.resolve(ref)
        if doc_id is None:
            return None
        with self._read() as conn:
            story_id = conn.execute(select(story_members.c.story_id)
                                    .where(story_members.c.doc_id == doc_id)).scalar()
            if story_id is None:
                return None
            stmt = (
                select(story_members.c.doc_id, story_members.c.seq, story_members.c.similarity,
                       *DOC_COLUMNS)
                .join_from(story_members, documents, story_members.c.doc_id == documents.c.id)
                .where(story_members.c.story_id == story_id)
                .order_by(story_members.c.seq, story_members.c.doc_id)
            )
            members = conn.execute(stmt).mappings().all()
            summary = _story_summaries(conn, [story_id])[story_id]
        dates = sorted(m["published"] for m in members if m["published"] is not None)
        return {
            "story_id": story_id, "size": len(members), **summary,
            "first_published": iso(dates[0]) if dates else None,
            "last_published": iso(dates[-1]) if dates else None,
            "members": [{**m, "published": iso(m["published"])} for m in members],
        }

