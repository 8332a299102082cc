"""`claimtrack serve`: uvicorn with deadlines for slow clients and a cap on connections.

uvicorn bounds the idle time between two requests (``timeout_keep_alive``) and the size of a
request head (``h11_max_incomplete_event_size``), but nothing bounds the time a client takes
to send a request: its keep-alive timer is cancelled by every byte received, so a client
sending a byte a second holds its connection for ever, and ``limit_concurrency`` answers 503
only to connections that have sent a whole request head, so half-open connections pile up
until the process runs out of file descriptors (then the server stops answering and its
accept loop logs an error per attempt).

:class:`GuardedH11Protocol` adds what is missing, in the HTTP protocol, where the bytes
arrive (an ASGI middleware sees a request only once its head is complete):

* a request head must arrive whole within ``header_timeout`` seconds of the connection or of
  the previous answer (then 408 and close);
* a request body must arrive whole within ``body_timeout`` seconds of its head (then the
  connection is closed; the app sees the client go away);
* at most ``max_connections`` connections are open: one more closes the oldest connection
  that is still waiting for its request head (a slow or idle one), or, if every one is
  busy with a request, the new one.

Closed connections are logged as one summary line every few seconds, not a line each.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from claimtrack.web.state import LOCAL_HOSTS

log = logging.getLogger("claimtrack.web.serve")

WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # every interface
FD_RESERVE = 100  # file descriptors kept for the store, logs and the listening socket
SUMMARY_EVERY_S = 10.0
_TIMEOUT_MESSAGE = b"request head not received in time\n"
_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
                % (len(_TIMEOUT_MESSAGE), _TIMEOUT_MESSAGE))


@dataclass
class ServeLimits:
    """How long a client may take to send a request, and how many connections are open."""

    header_timeout: float = field(default=10.0, metadata={
        "help": "Seconds a client has to send a whole request head (then 408, closed)."})
    body_timeout: float = field(default=60.0, metadata={
        "help": "Seconds a client has to send a whole request body after its head (then "
                "closed)."})
    max_connections: int = field(default=500, metadata={
        "help": "Open connections at most; one more closes the oldest one still waiting for "
                "its request head."})
    keep_alive: int = field(default=5, metadata={
        "help": "Seconds an idle keep-alive connection stays open."})
    max_head_bytes: int = field(default=16 * 1024, metadata={
        "help": "Largest request head (request line and headers), bytes."})

    def fitted(self) -> ServeLimits:
        """These limits with max_connections lowered to what the open-files limit allows."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY or self.max_connections <= soft - FD_RESERVE:
            return self
        fitted = max(soft - FD_RESERVE, 1)
        log.warning("max_connections lowered from %d to %d: the open-files limit (ulimit -n) "
                    "is %d", self.max_connections, fitted, soft)
        return ServeLimits(self.header_timeout, self.body_timeout, fitted, self.keep_alive,
                           self.max_head_bytes)


