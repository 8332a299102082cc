"""The app factory: the REST API, JSON errors everywhere, a body-size guard, and the web pages.

Every error leaves as ``{"error": {"status", "message"}}``: HTTP errors and validation errors
through exception handlers, anything unexpected through :class:`Guard`, which logs the
traceback and answers with a generic message (internals stay in the server log).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrack.errors import StoreError
from claimtrack.pipeline import Pipeline
from claimtrack.settings import Settings
from claimtrack.store.repository import Store
from claimtrack.web.auth import write_refusal
from claimtrack.web.state import ANY_HOST, ApiSettings, AppState, LazyPipeline, attach

log = logging.getLogger("claimtrack.web")

GENERIC_500 = "internal server error; the server log has the details"


def error_body(status: int, message: str, details: list[dict[str, str]] | None = None
               ) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def _too_large(limit: int) -> str:
    return f"request body exceeds the limit of {limit} bytes"


class BodyTooLarge(StarletteHTTPException):
    """A body that grew past the limit while it was being read (no or a false Content-Length)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


NOSNIFF = (b"x-content-type-options", b"nosniff")
CLOSE = (b"connection", b"close")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"


class Guard:
    """Outermost of our middleware; everything it refuses is refused from the request line
    and headers alone, before a byte of the body is read:

    * a Host header not in ``allowed_hosts``: 400 (DNS rebinding: a page on another site
      whose name now resolves to 127.0.0.1 sends its own name as Host);
    * a NUL character anywhere in the URL: 400 (SQLite ends a LIKE pattern at a NUL, so
      ``?outlet=%00`` would match every row, and PostgreSQL refuses NUL in text outright);
    * a write (POST, PUT, PATCH, DELETE under /api/) without the write token: 401, or 403
      when writes are disabled. FastAPI reads and parses a body before it runs the route's
      dependencies, so ``require_write`` alone let anyone make the server buffer and parse
      5 MB bodies; it stays on the routes as the second check;
    * a body over ``max_body_bytes`` by Content-Length: 413; one that grows past it while it
      streams in (no or a false Content-Length) is cut off at the limit.

    A refusal of a request that announced a body also closes the connection, so the server
    neither reads nor drains that body. Anything else nothing handled becomes a logged,
    generic JSON 500, and every answer carries ``X-Content-Type-Options: nosniff`` (JSON
    holding article markup must never be sniffed as HTML by a browser sent to an API URL).

    Requests that did not come over TCP (the in-process test client, a Unix socket) skip
    the Host check: no browser can be rebound onto them."""

    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        self.settings = settings
        self.max_body_bytes = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, message, extra = refusal
            body_follows = (headers.get(b"content-length", b"0") not in (b"0", b"")
                            or b"transfer-encoding" in headers)
            await _send_json(send, status, error_body(status, message),
                             [*extra, *([CLOSE] if body_follows else [])])
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                if not any(name.lower() == NOSNIFF[0] for name, _ in headers):
                    message = {**message, "headers": [*headers, NOSNIFF]}
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except ClientDisconnect:
            return  # the client went away (or the server closed a slow body): nobody to answer
        except Exception:
            # the path only: a query string could carry something secret
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await _send_json(send, 500, error_body(500, GENERIC_500))

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]
                 ) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        """(status, message, extra headers) refusing the request from its head, or None."""
        if _over_tcp(scope) and not host_allowed(headers.get(b"host"),
                                                 self.settings.allowed_hosts):
            return 400, ("unknown Host header: this server answers to "
                         f"{', '.join(self.settings.allowed_hosts)} only "
                         "(`claimtrack serve --allowed-host`)"), []
        if _holds_nul(scope):
            return 400, "the URL holds a NUL character (%00)", []
        if scope.get("method") not in SAFE_METHODS and scope.get("path", "").startswith(API_PREFIX):
            authorization = headers.get(b"authorization")
            refused = write_refusal(self.settings.token,
                                    None if authorization is None else authorization.decode("latin-1"))
            if refused is not None:
                status, message = refused
                return status, message, ([(b"www-authenticate", b"Bearer")] if status == 401
                                         else [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return 400, "invalid Content-Length header", []
            if int(declared) > self.max_body_bytes:
                return 413, _too_large(self.max_body_bytes), []
        return None


def _over_tcp(scope: Scope) -> bool:
    """Whether the request came from a TCP peer (Starlette's TestClient names its fake peer
    "testclient"; a Unix socket has none)."""
    client = scope.get("client")
    return client is not None and client[0] != "testclient"


def host_allowed(host: bytes | None, allowed: tuple[str, ...]) -> bool:
    """Whether a Host header ("localhost:8000", "[::1]:8000") names an allowed host."""
    if ANY_HOST in allowed:
        return True
    if not host:
        return False
    name = host.decode("latin-1").strip().lower()
    if name.startswith("["):  # an IPv6 literal, with or without a port
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name.rstrip(".") in allowed


def _holds_nul(scope: Scope) -> bool:
    """Whether the path or the query string holds a NUL, raw or percent-encoded."""
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     extra: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()), NOSNIFF,
                            *(extra or [])]})
    await send({"type": "http.response.body", "body": payload})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return JSONResponse(error_body(exc.status_code, message), status_code=exc.status_code,
                        headers=exc.headers)


