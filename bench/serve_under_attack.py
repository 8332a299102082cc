"""`claimtrack serve` under the attacks of issue 21, items 3 and 4, on loopback.

The server is ``claimtrack serve`` itself, a subprocess on 127.0.0.1 over a fresh SQLite
store filled through the API (bench/api_load.py's articles; this loads the pipeline too).
One reader (in this process) asks for a page of claims, documents or events in turn, one
request at a time, for the whole run; its latencies are what is reported.

``flood``: the reader alone for ``--quiet`` seconds, then with ``--clients`` attackers (a
subprocess: asyncio, one connection each, a new one after each answer) each POSTing 5 MB
bodies without a token for ``--seconds``. Reported: reader p50/p99 quiet and under the
flood, and the server's resident memory (VmRSS, sampled every 0.1 s) before and at its peak.

``slow``: ``--connections`` half-open connections (a request head that never ends), plus
one POST with the token whose body comes at 1 byte per second, held by an attacker
subprocess that notes when the server closes each one; meanwhile the reader asks for a
page every 0.5 s. Reported: the reader's slowest answer, and when the connections were
closed (the cap closes the oldest idle ones at once; the header and body timeouts the rest).

    python bench/serve_under_attack.py flood [--clients 16] [--seconds 20] [--quiet 10]
    python bench/serve_under_attack.py slow [--connections 1000] [--nofile 1024]
    ... [--source DIR]  run the server from another checkout's src/ (to compare with
                        the code before the change: git worktree or git archive)
    ... [--nice 19]     run the attackers at the lowest priority: on a network they would be
                        other machines; here, at normal priority, their own copying of 5 MB
                        bodies into sockets (hundreds of MB/s) takes the 2 cores from the
                        server and the reader alike, which measures the machine, not the server

The machine is shared (2 cores run the server, the attackers and the reader): figures move
from run to run by tens of percent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_load  # bench/ is not a package

TOKEN = api_load.TOKEN
BODY_BYTES = 5_000_000
READS = ["/api/v1/claims?limit=50", "/api/v1/documents?limit=50", "/api/v1/events?limit=50"]


# -- the server ------------------------------------------------------------------------------

def start(store: Path, log: Path, source: Path | None,
          nofile: int | None = None) -> tuple[subprocess.Popen[bytes], str, int]:
    port = api_load.free_port()
    env = {**os.environ, "CLAIMTRACK_DATABASE_URL": f"sqlite:///{store}",
           "CLAIMTRACK_API_TOKEN": TOKEN}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from claimtrack.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    if nofile is not None:
        _limit_files(process.pid, nofile)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + api_load.START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/api/v1/documents?limit=1", timeout=2).status_code == 200:
                api_load.fill(base, api_load.articles_to_load())
                return process, base, port
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    api_load.stop_server(process)
    raise RuntimeError("server did not start")


def _limit_files(pid: int, nofile: int) -> None:
    """The server's open-files limit (ulimit -n), as on a default desktop system; set at
    once after the start, long before the server listens (it loads for seconds)."""
    _soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (nofile, hard))


def cpu_s(pid: int) -> float:
    """The process's user + system CPU seconds so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """The server's VmRSS every 0.1 s; ``peak`` since the last ``reset``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def reset(self) -> float:
        self.peak = rss_mb(self.pid)
        return self.peak

    def run(self) -> None:
        while not self.stop.wait(0.1):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return


def read_for(base: str, seconds: float, pause: float = 0.0) -> list[float]:
    """Reader latencies (s) over ``seconds``; a failed request counts as 60 s."""
    latencies: list[float] = []
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=60) as client:
        i = 0
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                ok = client.get(READS[i % len(READS)]).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.monotonic() - started if ok else 60.0)
            i += 1
            if pause:
                time.sleep(pause)
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# -- the attackers (run as a subprocess: --role) ---------------------------------------------

async def flood_client(port: int, end: float, counts: dict[str, int]) -> None:
    head = (f"POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            f"application/json\r\nContent-Length: {BODY_BYTES}\r\n\r\n").encode()
    body = b'{"text": "' + b"a" * (BODY_BYTES - 12) + b'"}'
    while time.monotonic() < end:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + body)
            try:
                await writer.drain()
            except ConnectionError:
                counts["reset while sending"] = counts.get("reset while sending", 0) + 1
            status = (await reader.read(12))[9:12].decode() or "closed"
            counts[status] = counts.get(status, 0) + 1
            writer.close()
        except OSError as exc:
            counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1
            await asyncio.sleep(0.01)


async def flood(port: int, clients: int, seconds: float) -> dict[str, Any]:
    counts: dict[str, int] = {}
    end = time.monotonic() + seconds
    await asyncio.gather(*(flood_client(port, end, counts) for _ in range(clients)))
    return counts


async def hold(port: int, head: bytes, trickle: bytes, started: float,
               closes: list[float | None], index: int, limit: float) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        closes[index] = -1.0
        return
    try:
        writer.write(head)
        for byte in trickle:
            if reader.at_eof() or time.monotonic() - started > limit:
                break
            writer.write(bytes([byte]))
            await writer.drain()
            try:
                await asyncio.wait_for(reader.read(65536), 1.0)
                if reader.at_eof():
                    break
            except TimeoutError:
                pass
        await asyncio.wait_for(reader.read(), max(limit - (time.monotonic() - started), 0.1))
        while not reader.at_eof():
            await asyncio.wait_for(reader.read(65536), max(limit - (time.monotonic() - started), 0.1))
        closes[index] = time.monotonic() - started
    except ConnectionError:  # closed with a reset (data the server had not read)
        closes[index] = time.monotonic() - started
    except TimeoutError:
        closes[index] = None if not reader.at_eof() else time.monotonic() - started
    finally:
        writer.close()


