"""Load test of the REST API: the real server under a bounded load from loopback.

The server is ``claimtrack serve`` itself (one uvicorn process; with ``--workers N`` > 1,
``uvicorn --factory claimtrack.web.app:create_app --workers N`` over the same store), started
as a subprocess on 127.0.0.1 over a fresh store. The store is filled through the API: the
seed article (``../shared/seed``, when present) and the short articles below are POSTed
first, which also loads the server's pipeline, so the timed part measures a warm server.

Then ``--clients`` concurrent clients (asyncio + httpx, one keep-alive connection each) loop
for ``--seconds``, each request drawn from a weighted mix of the read endpoints (documents,
claims with filters, events in a bbox, places, threads, one document, one thread), while
``--writers`` more clients (one by default) each POST a new small article every
``--post-interval`` seconds (each is run through the full pipeline, so writes are much slower
and rarer than reads). Every answer must be the
expected one (200, and a POST must store its article); anything else, an exception or a
timeout counts as an error. Reported: requests/s, p50/p95/p99 latency per kind of request and
overall, errors (with the first few described); JSON to ``--out``.

    python bench/api_load.py [--clients 50] [--seconds 60] [--writers 1] [--post-interval 2]
                             [--workers 1] [--db URL] [--out bench/results/api_load.json]

The machine is shared and small (2 cores run the server and the clients both): absolute
figures move from run to run; the error count is the target (none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "moscow_times_2014-08-28.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "api_load.json"
TOKEN = "api-load-bench-token"
TIMEOUT_S = 60.0  # per request; a POST waits for the ones before it (one pipeline, one lock)
START_TIMEOUT_S = 120.0

ARTICLES: list[dict[str, str]] = [
    {"outlet": "Kyiv Daily", "published": "2024-03-04", "title": "Shelling hits Kharkiv",
     "text": "Ukrainian military officials said on Monday that Russian troops shelled residential "
             "areas of Kharkiv overnight, killing three civilians.\n\nThe Russian defence "
             "ministry denied that its forces had attacked civilian targets in Kharkiv."},
    {"outlet": "Moscow Evening", "published": "2024-03-06", "title": "Ministry rejects claims",
     "text": "Russia's defence ministry on Wednesday denied that Russian troops shelled "
             "residential areas of Kharkiv.\n\nA ministry spokesman said the army struck only "
             "military depots near Belgorod."},
    {"outlet": "Pacific Tribune", "published": "2024-05-20", "title": "Fiji cyclone aid",
     "text": "Fiji's prime minister said on Tuesday that the government would send emergency aid "
             "to Suva after the cyclone.\n\nPolice in Suva arrested two men accused of looting "
             "shops, a spokesperson said."},
    {"outlet": "Andes Post", "published": "2024-04-10", "title": "Floods in Lima",
     "text": "Peru's president said the army would evacuate families from flooded districts of "
             "Lima.\n\nOpposition lawmakers accused the government of ignoring warnings about "
             "the floods."},
    {"outlet": "Baltic Wire", "published": "2024-02-01", "title": "Dock strike ends",
     "text": "Officials in Gdansk said on Thursday that dock workers ended a strike after the "
             "port agreed to raise wages. A union leader denied that the deal was final."},
]
CITIES = ["Odesa", "Nairobi", "Lima", "Gdansk", "Suva", "Kharkiv", "Belgorod", "Donetsk"]

# (kind, weight): the mix of read requests; POSTs run on their own schedule
READ_MIX = [("documents", 3), ("claims", 4), ("events", 3), ("places", 2), ("threads", 2),
            ("document", 3), ("thread", 1)]
CLAIM_FILTERS = [{}, {"stance": "deny"}, {"kind": "direct"}, {"source": "ministry"},
                 {"q": "Kharkiv"}, {"outlet": "daily"}, {"from": "2024-03-05"},
                 {"per_story": "true"}, {"stance": "assert", "to": "2024-12-31"}]
EVENT_FILTERS = [{"bbox": "30,44,40,53"}, {"bbox": "-80,-15,-70,-10"},
                 {"bbox": "170,-25,-170,-10"}, {"bbox": "-180,-90,180,90", "type": "ASSAULT"},
                 {"bbox": "20,40,45,60", "stance": "deny"}]


class Tally:
    """Latencies and errors of one kind of request."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.statuses: dict[str, int] = {}

    def summary(self, seconds: float) -> dict[str, Any]:
        done = len(self.latencies)
        return {"requests": done, "requests_per_s": round(done / seconds, 2),
                "errors": self.errors, "statuses": dict(sorted(self.statuses.items())),
                **percentiles(self.latencies)}


