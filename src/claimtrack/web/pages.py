"""The analysts' web page: article view, events map, timeline, threads board and search.

One static HTML page with our own JavaScript and CSS (``web/static``), which reads everything
through the REST API under ``/api/v1``. Article text and metadata are untrusted, so the
scripts build the DOM with ``textContent``; every response of these routes also carries a
Content-Security-Policy that allows scripts, styles and fetches from this origin only (no
inline script or style), so markup smuggled into an article could not run even if it reached
the DOM. Country outlines (see :mod:`claimtrack.web.outlines`) are served from the data
directory when ``claimtrack web-assets`` has installed them; without them the map draws the
places on a graticule and says how to install them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from claimtrack.store.repository import Store
from claimtrack.web.outlines import outlines_path

STATIC = Path(__file__).parent / "static"
STATIC_ROUTE = "/static"
OUTLINES_ROUTE = "/outlines/countries.geojson"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class _StaticFiles(StaticFiles):
    """Static files with the page's security headers (the CSP matters for any HTML here)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


def mount(app: FastAPI, store_getter: Callable[[], Store]) -> None:
    """Add the page (``/``), its static files and the outlines route to ``app``.

    The page reads the store through the API only, so ``store_getter`` is not called here;
    it is accepted so that routes which need the store can be added without changing the
    app factory."""
    del store_getter

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        """The single page; its views are chosen by the URL fragment (#/map, #/threads...)."""
        return FileResponse(STATIC / "index.html", media_type="text/html",
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    @app.api_route(OUTLINES_ROUTE, methods=["GET", "HEAD"], include_in_schema=False)
    def outlines() -> Response:
        """The country outlines as GeoJSON, or a 404 saying how to install them."""
        path = outlines_path()
        if not path.is_file():
            return JSONResponse(
                {"error": {"status": 404, "message": "country outlines are not installed: "
                           "run `claimtrack web-assets`"}},
                status_code=404, headers=SECURITY_HEADERS)
        return FileResponse(path, media_type="application/geo+json", headers=SECURITY_HEADERS)

    app.mount(STATIC_ROUTE, _StaticFiles(directory=STATIC), name="static")