async def slow(port: int, connections: int, limit: float) -> dict[str, Any]:
    started = time.monotonic()
    closes: list[float | None] = [None] * (connections + 1)
    half_open = b"GET /api/v1/documents HTTP/1.1\r\nHost: localhost\r\n"
    tasks = [hold(port, half_open, b"", started, closes, i, limit) for i in range(connections)]
    slow_body = (f"POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                 f"application/json\r\nAuthorization: Bearer {TOKEN}\r\n"
                 f"Content-Length: 1000\r\n\r\n").encode()
    tasks.append(hold(port, slow_body, b"x" * 1000, started, closes, connections, limit))
    await asyncio.gather(*tasks)
    return {"half_open": closes[:connections], "slow_body": closes[connections]}


def attacker(args: argparse.Namespace) -> None:
    os.nice(args.nice)
    if args.role == "flood":
        result = asyncio.run(flood(args.port, args.clients, args.seconds))
    else:
        result = asyncio.run(slow(args.port, args.connections, args.limit))
    print(json.dumps(result))


def spawn(role: str, port: int, nice: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, "--role", role, "--port", str(port),
                             "--nice", str(nice), *extra], stdout=subprocess.PIPE, text=True)


# -- the scenarios ---------------------------------------------------------------------------

def run_flood(args: argparse.Namespace, base: str, port: int, pid: int) -> dict[str, Any]:
    sampler = Sampler(pid)
    sampler.start()
    read_for(base, 2)  # warm
    cpu_before = cpu_s(pid)
    quiet = read_for(base, args.quiet)
    cpu_quiet = cpu_s(pid) - cpu_before
    baseline = sampler.reset()
    child = spawn("flood", port, args.nice, "--clients", str(args.clients), "--seconds", str(args.seconds))
    cpu_before = cpu_s(pid)
    loud = read_for(base, args.seconds)
    cpu_flood = cpu_s(pid) - cpu_before
    attack = json.loads(child.communicate(timeout=120)[0])
    sampler.stop.set()
    return {"scenario": "flood", "clients": args.clients, "seconds": args.seconds,
            "quiet_p50_ms": pct(quiet, 0.5), "quiet_p99_ms": pct(quiet, 0.99),
            "flood_p50_ms": pct(loud, 0.5), "flood_p99_ms": pct(loud, 0.99),
            "p99_ratio": round(pct(loud, 0.99) / pct(quiet, 0.99), 2),
            "reads_quiet": len(quiet), "reads_flood": len(loud),
            "rss_before_mb": round(baseline, 1), "rss_peak_mb": round(sampler.peak, 1),
            "rss_growth_mb": round(sampler.peak - baseline, 1), "attack_answers": attack,
            "server_cpu_share_quiet": round(cpu_quiet / args.quiet, 2),
            "server_cpu_share_flood": round(cpu_flood / args.seconds, 2)}


def run_slow(args: argparse.Namespace, base: str, port: int, pid: int) -> dict[str, Any]:
    child = spawn("slow", port, args.nice, "--connections", str(args.connections), "--limit",
                  str(args.limit))
    time.sleep(2)  # the connections are open
    latencies = read_for(base, args.limit - 5, pause=0.5)
    try:
        attack = json.loads(child.communicate(timeout=args.limit + 60)[0])
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    half = attack["half_open"]
    closed = [t for t in half if t is not None and t >= 0]
    return {"scenario": "slow", "connections": args.connections,
            "reader_requests": len(latencies), "reader_max_ms": round(max(latencies) * 1000, 1),
            "reader_p50_ms": round(pct(latencies, 0.5), 1),
            "half_open_closed_within_1s": sum(t <= 1 for t in closed),
            "half_open_closed_within_12s": sum(t <= 12 for t in closed),
            "half_open_closed_last_s": round(max(closed), 1) if closed else None,
            "half_open_still_open_at_end": sum(t is None for t in half),
            "half_open_refused_connect": sum(t is not None and t < 0 for t in half),
            "slow_body_closed_after_s": (round(attack["slow_body"], 1)
                                         if attack["slow_body"] is not None else None),
            "observed_for_s": args.limit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", choices=["flood", "slow"])
    parser.add_argument("--role", choices=["flood", "slow"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--quiet", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=90.0,
                        help="slow: seconds to watch the connections")
    parser.add_argument("--nofile", type=int, help="the server's ulimit -n (e.g. 1024)")
    parser.add_argument("--nice", type=int, default=0,
                        help="niceness of the attacker process (19: as if on another machine)")
    parser.add_argument("--source", type=Path, help="checkout whose src/ the server runs")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.role:
        attacker(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        process, base, port = start(Path(tmp) / "store.db", Path(tmp) / "server.log",
                                    args.source, args.nofile)
        try:
            run = run_flood if args.scenario == "flood" else run_slow
            result = run(args, base, port, process.pid)
        finally:
            api_load.stop_server(process)
        log_bytes = (Path(tmp) / "server.log").stat().st_size
    result["server_log_bytes"] = log_bytes
    result["source"] = str(args.source or "this checkout")
    result["attacker_nice"] = args.nice
    result["server_nofile"] = args.nofile
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
