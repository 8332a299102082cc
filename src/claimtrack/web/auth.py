"""Bearer-token checks: writes need the operator's token, reads only when a setting says so.

Never open by default: with no token configured, writes are refused outright. Tokens are
compared in constant time (``hmac.compare_digest`` on UTF-8 bytes, which also accepts
non-ASCII input) and never logged or echoed.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from claimtrack.web.state import state_of

bearer = HTTPBearer(auto_error=False, description="The token set by the operator in "
                    "CLAIMTRACK_API_TOKEN (or `claimtrack serve --token`).")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = {"WWW-Authenticate": "Bearer"}


MISSING = "missing bearer token: send 'Authorization: Bearer <token>'"
INVALID = "invalid bearer token"
WRITES_DISABLED = ("writes are disabled: the operator has not configured an API token "
                   "(set CLAIMTRACK_API_TOKEN or `claimtrack serve --token`)")


def _check(credentials: HTTPAuthorizationCredentials | None, token: str) -> None:
    """401 unless the request carries exactly ``token`` as a bearer token."""
    refusal = _token_refusal(None if credentials is None else credentials.credentials, token)
    if refusal is not None:
        raise HTTPException(401, refusal, headers=CHALLENGE)


def _token_refusal(presented: str | None, token: str) -> str | None:
    """Why ``presented`` is not ``token`` (constant-time comparison), or None when it is."""
    if presented is None:
        return MISSING
    if not hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), token.encode()):
        return INVALID
    return None


def bearer_from_header(authorization: str | None) -> str | None:
    """The credentials of an ``Authorization: Bearer <token>`` header, as HTTPBearer reads it."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return None
    return credentials


def write_refusal(token: str | None, authorization: str | None) -> tuple[int, str] | None:
    """(status, message) refusing a write from its Authorization header alone, or None.

    The Guard middleware calls this before any of the request body is read, so that an
    unauthenticated client cannot make the server read, buffer or parse a body
    (``require_write`` runs only after FastAPI has read and parsed it)."""
    if not token:
        return 403, WRITES_DISABLED
    refusal = _token_refusal(bearer_from_header(authorization), token)
    return None if refusal is None else (401, refusal)


def require_write(request: Request, credentials: Credentials) -> None:
    """Writes need the configured token; with none configured they are disabled (403)."""
    token = state_of(request.app).settings.token
    if not token:
        raise HTTPException(403, WRITES_DISABLED)
    _check(credentials, token)


def require_read(request: Request, credentials: Credentials) -> None:
    """Reads are open unless CLAIMTRACK_API_READ_TOKEN_REQUIRED is set; then they need the
    token, and with no token configured they are refused (403) rather than left open."""
    settings = state_of(request.app).settings
    if not settings.read_token_required:
        return
    if not settings.token:
        raise HTTPException(403, "reads require a token but the operator has not configured "
                                 "one (set CLAIMTRACK_API_TOKEN)")
    _check(credentials, settings.token)
