"""The API reference page at ``/api/v1/docs``: rendered on the server from the OpenAPI
document, with no script and nothing loaded from another site.

FastAPI's own docs page loads Swagger UI's scripts and styles from a CDN (jsdelivr), so
whoever serves or tampers with those files runs script in the page of a server that holds
the write token's users. No installed package ships the Swagger UI assets, so this page
lists every operation (method, path, summary, description, parameters, body, answers) as
plain HTML, every string escaped, with one inline stylesheet allowed by its hash in a
Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

DOCS_ROUTE = "/api/v1/docs"
METHODS = ("get", "post", "put", "patch", "delete")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #1d2430; }
h2 { margin-top: 2em; border-bottom: 1px solid #d8dde5; }
.op { margin: 1em 0; padding: 0.5em 1em; border: 1px solid #d8dde5; border-radius: 4px; }
.method { font-weight: bold; text-transform: uppercase; margin-right: 0.5em; }
pre { white-space: pre-wrap; background: #f4f6f9; padding: 0.5em; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.2em 0.6em; }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _type(schema: dict[str, Any]) -> str:
    """A short name for a JSON schema: its $ref's last part, its type, or its alternatives."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_type(s) for s in schema[key])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _parameters(operation: dict[str, Any]) -> str:
    rows = [
        f"<tr><td><code>{escape(p.get('name', ''))}</code></td><td>{escape(p.get('in', ''))}"
        f"</td><td>{escape(_type(p.get('schema', {})))}</td>"
        f"<td>{'required' if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description', '') or '')}</td></tr>"
        for p in operation.get("parameters", [])
    ]
    if not rows:
        return ""
    return ("<table><tr><th>parameter</th><th>in</th><th>type</th><th></th><th></th></tr>"
            + "".join(rows) + "</table>")


def _operation(path: str, method: str, operation: dict[str, Any]) -> str:
    parts = [(f'<div class="op"><p><span class="method">{escape(method)}</span>'
              f"<code>{escape(path)}</code> {escape(operation.get('summary', ''))}</p>")]
    if operation.get("description"):
        parts.append(f"<pre>{escape(operation['description'])}</pre>")
    parts.append(_parameters(operation))
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        parts.append(f"<p>Body (JSON): {escape(_type(body.get('schema', {})))}</p>")
    answers = ", ".join(f"{escape(code)} {escape(r.get('description', ''))}"
                        for code, r in operation.get("responses", {}).items())
    parts.append(f"<p>Answers: {answers}</p></div>")
    return "".join(parts)


def render(openapi: dict[str, Any]) -> str:
    """The whole page for an OpenAPI document."""
    info = openapi.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    sections = [
        _operation(path, method, item[method])
        for path, item in openapi.get("paths", {}).items() for method in METHODS if method in item
    ]
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}"
            f"</title><style>{STYLE}</style></head><body><h1>{title}</h1>"
            f"<p>{escape(info.get('description', ''))}</p>"
            '<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a>.</p>'
            f"<h2>Operations</h2>{''.join(sections)}</body></html>")


def mount(app: FastAPI) -> None:
    """Serve the page at DOCS_ROUTE (create the app with ``docs_url=None``)."""

    @app.get(DOCS_ROUTE, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(render(app.openapi()), headers=HEADERS)
