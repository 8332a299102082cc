"""``GET /api/v1/summary``: what the store holds at a glance (``claimtrack summary``).

``GET /api/v1/summary``  ?top (1..100, default 10: rows in each list)
    {documents, claims, events,
     by_outlet: [{outlet, documents}]  (most articles first),
     by_month: [{month: "YYYY-MM", documents}]  (the most recent months, oldest first),
     top_sources: [{source, claims}],
     contested: [{thread_id, proposition, for, against}]  (claims on each side),
     top_places: [{geonames_id, name (English), country (ISO-2), events}]}

Errors and the read token are those of :mod:`claimtrack.web.api`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from claimtrack.store.summary import DEFAULT_TOP
from claimtrack.web.api import _ERRORS, StoreDep
from claimtrack.web.auth import require_read

Top = Annotated[int, Query(ge=1, le=100, description="Rows in each list.")]


class OutletCount(BaseModel):
    outlet: str
    documents: int


class MonthCount(BaseModel):
    month: str
    documents: int


class SourceCount(BaseModel):
    source: str
    claims: int


class Contested(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    thread_id: str
    proposition: str
    for_: int = Field(alias="for")
    against: int


class PlaceCount(BaseModel):
    geonames_id: int
    name: str
    country: str
    events: int


class Summary(BaseModel):
    """Totals and the top rows of each list."""

    documents: int
    claims: int
    events: int
    by_outlet: list[OutletCount]
    by_month: list[MonthCount]
    top_sources: list[SourceCount]
    contested: list[Contested]
    top_places: list[PlaceCount]


router = APIRouter(prefix="/api/v1", responses=_ERRORS, dependencies=[Depends(require_read)])


@router.get("/summary", response_model=Summary, response_model_by_alias=True,
            summary="What the store holds at a glance")
def get_summary(store: StoreDep, top: Top = DEFAULT_TOP) -> Summary:
    """Articles by outlet and by month, top sources, most contested propositions and the
    places with most events."""
    return Summary.model_validate(store.summary(top=top))
