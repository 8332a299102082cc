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

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse

from claimtrack.export import FILTERS, FORMATS, KINDS, MEDIA_TYPES, Export, ExportError
from claimtrack.web.api import _ERRORS, StoreDep
from claimtrack.web.auth import require_read

NOT_QUERY = {"reported_by"}  # filters the CLI builds, not query parameters
OWN = ("format", "bom")
MULTIPLE = {"status"}


def _parameters() -> list[dict[str, Any]]:
    """The query parameters in the OpenAPI schema, one per filter, all optional."""
    params = [{"name": "format", "in": "query", "required": False,
               "schema": {"type": "string", "enum": list(FORMATS), "default": "csv"},
               "description": "Output format; geojson for places and events."},
              {"name": "bom", "in": "query", "required": False,
               "schema": {"type": "boolean", "default": False},
               "description": "CSV: start with a UTF-8 byte order mark (for Excel)."}]
    for name, spec in FILTERS.items():
        if name in NOT_QUERY:
            continue
        schema: dict[str, Any] = {"type": "string", "maxLength": 200}
        if name in MULTIPLE:
            schema = {"type": "array", "items": schema}
        params.append({"name": name, "in": "query", "required": False, "schema": schema,
                       "description": f"{spec.help} For: {', '.join(spec.kinds)}."})
    return params


def _query(request: Request) -> dict[str, Any]:
    """The filters of the query string; an unknown or repeated parameter is a 400."""
    known = {n for n in FILTERS if n not in NOT_QUERY} | set(OWN)
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


router = APIRouter(prefix="/api/v1", responses=_ERRORS, dependencies=[Depends(require_read)])


@router.get("/export/{kind}", summary="Export rows as CSV, JSON lines, Parquet or GeoJSON",
            response_class=StreamingResponse,
            responses={200: {"description": "The export, streamed", "content": {
                media: {} for media in MEDIA_TYPES.values()}}},
            openapi_extra={"parameters": _parameters()})
def export_rows(request: Request, store: StoreDep, kind: str) -> StreamingResponse:
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
