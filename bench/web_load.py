"""The web page under load: p50/p95 latency and errors at 20, 100 and 200 concurrent clients.

Starts ``stancewatch web`` in a child process (this tree, or --tree for another checkout, to
compare before and after) over a database (by default the demo's, made with ``stancewatch
demo`` in a temporary directory), then for each concurrency sends --requests mixed requests
(overview, actor pages, changes, articles, search, the JSON API) from that many clients with
keep-alive connections. Every request that is not a 200 counts as an error (503s, the
answer "busy, retry", are also counted apart); a request unanswered after --timeout seconds
is an error too. Then one GET / on the idle server, and the time SIGTERM takes to stop the
server while the largest load is in flight. Prints figures; asserts nothing.

    python bench/web_load.py [--database-url URL] [--concurrency 20,100,200]
                             [--requests 2000] [--timeout 60] [--tree PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import aiohttp
from sqlalchemy import text

from stancewatch.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def demo_database(tmp: Path, tree: Path) -> str:
    path = tmp / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "stancewatch", "demo", "--db", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
    )
    return f"sqlite:///{path}"


def request_mix(url: str) -> list[str]:
    """One round of paths, weighted like a reader's visit: pages more than the API."""
    engine = make_engine(url)
    with engine.connect() as conn:
        actors = [r[0] for r in conn.execute(text("select distinct actor from statements"))]
        ids = [r[0] for r in conn.execute(text("select id from articles order by id limit 20"))]
    engine.dispose()
    paths = ["/", "/", "/changes", "/search?q=nato", "/search?q=ukraine+membership"]
    paths += [f"/actors/{quote(a, safe='')}" for a in actors[:6]]
    paths += [f"/articles/{i}" for i in ids[:6]]
    paths += ["/api/actors", "/api/changes", "/api/articles?q=zelensky"]
    paths += [f"/api/actors/{quote(actors[0], safe='')}/statements"]
    return paths


def start_server(url: str, tree: Path, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "stancewatch", "--database-url", url, "web", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # cwd too: ``python -m`` puts the working directory first on sys.path
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env, cwd=tree)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with suppress(OSError):
            with urllib.request.urlopen(base + "/api/changes", timeout=5):
                return proc, base
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("stancewatch web did not start:\n" + log.read_text())


async def load(base: str, paths: list[str], clients: int, total: int, timeout: float) -> dict:
    """``total`` requests from ``clients`` concurrent clients; latencies of the 200s."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(paths[i % len(paths)])
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=clients)
    client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def client(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            started = time.perf_counter()
            try:
                async with session.get(base + path) as r:
                    await r.read()
                    key = str(r.status)
            except TimeoutError:
                key = "timeout"
            except aiohttp.ClientError as exc:
                key = type(exc).__name__
            statuses[key] = statuses.get(key, 0) + 1
            if key == "200":
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return {"latencies": latencies, "statuses": statuses, "seconds": time.perf_counter() - started}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(clients: int, total: int, result: dict) -> None:
    ok = result["latencies"]
    errors = total - len(ok)
    busy = result["statuses"].get("503", 0)
    others = {k: v for k, v in sorted(result["statuses"].items()) if k != "200"}
    print(
        f"{clients:>4} clients: {len(ok):>5}/{total} ok  p50 {percentile(ok, 50) * 1000:7.0f} ms"
        f"  p95 {percentile(ok, 95) * 1000:7.0f} ms  errors {errors} (503: {busy})"
        f"  {total / result['seconds']:6.1f} req/s  {result['seconds']:.1f} s  {others or ''}"
    )


def stop_under_load(
    proc: subprocess.Popen, base: str, paths: list[str], clients: int, log: Path
) -> tuple[float, float]:
    """Seconds from SIGTERM to uvicorn's last log line (the server has stopped) and to the
    end of the process (after the interpreter's own teardown), while ``clients`` keep
    requesting."""

    async def run() -> float:
        pending = asyncio.ensure_future(load(base, paths, clients, clients * 20, 30))
        await asyncio.sleep(2)
        ended: list[float] = []  # watched from a thread: this loop is busy with the clients
        finished: list[float] = []

        def watch() -> None:
            while proc.poll() is None:
                if not finished and "Finished server process" in log.read_text():
                    finished.append(time.monotonic())
                time.sleep(0.02)
            ended.append(time.monotonic())

        waiter = threading.Thread(target=watch)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        waiter.start()
        while waiter.is_alive() and time.monotonic() - sent < 120:
            await asyncio.sleep(0.05)
        pending.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await pending
        end = ended[0] if ended else float("inf")
        return (finished[0] if finished else end) - sent, end - sent

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="database to serve (default: a fresh demo one)")
    parser.add_argument("--concurrency", default="20,100,200")
    parser.add_argument("--requests", type=int, default=2000, help="per concurrency level")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout the server runs")
    parser.add_argument("--log", type=Path, help="keep the server's log here")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or demo_database(Path(tmp), args.tree)
        paths = request_mix(url)
        log = Path(tmp) / "web.log"
        proc, base = start_server(url, args.tree, log)
        try:
            print(f"server: {args.tree} over {make_engine(url).url!r}; {len(paths)} paths")
            for clients in levels:
                report(clients, args.requests, asyncio.run(load(base, paths, clients,
                                                                args.requests, args.timeout)))  # fmt: skip
            started = time.perf_counter()
            with urllib.request.urlopen(base + "/", timeout=600) as r:
                r.read()
            print(f"afterwards: one GET / in {(time.perf_counter() - started) * 1000:.0f} ms")
            served, ended = stop_under_load(proc, base, paths, max(levels), log)
            state = f"exit {proc.returncode}" if proc.poll() is not None else "still running"
            print(
                f"SIGTERM under {max(levels)} clients: server stopped in {served:.1f} s, "
                f"process ended in {ended:.1f} s ({state})"
            )
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        lines = log.read_text().splitlines()
        if args.log:
            args.log.write_text(log.read_text())
        print(f"server log: {len(lines)} lines, {sum('Traceback' in x for x in lines)} tracebacks")


if __name__ == "__main__":
    main()