def _location(loc: Any) -> str:
    return ".".join(str(part) for part in loc)


def _malformed_json(errors: Any) -> str | None:
    """A plain message for a body that is not JSON at all (there is nothing to validate)."""
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or "JSON decode error"
            loc = error.get("loc", ())
            where = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
            return f"the request body is not valid JSON: {reason}{where}"
    return None


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with each problem under ``details``; a body that is not JSON is a 400 with one
    line saying so."""
    assert isinstance(exc, RequestValidationError)
    malformed = _malformed_json(exc.errors())
    if malformed is not None:
        return JSONResponse(error_body(400, malformed), status_code=400)
    details = [{"location": _location(e.get("loc", ())), "message": str(e.get("msg", ""))}
               for e in exc.errors()]
    first = details[0] if details else {"location": "request", "message": "invalid"}
    message = f"{first['location']}: {first['message']}"
    return JSONResponse(error_body(422, message, details), status_code=422)


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    """A StoreError raised on purpose (ambiguous or too-short id, unknown filter value) is the
    client's to fix: 400 with its message. One wrapping a driver error is ours: logged, 500."""
    if exc.__cause__ is None:
        return JSONResponse(error_body(400, str(exc)), status_code=400)
    log.error("store error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body(500, GENERIC_500), status_code=500)


def _closing(store: Store) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that releases the store's connections when the server stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    return lifespan


def _mount_pages(app: FastAPI, store_getter: Callable[[], Store]) -> None:
    """The HTML pages, if that part of the package is installed (it is optional here)."""
    try:
        from claimtrack.web import pages  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return
    pages.mount(app, store_getter)


def create_app(store_url: str | None = None, *, token: str | None = None,
               read_token_required: bool | None = None, max_body_bytes: int | None = None,
               pipeline: Pipeline | None = None, settings: Settings | None = None,
               with_pages: bool = True, allowed_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The claimtrack web app over the store at ``store_url`` (default: the embedded one).

    Arguments left None come from the environment (see :class:`ApiSettings`). ``pipeline``
    is an already-built pipeline to reuse; else one is built from ``settings`` at the first
    submission and kept. ``with_pages=False`` serves the API alone. ``allowed_hosts``
    are the Host names answered (default: localhost, 127.0.0.1, ::1).
    """
    from claimtrack.web import docs_page
    from claimtrack.web.api import router, strict_query
    from claimtrack.web.contests_api import router as contests_router
    from claimtrack.web.documents_api import router as documents_router
    from claimtrack.web.export_api import router as export_router
    from claimtrack.web.summary_api import router as summary_router

    api_settings = ApiSettings.from_env(token=token, read_token_required=read_token_required,
                                        max_body_bytes=max_body_bytes,
                                        allowed_hosts=allowed_hosts)
    store = Store(store_url)
    app = FastAPI(title="claimtrack", version="1",
                  description="Attributed claims, events, places, stories and claim threads "
                              "from news articles.",
                  docs_url=None, redoc_url=None, lifespan=_closing(store),
                  dependencies=[Depends(strict_query)])  # on every route: see strict_query
    attach(app, AppState(api_settings, store, LazyPipeline(pipeline, settings)))
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_middleware(Guard, settings=api_settings)
    app.include_router(router)
    app.include_router(contests_router)
    app.include_router(documents_router)
    app.include_router(export_router)
    app.include_router(summary_router)
    docs_page.mount(app)  # our own page: FastAPI's loads Swagger UI from a CDN
    if with_pages:
        _mount_pages(app, lambda: store)
    return app
