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


def _check(credentials: HTTPAuthorizationCredentials | None, token: str) -> None:
    """401 unless the request carries exactly ``token`` as a bearer token."""
    if credentials is None:
        raise HTTPException(401, "missing bearer token: send 'Authorization: Bearer <token>'",
                            headers=CHALLENGE)
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(401, "invalid bearer token", headers=CHALLENGE)


def require_write(request: Request, credentials: Credentials) -> None:
    """Writes need the configured token; with none configured they are disabled (403)."""
    token = state_of(request.app).settings.token
    if not token:
        raise HTTPException(403, "writes are disabled: the operator has not configured an API "
                                 "token (set CLAIMTRACK_API_TOKEN or `claimtrack serve --token`)")
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
