"""The REST API under ``/api/v1``: read the store, submit articles. JSON in, JSON out.

This docstring is the contract the web page (``claimtrack.web.pages``) and other clients code
against; the OpenAPI schema is at ``/openapi.json`` and interactive docs at ``/api/v1/docs``.

Lists
-----
Every list endpoint returns ``{"items": [...], "next_cursor": "<opaque>" | null}`` and takes
``limit`` (1..500, default 50) and ``cursor`` (the ``next_cursor`` of the previous page, with
the same filters). ``next_cursor`` is null on the last page. The cursor is base64url JSON.
For documents, claims and events (without ``per_story``) it is a keyset position, the sort
key of the last row sent, so articles stored while a client walks the pages shift nothing.
For places, stories, threads and per-story lists (aggregates) it holds an *offset* into a
fully ordered result (every ordering ends with a unique key): walking an unchanged store
returns each row exactly once, but rows stored meanwhile may shift a page boundary.

Dates are ISO ``YYYY-MM-DD``; ``from``/``to`` are inclusive bounds on the article's
publication date (undated articles never match them). Text filters (``source``, ``outlet``,
``place``, ``q``, ``actor``) are case-insensitive substrings (``actor`` also matches a
source's country or sector code); codes (``actor_country``, ``type``, ...) are exact, any
case. ``doc`` is a document id or a unique prefix of at least 4 characters.

``GET /api/v1/documents``  ?outlet ?q (full-text search of title and text) ?from ?to
    item: {id, title, outlet, url, published, language, input_name, processed_at,
           entities, claims, events, places, timerefs}  (the last five are counts);
    newest processed first. With ``q``: the documents having every word of it (stemmed;
    quotes, ``*``, ``-`` and other search syntax are plain text), most relevant first, each
    item with ``score`` (higher: more relevant) and ``snippet`` (the text around the words,
    each marked «so»); the cursor then holds an offset.
``DELETE /api/v1/documents/{doc}``  with the write token: see
    :mod:`claimtrack.web.documents_api`.
``GET /api/v1/documents/{doc}``  doc = id or unique prefix (>= 4 chars)
    the whole Document as ``claimtrack show --json`` prints it: {id, url, outlet, title,
    authors, published, language, status, text, paragraphs, sentences, dropped (boilerplate
    spans), entities, claims, events, places, toponyms, timerefs, input}. Spans are
    ``{start, end}`` character offsets into ``text``.
``GET /api/v1/claims``  ?source ?stance (assert|deny|hedge|no_comment|question)
    ?kind (direct|indirect|mixed|according_to|narration) ?outlet ?q (claim text) ?doc ?from
    ?to ?per_story (bool: a claim's copies in near-duplicate articles are one row)
    item: {doc_id, id, kind, stance, source_entity, source_name, source_text, source_start,
           source_end, cue, cue_start, cue_end, content_start, content_end, content_text,
           parent, sentence, confidence, polarity (positive|negative), proposition, story_id,
           title, outlet, url, published}
           (+ copies, outlets with per_story); newest articles first.
``GET /api/v1/events``  ?type (PLOVER) ?status (asserted|denied|hedged|hypothetical|negated,
    repeat for several) ?source ?stance ?actor_country ?actor_sector ?target_country
    ?target_sector ?place ?bbox ?outlet ?doc ?from ?to ?per_story
    item: {doc_id, id, type, mode, context, trigger_start, trigger_end, trigger_text, claim,
           actors, targets, negated, hypothetical, place, date, proposed, status, reported_by,
           source_name, stance, claim_text, place_name, place_country, lat, lon, story_id,
           title, outlet, url, published}; actors/targets: [{text, entity, country, sector}].
    ``status`` is how the article holds the event (a denied event is something its source
    rejects, never a fact); ``reported_by`` the reporting claim's source ("" if none).
``GET /api/v1/places``  ?place (name) ?country (ISO-2) ?bbox ?outlet ?doc ?from ?to
    item: {geonames_id, name, country, admin1, feature_class, feature_code, lat, lon,
           mention_count, doc_count, event_count, asserted_event_count, claim_count};
    most-named first. ``event_count`` counts every event reported there,
    ``asserted_event_count`` those asserted (not denied, hedged, hypothetical or negated).
``GET /api/v1/stories``  ?min_size (default 1)
    item: {story_id, size, title, outlets, first_published, last_published}.
``GET /api/v1/stories/{story}``  story id, or the id/prefix of one of its documents
    {story_id, size, title, outlets, first_published, last_published,
     members: [{doc_id, seq, similarity, title, outlet, url, published}]}.
``GET /api/v1/threads``  ?contested (bool) ?actor ?place ?from ?to ?min_size (default 2)
    item: {thread_id, size, contested, first_published, last_published,
           stances: {stance: count}, asserting: [source], denying: [source], text};
    contested first, then biggest.
``GET /api/v1/threads/{thread}``  thread id, or DOC:CLAIM of any of its claims
    the list item plus sides: {stance: [{doc_id, claim_id, source, source_country,
    source_sector, outlet, published, text}]}.
``GET /api/v1/contests``  ?actor (required)  who contradicts an actor: see
    :mod:`claimtrack.web.contests_api` (the same paging and errors).
``GET /api/v1/summary``  ?top  what the store holds at a glance: see
    :mod:`claimtrack.web.summary_api`.

``bbox`` is ``min_lon,min_lat,max_lon,max_lat`` in degrees (min_lon > max_lon crosses the
antimeridian).

Writes
------
``POST /api/v1/documents``  needs ``Authorization: Bearer <token>``. Body: one article or a
list of up to 100: {text | html, url?, outlet?, title?, published? (YYYY-MM-DD, 1800-2100)}.
Each is run through the full pipeline and saved; a bad article gets an error entry, the rest
go on. The token is checked from the request head, before any of the body is read.
Response 200: {"stored": [{index, id, status, claims, events, places}],
"errors": [{index, message}]} (``index`` is the position in the request).

Errors
------
Every error is ``{"error": {"status": <int>, "message": "<text>"}}`` (validation errors add
``details``: [{location, message}]): 400 a Host header the server does not answer to (see
``claimtrack serve --allowed-host``), bad cursor, ambiguous id, a NUL (%00) in the URL, a
query parameter the route does not take (``?stances=deny``: the message lists the valid
ones, see :func:`strict_query`), an unknown event ``type`` (the message lists the PLOVER
types), ``from`` after ``to``, or a body that is not JSON at all (a one-line message),
401 missing or wrong token, 403 writes (or reads) not enabled, 404 nothing there, 413 body too
large, 422 invalid parameter or body, 500 unexpected (details are in the server log only).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from claimtrack.model import PLOVER_TYPES
from claimtrack.store.repository import Store
from claimtrack.web.auth import require_read, require_write
from claimtrack.web.state import state_of
from claimtrack.web.submit import Article, submit

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_ARTICLES = 100  # per POST: the pipeline holds a batch in memory
DOCUMENT_KEYS = ("processed_at", "id")  # the unique sort key of each keyset-paged list
ITEM_KEYS = ("published", "doc_id", "id")

StanceName = Literal["assert", "deny", "hedge", "no_comment", "question"]
KindName = Literal["direct", "indirect", "mixed", "according_to", "narration"]
StatusName = Literal["asserted", "denied", "hedged", "hypothetical", "negated"]
Statuses = Annotated[list[StatusName] | None, Query(
    description="Keep events the article holds so (repeat for several): asserted, denied (a "
                "source rejects it), hedged, hypothetical or negated.")]
Text = Annotated[str | None, Query(max_length=200)]
Code = Annotated[str | None, Query(max_length=16)]
DateFrom = Annotated[date | None, Query(alias="from", description="Published on or after.")]
DateTo = Annotated[date | None, Query(alias="to", description="Published on or before.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(max_length=200,
                                     description="next_cursor of the previous page.")]
BBoxText = Annotated[str | None, Query(
    max_length=200, description="min_lon,min_lat,max_lon,max_lat (degrees).",
    examples=["30,44,40,53"])]
DocRef = Annotated[str | None, Query(max_length=64, description="Document id or prefix.")]


class Page(BaseModel):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[dict[str, Any]]
    next_cursor: str | None


class Stored(BaseModel):
    index: int
    id: str
    status: str
    claims: int
    events: int
    places: int


class Failed(BaseModel):
    index: int
    message: str


class Submitted(BaseModel):
    """What became of each submitted article, by its position in the request."""

    stored: list[Stored]
    errors: list[Failed]


class ErrorDetail(BaseModel):
    status: int
    message: str
    details: list[dict[str, str]] | None = None


class ErrorBody(BaseModel):
    model_config = ConfigDict(title="Error")
    error: ErrorDetail


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in ((400, "Bad cursor or reference"), (401, "Missing or wrong token"),
                       (403, "Not enabled by the operator"), (404, "Not found"),
                       (413, "Body too large"), (422, "Invalid parameter or body"),
                       (500, "Unexpected error"))
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS)
reads = APIRouter(dependencies=[Depends(require_read)])


# -- cursors and pages ---------------------------------------------------------------------

Fetch = Callable[[int, int, Any], list[dict[str, Any]]]  # (limit, offset, after) -> rows
INVALID_CURSOR = "invalid cursor: pass back a next_cursor unchanged, with the same filters"
MAX_OFFSET = 10**12  # far past any store; a forged 10**30 overflowed SQLite and PostgreSQL


def encode_cursor(offset: int = 0, after: list[Any] | None = None) -> str:
    """An opaque cursor: base64url JSON (unpadded) of a keyset position or an offset."""
    data = {"after": after} if after is not None else {"offset": offset}
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, list[str | None] | None]:
    """(offset, keyset position) of a cursor; one we did not make is a 400, never a 500."""
    if not cursor:
        return 0, None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise HTTPException(400, INVALID_CURSOR) from None
    if not isinstance(data, dict) or set(data) not in ({"offset"}, {"after"}):
        raise HTTPException(400, INVALID_CURSOR)
    offset, after = data.get("offset", 0), data.get("after")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise HTTPException(400, INVALID_CURSOR)
    if after is not None and not (isinstance(after, list) and after and all(
            v is None or (isinstance(v, str) and "\x00" not in v) for v in after)):
        raise HTTPException(400, INVALID_CURSOR)
    return offset, after


def _position_ok(keys: tuple[str, ...], after: list[str | None]) -> bool:
    """Whether a keyset position's dates are ones the store can compare with: ISO, and for
    processed_at convertible to naive UTC (``0001-01-01T00:00+05:00`` is not: Python's
    datetime overflows, which was a 500)."""
    for key, value in zip(keys, after, strict=True):
        if key not in ("published", "processed_at") or value is None:
            continue
        try:
            if key == "published":
                date.fromisoformat(value)
            else:
                when = datetime.fromisoformat(value)
                if when.tzinfo is not None:
                    when.astimezone(UTC)
        except (ValueError, OverflowError):
            return False
    return True


def paged(fetch: Fetch, cursor: str | None, limit: int, keys: tuple[str, ...] = ()) -> Page:
    """One page, fetching a row more than asked to learn whether another follows.

    With ``keys`` (the row fields of a unique sort key) the next cursor is the last row's
    position (keyset paging: rows added meanwhile shift nothing); without, an offset."""
    offset, after = decode_cursor(cursor)
    if after is not None and (len(after) != len(keys) or not _position_ok(keys, after)):
        raise HTTPException(400, INVALID_CURSOR)
    rows = fetch(limit + 1, offset, tuple(after) if after is not None else None)
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    last = rows[limit - 1]
    following = (encode_cursor(after=[last[k] for k in keys]) if keys
                 else encode_cursor(offset + limit))
    return Page(items=rows[:limit], next_cursor=following)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """'min_lon,min_lat,max_lon,max_lat' as numbers in range, else a 422 saying what is wrong."""
    if text is None or text == "":
        return None
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise HTTPException(422, f"bbox {text!r}: expected four numbers "
                                 "min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180
            and -90 <= min_lat <= max_lat <= 90):
        raise HTTPException(422, f"bbox {text!r}: longitudes must be in [-180, 180], latitudes "
                                 "in [-90, 90] with min_lat <= max_lat")
    return min_lon, min_lat, max_lon, max_lat


def declared_query(dependant: Any) -> set[str]:
    """The query parameter names a route declares, its dependencies' included."""
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= declared_query(sub)
    return names


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def strict_query(request: Request) -> None:
    """Refuse, with a 400 naming what is wrong, what would otherwise be answered silently:
    a query parameter the route does not declare (``?stances=deny`` would list every claim)
    and ``from`` after ``to`` (nothing could match). Every API route has this dependency
    (the app adds it to all of them, routers of other modules included); pages are left
    alone."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.url.path.startswith("/api/"):
        return
    allowed = declared_query(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        valid = ", ".join(sorted(allowed)) or "none"
        raise HTTPException(400, f"unknown query {_plural(len(unknown), 'parameter')} "
                                 f"{', '.join(unknown)}; valid parameters: {valid}")
    bounds: dict[str, date] = {}
    for name in ("from", "to"):
        if name in allowed and request.query_params.get(name):
            try:
                bounds[name] = date.fromisoformat(request.query_params[name])
            except ValueError:
                return  # validation says what is wrong with it (422)
    if len(bounds) == 2 and bounds["from"] > bounds["to"]:
        raise HTTPException(400, f"from ({bounds['from']}) is after to ({bounds['to']}): "
                                 "no date is in between")


def event_type(value: str | None) -> str | None:
    """A PLOVER event type in any case; an unknown one is a 400 listing the valid types."""
    if not value:
        return None
    if value.upper() not in PLOVER_TYPES:
        raise HTTPException(400, f"unknown event type {value!r}; expected one of: "
                                 f"{', '.join(PLOVER_TYPES)}")
    return value.upper()


def store_of(request: Request) -> Store:
    return state_of(request.app).store


def doc_filter(store: Store, doc: str | None) -> str | None:
    """A full id for the ``doc`` filter (an unknown prefix matches nothing); a too-short or
    ambiguous prefix raises StoreError, which the app turns into a 400."""
    if not doc:
        return None
    return store.resolve(doc) or doc


StoreDep = Annotated[Store, Depends(store_of)]


# -- reads ---------------------------------------------------------------------------------

@reads.get("/documents", response_model=Page, summary="List stored documents")
def list_documents(store: StoreDep, outlet: Text = None, q: Text = None,
                   date_from: DateFrom = None, date_to: DateTo = None,
                   cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> Page:
    """Stored articles, most recently processed first, with counts of what was found; with
    ``q``, those having every word of it, most relevant first, each with a snippet."""
    keys = () if q and q.strip() else DOCUMENT_KEYS  # a ranked search pages by offset
    return paged(lambda n, o, a: store.documents(limit=n, offset=o, after=a, outlet=outlet, q=q,
                                                 date_from=date_from, date_to=date_to),
                 cursor, limit, keys)


@reads.get("/documents/{doc}", summary="One document with everything found in it")
def get_document(store: StoreDep, doc: str) -> dict[str, Any]:
    """The Document as ``claimtrack show --json`` prints it."""
    found = store.get(doc)
    if found is None:
        raise HTTPException(404, f"no stored document matches {doc!r}")
    return found.to_dict()


@reads.get("/claims", response_model=Page, summary="List claims")
def list_claims(store: StoreDep, source: Text = None, stance: StanceName | None = None,
                kind: KindName | None = None, outlet: Text = None, q: Text = None,
                doc: DocRef = None, date_from: DateFrom = None, date_to: DateTo = None,
                per_story: bool = False, cursor: Cursor = None,
                limit: Limit = DEFAULT_LIMIT) -> Page:
    """Attributed claims, newest articles first."""
    doc_id = doc_filter(store, doc)
    return paged(lambda n, o, a: store.claims(
        source=source, stance=stance, kind=kind, outlet=outlet, q=q, doc_id=doc_id,
        date_from=date_from, date_to=date_to, per_story=per_story, limit=n, offset=o, after=a),
        cursor, limit, () if per_story else ITEM_KEYS)


@reads.get("/events", response_model=Page, summary="List events")
def list_events(store: StoreDep, type: Code = None, source: Text = None,
                stance: StanceName | None = None, actor_country: Code = None,
                actor_sector: Code = None, target_country: Code = None,
                target_sector: Code = None, place: Text = None, bbox: BBoxText = None,
                outlet: Text = None, doc: DocRef = None, date_from: DateFrom = None,
                date_to: DateTo = None, per_story: bool = False, status: Statuses = None,
                cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> Page:
    """PLOVER events with their status (a denied event is not a fact), who reports them and
    where they happened."""
    box, doc_id, type = parse_bbox(bbox), doc_filter(store, doc), event_type(type)
    return paged(lambda n, o, a: store.events(
        status=status or None, type=type, source=source, stance=stance,
        actor_country=actor_country,
        actor_sector=actor_sector, target_country=target_country, target_sector=target_sector,
        place=place, bbox=box, outlet=outlet, doc_id=doc_id, date_from=date_from,
        date_to=date_to, per_story=per_story, limit=n, offset=o, after=a),
        cursor, limit, () if per_story else ITEM_KEYS)


@reads.get("/places", response_model=Page, summary="List places")
def list_places(store: StoreDep, place: Text = None, country: Code = None,
                bbox: BBoxText = None, outlet: Text = None, doc: DocRef = None,
                date_from: DateFrom = None, date_to: DateTo = None, cursor: Cursor = None,
                limit: Limit = DEFAULT_LIMIT) -> Page:
    """Places aggregated over the matching documents, most-named first."""
    box, doc_id = parse_bbox(bbox), doc_filter(store, doc)
    return paged(lambda n, o, _a: store.places(
        name=place, country=country, bbox=box, outlet=outlet, doc_id=doc_id,
        date_from=date_from, date_to=date_to, limit=n, offset=o), cursor, limit)


@reads.get("/stories", response_model=Page, summary="List stories")
def list_stories(store: StoreDep, min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                 cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> Page:
    """Groups of near-duplicate articles, biggest first."""
    return paged(lambda n, o, _a: store.stories(limit=n, offset=o, min_size=min_size),
                 cursor, limit)


@reads.get("/stories/{story}", summary="One story with its articles")
def get_story(store: StoreDep, story: str) -> dict[str, Any]:
    """A story by its id or the id (or prefix) of one of its articles."""
    found = store.story(story)
    if found is None:
        raise HTTPException(404, f"no stored story has an article matching {story!r}")
    return found


@reads.get("/threads", response_model=Page, summary="List claim threads")
def list_threads(store: StoreDep, contested: bool = False, actor: Text = None,
                 place: Text = None, date_from: DateFrom = None, date_to: DateTo = None,
                 min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 2,
                 cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> Page:
    """Claims about one proposition across articles, contested ones first."""
    return paged(lambda n, o, _a: store.threads(
        contested_only=contested, actor=actor, place=place, date_from=date_from,
        date_to=date_to, min_size=min_size, limit=n, offset=o), cursor, limit)


@reads.get("/threads/{thread}", summary="One claim thread with its sides")
def get_thread(store: StoreDep, thread: str) -> dict[str, Any]:
    """A thread by its id or the DOC:CLAIM of any of its claims."""
    found = store.thread(thread)
    if found is None:
        raise HTTPException(404, f"no stored thread matches {thread!r}")
    return found


# -- writes --------------------------------------------------------------------------------

Articles = Annotated[list[Article], Field(min_length=1, max_length=MAX_ARTICLES)]


@router.post("/documents", response_model=Submitted, dependencies=[Depends(require_write)],
             summary="Submit articles for processing")
async def post_documents(request: Request, body: Article | Articles) -> Submitted:
    """Run each article through the full pipeline and save it; bad ones get an error entry.

    One submission at a time runs, in a worker thread of its own (see ``AppState.writers``)."""
    articles = body if isinstance(body, list) else [body]
    state = state_of(request.app)
    stored, errors = await anyio.to_thread.run_sync(submit, state, articles,
                                                    limiter=state.writers)
    return Submitted(stored=[Stored(**s) for s in stored], errors=[Failed(**e) for e in errors])


router.include_router(reads)
