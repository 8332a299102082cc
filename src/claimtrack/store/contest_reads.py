"""Who contradicts whom: for one actor, the propositions it asserts that other sources deny,
and those it denies that others assert, read from the stored claim threads.

An actor is matched as ``claimtrack threads --actor`` matches one: a source name containing
it (any case) or a source coded with it as country or sector ("RUS", "GOV"). A claim of the
actor and a claim of another source oppose each other when they stand on opposite sides of
the thread's proposition as distinct voices, by the rule that makes a thread contested
(:attr:`claimtrack.link.threads.Thread.contested`: an outlet and the source it quotes in one
sentence are one voice). Claims of the actor that disagree with each other are not contests
with somebody else, so sources matching the actor are never on "the other side".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from claimtrack.link.threads import Thread, ThreadClaim
from claimtrack.store.documents import DocumentReads
from claimtrack.store.queries import iso
from claimtrack.store.schema import claims, entities, thread_members
from claimtrack.store.thread_store import (
    _MEMBER_COLUMNS,
    _actor_matches,
    _member_claim,
    _thread_members_joined,
)

#: the actor's side of a proposition -> the direction of the contest, and the other side
DIRECTIONS = {"for": ("asserts", "against"), "against": ("denies", "for")}
SIDES = ("for", "against", "observing")
EVIDENCE = 3  # claims shown per role (the actor's, the other side's), earliest first


def _opposed(mine: ThreadClaim, theirs: ThreadClaim) -> bool:
    """Two claims on opposite sides are a contest unless they are one voice: the pair read as
    a thread of its own is contested exactly when ``Thread.contested`` counts them."""
    return Thread("", [mine, theirs]).contested


def _side_counts(claims_: list[ThreadClaim]) -> dict[str, int]:
    return {"claims": len(claims_), "voices": len({c.voice for c in claims_}),
            "outlets": len({c.outlet for c in claims_ if c.outlet})}


def _sources(claims_: Iterable[ThreadClaim]) -> list[dict[str, Any]]:
    """The distinct sources of these claims with their codes, claims and outlets; most
    claims first."""
    found: dict[tuple[str, str | None, str | None], list[ThreadClaim]] = {}
    for claim in claims_:
        found.setdefault((claim.source, *claim.source_codes), []).append(claim)
    rows = [{"source": source, "country": country, "sector": sector, "claims": len(said),
             "outlets": sorted({c.outlet for c in said if c.outlet})}
            for (source, country, sector), said in found.items()]
    return sorted(rows, key=lambda r: (-r["claims"], r["source"].casefold()))


def _evidence(claim: ThreadClaim, side: str, role: str) -> dict[str, Any]:
    return {"role": role, "side": side, "source": claim.source,
            "country": claim.source_codes[0], "sector": claim.source_codes[1],
            "stance": claim.stance, "outlet": claim.outlet, "published": iso(claim.published),
            "doc_id": claim.doc_id, "claim_id": claim.claim_id, "text": claim.text}


def contests_in(thread_id: str, members: list[ThreadClaim], actor: str) -> list[dict[str, Any]]:
    """The contests of ``actor`` in one thread: at most one per direction (the actor asserts
    and others deny; the actor denies and others assert)."""
    thread = Thread(thread_id, members)
    sides = thread.sides()
    dates = sorted(c.published for c in members if c.published)
    found = []
    for own, (direction, other) in DIRECTIONS.items():
        mine = [c for c in sides.get(own, []) if _actor_matches([c], actor)]
        theirs = [c for c in sides.get(other, [])
                  if not _actor_matches([c], actor) and any(_opposed(a, c) for a in mine)]
        if not mine or not theirs:
            continue
        found.append({
            "thread_id": thread_id, "direction": direction, "actor_side": own,
            "proposition": thread.proposition, "polarity": thread.polarity,
            "opposing_voices": len({c.voice for c in theirs}),
            "sides": {s: _side_counts(sides.get(s, [])) for s in SIDES},
            "actor_sources": _sources(mine), "opponents": _sources(theirs),
            "first_published": iso(dates[0]) if dates else None,
            "last_published": iso(dates[-1]) if dates else None,
            "evidence": [_evidence(c, own, "actor") for c in mine[:EVIDENCE]]
            + [_evidence(c, other, "opponent") for c in theirs[:EVIDENCE]],
        })
    return found


def _rank(item: dict[str, Any]) -> tuple[Any, ...]:
    """Most distinct opposing voices first, then the most recent thread (ties: by id)."""
    last = date.fromisoformat(item["last_published"]) if item["last_published"] else date.min
    return (-item["opposing_voices"], -last.toordinal(), item["thread_id"], item["direction"])


def summarize(actor: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over every contest of the actor (not one page of them)."""
    return {"actor": actor, "contests": len(items),
            "asserts": sum(1 for i in items if i["direction"] == "asserts"),
            "denies": sum(1 for i in items if i["direction"] == "denies"),
            "threads": len({i["thread_id"] for i in items}),
            "opponents": len({o["source"] for i in items for o in i["opponents"]})}


class ContestReads(DocumentReads):
    """The Store's read mixin for contests (who contradicts whom)."""

    def contests(self, actor: str, limit: int | None = 50, offset: int = 0) -> dict[str, Any]:
        """``{"actor", "summary", "items"}``: the propositions ``actor`` asserts that other
        sources deny (``direction`` "asserts") and those it denies that others assert
        ("denies"), most distinct opposing voices first, then the most recent. Each item
        holds the thread id, the proposition, claims/voices/outlets per side, the sources on
        each side with their codes, first/last dates and a few claims as evidence. The
        summary counts every contest, ``limit``/``offset`` page the items."""
        actor = actor.strip()
        if not actor:
            raise ValueError("actor must not be blank")
        code = actor.upper()
        # threads with a claim of the actor, narrowed in SQL; the exact match is in Python
        named = (select(thread_members.c.thread_id).distinct()
                 .select_from(_thread_members_joined())
                 .where(or_(claims.c.source_name.icontains(actor, autoescape=True),
                            entities.c.country == code, entities.c.sector == code)))
        stmt = (select(*_MEMBER_COLUMNS).select_from(_thread_members_joined())
                .where(thread_members.c.thread_id.in_(named))
                .order_by(thread_members.c.seq))
        with self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
        grouped: dict[str, list[ThreadClaim]] = {}
        for row in rows:
            grouped.setdefault(row["thread_id"], []).append(_member_claim(row))
        items = [item for thread_id, members in grouped.items()
                 for item in contests_in(thread_id, members, actor)]
        items.sort(key=_rank)
        page = items[offset:] if limit is None else items[offset:offset + limit]
        return {"actor": actor, "summary": summarize(actor, items), "items": page}
