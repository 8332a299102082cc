"""``GET /api/v1/export/{kind}``: the rows of ``claimtrack export``, streamed.

``GET /api/v1/export/{kind}``  kind = claims|events|places|threads|documents;
    ?format (csv|jsonl|parquet|geojson, default csv; geojson for places and events) ?bom
    (bool, CSV only) and the filters of the kind (see :data:`claimtrack.export.FILTERS`):
    claims: outlet from to doc q source stance kind; events: outlet from to doc source stance
    type status (repeat for several) actor_country actor_sector target_country target_sector
    place bbox; places: outlet from to doc place country bbox; threads: from to place actor
    contested min_size; documents: outlet from to q.
    The body streams, read from the store a page at a time, with the columns of
    :data:`claimtrack.export.COLUMNS` (CSV headers are their labels) and
    ``Content-Disposition: attachment; filename="claimtrack-<kind>.<ext>"``.

An unknown kind, format or parameter, a filter for another kind or a bad value is a 400 whose
message lists the valid values. Reads need the token only when the operator requires it, as
for :mod:`claimtrack.web.api`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from claimtrack.export import FILTERS, KINDS, MEDIA_TYPES, Export, ExportError
from claimtrack.web.api import _ERRORS, StoreDep
from claimtrack.web.auth import require_read

NOT_QUERY = {"reported_by"}  # filters the CLI builds, not query parameters
MULTIPLE = {"status"}


def _described(name: str) -> str:
    spec = FILTERS[name]
    return f"{spec.help} For: {', '.join(spec.kinds)}."


# each filter an optional text parameter, documented from its declaration; the exporter
# reads and checks the values (a bad one is a 400 saying what is valid)
Outlet = Annotated[str | None, Query(max_length=200, description=_described("outlet"))]
From = Annotated[str | None, Query(max_length=200, alias="from", description=_described("from"))]
To = Annotated[str | None, Query(max_length=200, alias="to", description=_described("to"))]
Doc = Annotated[str | None, Query(max_length=200, description=_described("doc"))]
Q = Annotated[str | None, Query(max_length=200, description=_described("q"))]
Source = Annotated[str | None, Query(max_length=200, description=_described("source"))]
Stance = Annotated[str | None, Query(max_length=200, description=_described("stance"))]
ClaimKind = Annotated[str | None, Query(max_length=200, alias="kind",
                                        description=_described("kind"))]
Type = Annotated[str | None, Query(max_length=200, description=_described("type"))]
Code = Annotated[str | None, Query(max_length=200, description="A coded country or sector of "
                                   "an event's actor or target (e.g. RUS, MIL). For: events.")]
Place = Annotated[str | None, Query(max_length=200, description=_described("place"))]
Country = Annotated[str | None, Query(max_length=200, description=_described("country"))]
Box = Annotated[str | None, Query(max_length=200, description=_described("bbox"))]
Actor = Annotated[str | None, Query(max_length=200, description=_described("actor"))]
Contested = Annotated[str | None, Query(max_length=8, description=_described("contested"))]
MinSize = Annotated[str | None, Query(max_length=16, description=_described("min_size"))]


def _query(request: Request) -> dict[str, Any]:
    """The filters of the query string; an unknown or repeated parameter is a 400."""
    known = {n for n in FILTERS if n not in NOT_QUERY} | {"format", "bom"}
    found: dict[str, Any] = {}
    for name in request.query_params:
        if name not in known:
            raise HTTPException(400, f"unknown parameter {name!r}; expected: "
                                     f"{', '.join(sorted(known))}")
        values = request.query_params.getlist(name)
        if len(values) > 1 and name not in MULTIPLE:
            raise HTTPException(400, f"parameter {name!r} given {len(values)} times")
        found[name] = values if name in MULTIPLE else values[0]
    return found


Format = Annotated[str, Query(max_length=16, description=(
    "csv, jsonl, parquet or geojson (places and events only)."))]
Bom = Annotated[str | None, Query(max_length=8, description=(
    "true: CSV starts with a UTF-8 byte order mark (for Excel)."))]
Statuses = Annotated[list[str] | None, Query(max_length=200, description=(
    f"{FILTERS['status'].help} Repeat for several. For: events."))]

router = APIRouter(prefix="/api/v1", responses=_ERRORS, dependencies=[Depends(require_read)])


@router.get("/export/{kind}", summary="Export rows as CSV, JSON lines, Parquet or GeoJSON",
            response_class=StreamingResponse,
            responses={200: {"description": "The export, streamed", "content": {
                media: {} for media in MEDIA_TYPES.values()}}})
def export_rows(  # filters are declared for the schema; _query reads them all at once
        request: Request, store: StoreDep, kind: str, format: Format = "csv", bom: Bom = None,
        outlet: Outlet = None, date_from: From = None, date_to: To = None, doc: Doc = None,
        q: Q = None, source: Source = None, stance: Stance = None,
        claim_kind: ClaimKind = None, type: Type = None, status: Statuses = None,
        actor_country: Code = None, actor_sector: Code = None, target_country: Code = None,
        target_sector: Code = None, place: Place = None, country: Country = None,
        bbox: Box = None, actor: Actor = None, contested: Contested = None,
        min_size: MinSize = None) -> StreamingResponse:
    """Every matching claim, event, place, thread claim or document, with its article and the
    evidence text, read from the store a page at a time."""
    query = _query(request)
    fmt = str(query.pop("format", "csv"))
    bom = query.pop("bom", "false")
    if str(bom).lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise HTTPException(400, f"bom {bom!r}: expected true or false")
    if kind not in KINDS:
        raise HTTPException(400, f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
    try:
        job = Export(store, kind, fmt, query, bom=str(bom).lower() in ("true", "1", "yes"))
    except ExportError as exc:
        raise HTTPException(400, str(exc)) from None
    extension = "jsonl" if fmt == "jsonl" else fmt
    return StreamingResponse(job.chunks(), media_type=job.media_type, headers={
        "Content-Disposition": f'attachment; filename="claimtrack-{kind}.{extension}"'})
