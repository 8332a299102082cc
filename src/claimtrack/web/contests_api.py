"""``GET /api/v1/contests``: who contradicts whom, for one actor (``claimtrack contests``).

``GET /api/v1/contests``  ?actor (required: a source name substring, any case, or a country
    or sector code such as RUS) ?limit ?cursor
    {actor, summary: {actor, contests, asserts, denies, threads, opponents},
     items: [...], next_cursor}; an item is one thread in one direction ("asserts": the actor
    asserts, others deny; "denies": the other way), as ``claimtrack contests --json`` prints
    it: {thread_id, direction, actor_side, proposition, polarity, opposing_voices,
    sides: {for|against|observing: {claims, voices, outlets}}, actor_sources, opponents:
    [{source, country, sector, claims, outlets}], first_published, last_published,
    evidence: [{role, side, source, country, sector, stance, outlet, published, doc_id,
    claim_id, text}]}; most distinct opposing voices first, then the most recent. The
    summary counts every contest, not the page; the cursor holds an offset, as for threads.

Paging, errors and the read token are those of :mod:`claimtrack.web.api`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from claimtrack.web.api import _ERRORS, DEFAULT_LIMIT, Cursor, Limit, Page, StoreDep, paged
from claimtrack.web.auth import require_read

Actor = Annotated[str, Query(min_length=1, max_length=200, examples=["RUS"], description=(
    "A source's name contains this (any case), or a source is coded with it (country or "
    "sector code)."))]


class ContestSummary(BaseModel):
    """Counts over all of the actor's contests."""

    actor: str
    contests: int
    asserts: int
    denies: int
    threads: int
    opponents: int


class ContestPage(Page):
    """One page of an actor's contests, with the counts over all of them."""

    actor: str
    summary: ContestSummary


router = APIRouter(prefix="/api/v1", responses=_ERRORS, dependencies=[Depends(require_read)])


@router.get("/contests", response_model=ContestPage, summary="Who contradicts an actor")
def list_contests(store: StoreDep, actor: Actor, cursor: Cursor = None,
                  limit: Limit = DEFAULT_LIMIT) -> ContestPage:
    """Propositions the actor asserts that other sources deny, and those it denies that
    others assert, most distinct opposing voices first."""
    if not actor.strip():
        raise HTTPException(422, "actor must not be blank")
    found: dict[str, Any] = {}

    def fetch(n: int, offset: int, _after: Any) -> list[dict[str, Any]]:
        found.update(store.contests(actor, limit=n, offset=offset))
        return list(found["items"])

    page = paged(fetch, cursor, limit)
    return ContestPage(items=page.items, next_cursor=page.next_cursor, actor=found["actor"],
                       summary=ContestSummary(**found["summary"]))