class _Summary:
    """Counts closed connections by reason and logs them as one line every few seconds."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.pending: asyncio.TimerHandle | None = None

    def count(self, loop: asyncio.AbstractEventLoop, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if self.pending is None:
            self.pending = loop.call_later(SUMMARY_EVERY_S, self.flush)

    def flush(self) -> None:
        self.pending = None
        if self.counts:
            log.warning("closed %s", ", ".join(f"{n} {reason}" for reason, n in
                                               sorted(self.counts.items())))
            self.counts = {}


class _Waiting:
    """The connections waiting for a request head, oldest first (a dict keeps order)."""

    def __init__(self) -> None:
        self.members: dict[GuardedH11Protocol, None] = {}

    def add(self, protocol: GuardedH11Protocol) -> None:
        self.members.setdefault(protocol, None)

    def discard(self, protocol: GuardedH11Protocol) -> None:
        self.members.pop(protocol, None)

    def oldest(self, besides: GuardedH11Protocol) -> GuardedH11Protocol | None:
        for protocol in self.members:
            if protocol is not besides:
                return protocol
        return None


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with request deadlines and a connection cap (see the module).

    Made per server by :func:`guarded_protocol`, which sets ``limits`` and the shared
    ``waiting`` and ``summary`` on a subclass."""

    limits: ServeLimits = ServeLimits()
    waiting: _Waiting = _Waiting()
    summary: _Summary = _Summary()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase: str | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()
        if self._open_connections() > self.limits.max_connections:
            victim = self.waiting.oldest(besides=self)
            if victim is not None:
                victim._close("connections over the cap (the oldest waiting for a request)")
            else:
                self._close("connections refused at the cap (every other one busy)")

    def _open_connections(self) -> int:
        """Connections not already closing (a closed one leaves the set a loop turn later)."""
        return sum(1 for c in self.connections if not c.transport.is_closing())

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.waiting.discard(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def _watch(self) -> None:
        """Arm the deadline of the phase the request is in: its head, its body, or none."""
        if self.transport.is_closing():
            self._disarm()
            self.waiting.discard(self)
            return
        state = self.conn.their_state
        phase = "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == "head":
            self.waiting.add(self)
        else:
            self.waiting.discard(self)
        if phase == self._phase:
            return
        self._disarm()
        self._phase = phase
        if phase is not None:
            seconds = self.limits.header_timeout if phase == "head" else self.limits.body_timeout
            self._deadline = self.loop.call_later(seconds, self._expire, phase)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = None

    def _expire(self, phase: str) -> None:
        self._deadline = None
        if phase == "head":
            if self.conn.our_state is h11.IDLE and not self.transport.is_closing():
                self.transport.write(_TIMEOUT_408)
            self._close(f"request heads not received within {self.limits.header_timeout:g} s")
        else:
            self._close(f"request bodies not received within {self.limits.body_timeout:g} s")

    def _close(self, reason: str) -> None:
        self._disarm()
        self.waiting.discard(self)
        self.summary.count(self.loop, reason)
        if not self.transport.is_closing():
            self.transport.close()


def guarded_protocol(limits: ServeLimits) -> type[GuardedH11Protocol]:
    """A protocol class for one server, with its own limits and bookkeeping."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,),
                {"limits": limits, "waiting": _Waiting(), "summary": _Summary()})


def uvicorn_config(app: Any, host: str, port: int, limits: ServeLimits, **options: Any) -> Any:
    """The uvicorn Config serving ``app`` under ``limits`` (``options`` pass through)."""
    import uvicorn

    limits = limits.fitted()
    return uvicorn.Config(
        app, host=host, port=port, http=guarded_protocol(limits),
        timeout_keep_alive=limits.keep_alive,
        h11_max_incomplete_event_size=limits.max_head_bytes,
        # a backstop on requests in progress (503 past it); the cap on connections is the
        # protocol's. Twice the cap: a connection closed at the cap leaves uvicorn's count a
        # loop turn later, and at the cap itself a legitimate request would get 503
        limit_concurrency=2 * limits.max_connections,
        **options,
    )


def serve(db_url: str | None, host: str, port: int, token: str | None,
          allowed_hosts: tuple[str, ...] = (), limits: ServeLimits | None = None) -> None:
    """Build the app over the store at ``db_url`` and serve it until interrupted.

    The Host names answered are ``allowed_hosts`` when given, else the ones of
    CLAIMTRACK_API_ALLOWED_HOSTS or localhost, 127.0.0.1 and ::1; a server bound to a
    specific address also answers to that address."""
    import uvicorn

    from claimtrack.web.app import create_app
    from claimtrack.web.state import ApiSettings

    names = allowed_hosts_for(host, allowed_hosts or ApiSettings.from_env().allowed_hosts)
    app = create_app(db_url, token=token, allowed_hosts=names)
    uvicorn.Server(uvicorn_config(app, host, port, limits or ServeLimits())).run()


def allowed_hosts_for(host: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The Host names to answer when listening on ``host``: ``names``, plus ``host`` itself
    when it is one address; on every interface with local names only, a warning (clients
    of other machines would get 400 until the operator names the server)."""
    if host in WILDCARDS:
        if set(names) <= set(LOCAL_HOSTS):
            log.warning("listening on %s but answering only to the Host names %s: pass "
                        "--allowed-host with the name clients use (or set "
                        "CLAIMTRACK_API_ALLOWED_HOSTS)", host, ", ".join(names))
        return names
    return names if host.lower() in names else (*names, host.lower())
