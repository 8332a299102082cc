"""Issue 21, items 3, 4 and 6: `claimtrack serve` against floods, slow clients and other sites.

Each test runs the real server (uvicorn with claimtrack's protocol, over a real store) on a
loopback socket and talks to it with raw sockets, so what is checked is what arrives on the
wire: a write without the token is refused before its body is sent, a request head or body
that does not arrive in time closes the connection (short timeouts here; the defaults are
10 s and 60 s), one connection over the cap closes the oldest idle one, and a Host header
of another site is refused. The figures under load are bench/serve_under_attack.py's.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from claimtrack.cli import main
from claimtrack.web.app import create_app, host_allowed
from claimtrack.web.docs_page import DOCS_ROUTE
from claimtrack.web.serve import ServeLimits, allowed_hosts_for, uvicorn_config
from claimtrack.web.state import LOCAL_HOSTS

TOKEN = "serve-hardening-token"
WAIT_S = 10.0  # a socket read that takes longer than this means the server held on


class Running:
    """A real server on 127.0.0.1 in a thread of this process."""

    def __init__(self, store: Path, limits: ServeLimits, **app_options: object) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        app = create_app(f"sqlite:///{store}", token=TOKEN, with_pages=False, **app_options)
        config = uvicorn_config(app, "127.0.0.1", self.port, limits, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)

    def connect(self) -> socket.socket:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=WAIT_S)
        return conn

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def _serve(tmp_path: Path, **limits: float) -> Iterator[Running]:
    running = Running(tmp_path / "store.db", ServeLimits(**limits))  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    yield from _serve(tmp_path, header_timeout=1.0, body_timeout=1.0, max_connections=8)


def _read_all(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes (a timeout fails the test)."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _get(port: int, path: str = "/api/v1/documents", host: str = "localhost") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode())
        return _read_all(conn)


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic abc"])
def test_serve_unauthenticated_write_is_refused_before_its_body(server: Running,
                                                                 authorization: str | None
                                                                 ) -> None:
    """The head announces 5 MB and no byte of it is sent: the 401 comes anyway, and the
    connection closes (the server neither waits for nor drains the body)."""
    head = ("POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Type: application/json\r\nContent-Length: 5000000\r\n"
            + (f"Authorization: {authorization}\r\n" if authorization else "") + "\r\n")
    with server.connect() as conn:
        conn.sendall(head.encode())
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert b"connection: close" in answer.lower()
    assert b"bearer token" in answer


def test_serve_write_with_the_token_reads_the_body(server: Running) -> None:
    """The check is on the head only: with the token, the (bad) body is read and judged."""
    body = b'{"text": 1}'
    with server.connect() as conn:
        conn.sendall(b"POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\n"
                     b"Content-Type: application/json\r\nConnection: close\r\n"
                     + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
                     .encode() + body)
        assert _read_all(conn).startswith(b"HTTP/1.1 422 ")


def test_serve_slow_request_head_is_closed_after_the_header_timeout(server: Running) -> None:
    """A head sent a byte at a time never completes: 408 and closed after 1 s (the
    keep-alive timer, which every byte resets, never fires)."""
    with server.connect() as conn:
        started = time.monotonic()
        answer = b""
        for byte in b"GET /api/v1/documents HTTP/1.1\r\nHost: localhost\r\n":
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.1)
            conn.setblocking(False)
            try:
                answer += conn.recv(65536)
            except BlockingIOError:
                pass
            finally:
                conn.setblocking(True)
            if answer:
                break
        answer += _read_all(conn)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert 0.9 <= elapsed < 4.0


def test_serve_idle_connection_without_a_request_is_closed(server: Running) -> None:
    with server.connect() as conn:
        started = time.monotonic()
        assert _read_all(conn).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 4.0


def test_serve_slow_body_is_closed_after_the_body_timeout(server: Running) -> None:
    """With the token, a body that trickles in (1 byte of 100 sent) is cut off after 1 s."""
    with server.connect() as conn:
        started = time.monotonic()
        conn.sendall(b"POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n"
                     + f"Authorization: Bearer {TOKEN}\r\n\r\n{{".encode())
        assert _read_all(conn) == b""
        assert 0.9 <= time.monotonic() - started < 4.0


def test_serve_connection_over_the_cap_closes_the_oldest_idle_one(server: Running) -> None:
    """8 connections at most: with 8 idle ones open, a ninth still gets its answer, and the
    oldest idle connection is the one closed."""
    idle = [server.connect() for _ in range(8)]
    try:
        time.sleep(0.2)  # all accepted
        assert _get(server.port).startswith(b"HTTP/1.1 200 ")
        idle[0].settimeout(2.0)
        assert idle[0].recv(1) == b""  # closed
        idle[-1].setblocking(False)
        with pytest.raises(BlockingIOError):
            idle[-1].recv(1)  # still open
    finally:
        for conn in idle:
            conn.close()


@pytest.mark.parametrize(("host", "allowed"), [
    ("localhost", True), ("LOCALHOST:8000", True), ("127.0.0.1:8000", True), ("[::1]:8000", True),
    ("::1", True), ("evil.example", False), ("localhost.evil.example", False),
    ("127.0.0.1.nip.io", False), ("", False),
])
def test_serve_host_header_must_be_allowed(server: Running, host: str, allowed: bool) -> None:
    answer = _get(server.port, host=host)
    if allowed:
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    else:
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert b"Host" in answer


@pytest.mark.parametrize(("host", "names", "allowed"), [
    ("news.example:443", ("news.example",), True), ("evil.example", ("news.example",), False),
    ("anything.example", ("*",), True), (None, ("localhost",), False),
])
def test_serve_host_allowed(host: str | None, names: tuple[str, ...], allowed: bool) -> None:
    assert host_allowed(None if host is None else host.encode(), names) is allowed


def test_serve_configured_host_is_answered(tmp_path: Path) -> None:
    running = Running(tmp_path / "store.db", ServeLimits(), allowed_hosts=("news.example",))
    try:
        assert _get(running.port, host="news.example").startswith(b"HTTP/1.1 200 ")
        assert _get(running.port, host="localhost").startswith(b"HTTP/1.1 400 ")
    finally:
        running.stop()


def test_serve_docs_page_loads_nothing_from_another_site(tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 's.db'}", with_pages=False))
    response = client.get(DOCS_ROUTE)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    page = response.text
    assert "<script" not in page and "cdn" not in page.lower() and "https://" not in page
    for path in client.get("/openapi.json").json()["paths"]:
        assert f"<code>{path}</code>" in page


@pytest.mark.parametrize(("host", "names", "expected"), [
    ("127.0.0.1", LOCAL_HOSTS, LOCAL_HOSTS),
    ("192.0.2.7", LOCAL_HOSTS, (*LOCAL_HOSTS, "192.0.2.7")),
    ("0.0.0.0", ("news.example",), ("news.example",)),
    ("::", LOCAL_HOSTS, LOCAL_HOSTS),
])
def test_serve_answers_to_the_address_it_listens_on(host: str, names: tuple[str, ...],
                                                    expected: tuple[str, ...]) -> None:
    assert allowed_hosts_for(host, names) == expected


def test_serve_command_documents_its_limits() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--allowed-host", "--header-timeout", "--body-timeout", "--max-connections"):
        assert option in result.output