def percentiles(latencies: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds (None without data)."""
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies)
    if len(ordered) == 1:
        cuts = [ordered[0]] * 99
    else:
        cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}


class Load:
    """What the clients found out while the load ran (a plain class: tests load this script
    without registering it as a module, which dataclasses would need)."""

    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = {}
        self.problems: list[str] = []
        self.doc_ids: list[str] = []
        self.thread_ids: list[str] = []

    def record(self, kind: str, seconds: float, status: str, ok: bool, problem: str = "") -> None:
        tally = self.tallies.setdefault(kind, Tally())
        tally.latencies.append(seconds)
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if not ok:
            tally.errors += 1
            if len(self.problems) < 20:
                self.problems.append(f"{kind}: {status}: {problem[:300]}")


# -- the server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int, workers: int) -> list[str]:
    """``claimtrack serve`` for one worker; uvicorn's factory mode for several."""
    if workers <= 1:
        return [sys.executable, "-c", "from claimtrack.cli import main; main()", "serve",
                "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "uvicorn", "--factory", "claimtrack.web.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def start_server(db_url: str, workers: int, log_path: Path) -> tuple[subprocess.Popen[bytes],
                                                                     str]:
    """The server as a subprocess (store and token from the environment); waits until it
    answers. Its output (uvicorn's access log among it) goes to ``log_path``."""
    port = free_port()
    env = {**os.environ, "CLAIMTRACK_DATABASE_URL": db_url, "CLAIMTRACK_API_TOKEN": TOKEN}
    log = log_path.open("wb")
    process = subprocess.Popen(server_command(port, workers), env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n"
                               f"{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base}/api/v1/documents?limit=1", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


# -- the clients -------------------------------------------------------------------------

def articles_to_load() -> list[dict[str, str]]:
    """The seed article (when ../shared is there) and ours."""
    found = list(ARTICLES)
    if SEED.exists():
        found.append({"outlet": "The Moscow Times", "published": "2014-08-28",
                      "text": SEED.read_text(encoding="utf-8")})
    return found


def fill(base: str, articles: list[dict[str, str]]) -> list[str]:
    """POST the articles (the first POST loads the server's pipeline); their ids."""
    response = httpx.post(f"{base}/api/v1/documents", json=articles,
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600)
    response.raise_for_status()
    body = response.json()
    if body["errors"]:
        raise RuntimeError(f"articles not stored: {body['errors']}")
    return [s["id"] for s in body["stored"]]


def read_request(kind: str, load: Load, rng: random.Random) -> tuple[str, dict[str, str]]:
    """The path and query of one read request of ``kind``."""
    if kind == "documents":
        params = rng.choice([{}, {"outlet": "post"}, {"q": "said"}, {"from": "2024-01-01"}])
        return "/api/v1/documents", {**params, "limit": str(rng.choice([10, 50]))}
    if kind == "claims":
        return "/api/v1/claims", {**rng.choice(CLAIM_FILTERS), "limit": "50"}
    if kind == "events":
        return "/api/v1/events", {**rng.choice(EVENT_FILTERS), "limit": "100"}
    if kind == "places":
        return "/api/v1/places", rng.choice([{}, {"bbox": "20,40,45,60"}, {"country": "UA"}])
    if kind == "threads":
        return "/api/v1/threads", rng.choice([{}, {"contested": "true"}, {"min_size": "1"}])
    if kind == "document":
        return f"/api/v1/documents/{rng.choice(load.doc_ids)}", {}
    if kind == "thread":
        return f"/api/v1/threads/{rng.choice(load.thread_ids)}", {}
    raise ValueError(kind)


async def timed(load: Load, kind: str, call: Any, check: Any) -> None:
    """Run one request, time it and record whether the answer was the expected one."""
    start = time.perf_counter()
    try:
        response = await call()
    except (httpx.HTTPError, OSError) as exc:
        load.record(kind, time.perf_counter() - start, type(exc).__name__, False, repr(exc))
        return
    elapsed = time.perf_counter() - start
    problem = check(response)
    load.record(kind, elapsed, str(response.status_code), not problem, problem)


def expect_page(response: httpx.Response) -> str:
    if response.status_code != 200:
        return response.text
    return "" if isinstance(response.json().get("items"), list) else "no items"


def expect_object(response: httpx.Response) -> str:
    return "" if response.status_code == 200 else response.text


def expect_stored(response: httpx.Response) -> str:
    if response.status_code != 200:
        return response.text
    body = response.json()
    return "" if len(body["stored"]) == 1 and not body["errors"] else json.dumps(body)


async def reader(client: httpx.AsyncClient, load: Load, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*READ_MIX, strict=True)
    while time.perf_counter() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path, params = read_request(kind, load, rng)
        check = expect_page if kind in {"documents", "claims", "events", "places",
                                        "threads"} else expect_object
        await timed(load, kind, lambda p=path, q=params: client.get(p, params=q), check)


def small_article(n: int, rng: random.Random) -> dict[str, str]:
    """A new short article each time (new text: a new document, story and thread work)."""
    city, other = rng.sample(CITIES, 2)
    return {"outlet": f"Load Wire {n % 7}", "published": f"2024-06-{1 + n % 28:02d}",
            "title": f"Report {n} from {city}",
            "text": f"Officials in {city} said on Monday that {n + 2} people were arrested after "
                    f"protests near the port. A police spokesman in {other} denied that "
                    f"officers used force against protesters number {n}."}


async def poster(client: httpx.AsyncClient, load: Load, deadline: float, interval: float,
                 seed: int) -> None:
    rng = random.Random(seed)
    n = seed * 10_000
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        body = small_article(n, rng)
        await timed(load, "post", lambda b=body: client.post(
            "/api/v1/documents", json=b, headers={"Authorization": f"Bearer {TOKEN}"}),
            expect_stored)
        n += 1
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))


async def run_load(base: str, load: Load, clients: int, seconds: float, writers: int,
                   post_interval: float) -> float:
    """``clients`` readers and ``writers`` posters for ``seconds``; the wall time."""
    # connections idle for 1 s are dropped: uvicorn closes them after 5 s, httpx by default
    # also after 5 s, and a request sent on one the server is closing fails (ReadError)
    limits = httpx.Limits(max_connections=clients + writers,
                          max_keepalive_connections=clients + writers, keepalive_expiry=1.0)
    timeout = httpx.Timeout(TIMEOUT_S)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        start = time.perf_counter()
        deadline = start + seconds
        tasks = [reader(client, load, deadline, seed) for seed in range(clients)]
        tasks += [poster(client, load, deadline, post_interval, seed=clients + i)
                  for i in range(writers)]
        await asyncio.gather(*tasks)
        return time.perf_counter() - start


def thread_ids(base: str) -> list[str]:
    response = httpx.get(f"{base}/api/v1/threads", params={"min_size": 1, "limit": 50},
                         timeout=30)
    response.raise_for_status()
    return [t["thread_id"] for t in response.json()["items"]]


def server_errors(log_text: str) -> list[str]:
    """Lines of the server's output that report a 5xx or a traceback."""
    return [line for line in log_text.splitlines()
            if "Traceback" in line or " 500 " in line or " 503 " in line
            or "ERROR" in line][:20]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="Concurrent reading clients.")
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the load runs.")
    parser.add_argument("--writers", type=int, default=1,
                        help="Clients that POST articles (0: no writes).")
    parser.add_argument("--post-interval", type=float, default=2.0,
                        help="Seconds between the POSTs of each writing client.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument("--db", default=None,
                        help="Store URL (default: a SQLite file in a temporary directory). "
                             "It should be empty: the articles are added to it.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="claimtrack-api-load-"))
    db_url = args.db or f"sqlite:///{workdir / 'store.db'}"
    log_path = workdir / "server.log"
    load = Load()
    process, base = start_server(db_url, args.workers, log_path)
    try:
        started = time.perf_counter()
        load.doc_ids = fill(base, articles_to_load())
        fill_seconds = time.perf_counter() - started
        load.thread_ids = thread_ids(base) or ["no-thread"]
        load_before = [round(x, 2) for x in os.getloadavg()]
        wall = asyncio.run(run_load(base, load, args.clients, args.seconds, args.writers,
                                    args.post_interval))
        load_after = [round(x, 2) for x in os.getloadavg()]
    finally:
        stop_server(process)
        server_log = log_path.read_text(errors="replace")
        shutil.rmtree(workdir, ignore_errors=True)

    everything = Tally()
    for tally in load.tallies.values():
        everything.latencies += tally.latencies
        everything.errors += tally.errors
        for status, count in tally.statuses.items():
            everything.statuses[status] = everything.statuses.get(status, 0) + count
    results: dict[str, Any] = {
        "benchmark": "api_load",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {"clients": args.clients, "writers": args.writers, "seconds": args.seconds,
                   "post_interval_s": args.post_interval, "workers": args.workers,
                   "store": "sqlite (temporary file)" if args.db is None else "given URL",
                   "server": ("claimtrack serve" if args.workers <= 1 else
                              f"uvicorn --factory claimtrack.web.app:create_app "
                              f"--workers {args.workers}"),
                   "articles_loaded_first": len(load.doc_ids),
                   "fill_seconds_incl_pipeline_load": round(fill_seconds, 1)},
        "machine": {"cpus": os.cpu_count(), "loadavg_before": load_before,
                    "loadavg_after": load_after},
        "wall_seconds": round(wall, 2),
        "overall": everything.summary(wall),
        "by_kind": {kind: tally.summary(wall) for kind, tally in sorted(load.tallies.items())},
        "errors": everything.errors,
        "error_examples": load.problems,
        "server_log_errors": server_errors(server_log),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(summary(results))
    return results


def summary(results: dict[str, Any]) -> str:
    """A table of the figures, for the terminal."""
    config, machine = results["config"], results["machine"]
    head = (f"{config['clients']} clients + {config['writers']} writer(s) for "
            f"{results['wall_seconds']} s, {config['workers']} worker(s); load average "
            f"before/after {machine['loadavg_before'][0]:.1f}/{machine['loadavg_after'][0]:.1f} "
            f"on {machine['cpus']} CPUs")
    columns = (f"{'kind':<10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
               f"{'p99 ms':>8} {'errors':>6}")
    lines = [head, columns]
    rows = [*results["by_kind"].items(), ("overall", results["overall"])]
    for kind, row in rows:
        lines.append(f"{kind:<10} {row['requests']:>8} {row['requests_per_s']:>8} "
                     f"{row['p50_ms']!s:>8} {row['p95_ms']!s:>8} {row['p99_ms']!s:>8} "
                     f"{row['errors']:>6}")
    lines += [f"error: {problem}" for problem in results["error_examples"]]
    lines += [f"server log: {line}" for line in results["server_log_errors"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(1 if main()["errors"] else 0)
