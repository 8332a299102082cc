"""``DELETE /api/v1/documents/{doc}``: remove an article with all its records (``claimtrack
documents delete``).

``DELETE /api/v1/documents/{doc}``  needs ``Authorization: Bearer <token>`` (as POST does).
    doc = id or unique prefix (>= 4 chars). Deletes the document, its claims, events, places,
    dates, vectors and search entry, and relinks stories and threads as if it had never been
    stored. 200: {id, title, outlet, published, entities, claims, events, places, timerefs
    (counts of what went), story: {other_articles, now_stories}, threads: {was_in,
    other_claims, now_threads}}; 404 if no document matches; 400 for an ambiguous or
    too-short prefix.

Errors and the write token are those of :mod:`claimtrack.web.api`.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Request

from claimtrack.web.api import _ERRORS
from claimtrack.web.auth import require_write
from claimtrack.web.state import AppState, state_of

router = APIRouter(prefix="/api/v1", responses=_ERRORS)


def _delete(state: AppState, doc: str) -> dict[str, Any] | None:
    """Under the app's write lock: the story and thread indexes are not thread-safe."""
    with state.write_lock:
        return state.store.delete(doc)


@router.delete("/documents/{doc}", dependencies=[Depends(require_write)],
               summary="Delete a document and all its records")
async def delete_document(request: Request, doc: str) -> dict[str, Any]:
    """Remove the article and everything found in it; stories and threads are relinked."""
    state = state_of(request.app)
    deleted = await anyio.to_thread.run_sync(_delete, state, doc, limiter=state.writers)
    if deleted is None:
        raise HTTPException(404, f"no stored document matches {doc!r}")
    return deleted
