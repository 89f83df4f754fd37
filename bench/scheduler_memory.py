"""The scheduler process's resident memory over many crawl cycles (crawls in child processes).

Starts a local HTTP server whose feeds gain a new article every few seconds, writes a sources
file of SOURCES feeds with a 1-second interval, runs ``stancewatch run`` on a fresh SQLite
database, and samples the service's RSS (``/proc/PID/status``) until CYCLES crawl runs have
been logged. A local apprise receiver (``json://127.0.0.1:PORT/``) is the notification target,
so the deliver job runs in the scheduler process every 5 seconds as it does in production.
Prints the figures; asserts nothing. Target: under 150 MiB.

    python bench/scheduler_memory.py [--cycles 100] [--sources 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from stancewatch.demo.server import LocalServer, Request, Response

TEXT = (
    "Ministers discussed Ukraine's path to membership of the alliance, the guarantees that "
    "could come first, and what each capital is ready to say in public this week. "
) * 3


def feeds(request: Request) -> Response:
    """``/<name>/feed.xml`` (a new article every 5 seconds) and ``/<name>/news/<n>.html``."""
    base = f"http://{request.host}"
    parts = request.path.strip("/").split("/")
    tick = int(time.time() // 5)  # a new article in every feed every 5 seconds
    if len(parts) == 2 and parts[1] == "feed.xml":
        items = "".join(
            f"<item><title>{parts[0]} {n}</title><link>{base}/{parts[0]}/news/{n}.html</link></item>"
            for n in range(tick - 2, tick + 1)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
        kind = "application/rss+xml"
    elif len(parts) == 3 and parts[1] == "news":
        n = parts[2].split(".")[0]
        paras = "".join(f"<p>{parts[0]} item {n} part {i}. {TEXT}</p>" for i in range(3))
        body = f"<html><head><title>{parts[0]} {n}</title></head><body><article><h1>{parts[0]} {n}</h1>{paras}</article></body></html>"
        kind = "text/html"
    else:
        return Response(404, b"not found")
    return Response(200, body.encode(), {"Content-Type": kind})


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--sources", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    server = LocalServer(feeds, name="feeds").start()
    base = server.base
    receiver = LocalServer(
        lambda request: Response(200), name="receiver"
    ).start()  # apprise json://
    notify = f"json://127.0.0.1:{receiver.port}/desk"
    tmp = Path(tempfile.mkdtemp(prefix="sw-bench-"))
    sources = tmp / "sources.toml"
    sources.write_text(
        "\n".join(
            f'[[sources]]\nname = "feed{i}"\nkind = "feed"\nstart_urls = ["{base}/feed{i}/feed.xml"]\n'
            'interval = "1s"\ntimeout = "60s"\n'
            for i in range(args.sources)
        )
    )
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {**os.environ, "STANCEWATCH_AUTOTHROTTLE": "false", "STANCEWATCH_SCHEDULER_JITTER": "0",
           "STANCEWATCH_DELIVER_INTERVAL": "5", "STANCEWATCH_LOG_LEVEL": "INFO",
           "STANCEWATCH_NOTIFY_URLS": notify}  # fmt: skip
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stancewatch",
            "--database-url",
            url,
            "--sources",
            str(sources),
            "run",
        ],  # fmt: skip
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs: list[str] = []
    delivers: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "job=crawl" in line:
                runs.append(line)
            elif "job=deliver" in line:
                delivers.append(line)

    threading.Thread(target=read, daemon=True).start()
    started = time.monotonic()
    samples: list[tuple[int, float]] = []
    while len(runs) < args.cycles and proc.poll() is None:
        samples.append((len(runs), rss_mib(proc.pid)))
        time.sleep(1.0)
    samples.append((len(runs), rss_mib(proc.pid)))
    elapsed = time.monotonic() - started
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)
    server.stop()
    receiver.stop()

    ok = sum("status=ok" in r for r in runs)
    print(f"crawl runs: {len(runs)} ({ok} with new articles) in {elapsed:.0f} s, "
          f"{args.sources} sources, {len(delivers)} deliver runs in the scheduler process, "
          f"service exit code {rc}")  # fmt: skip
    after_first = next((m for n, m in samples if n >= 1), samples[-1][1])
    print(f"scheduler RSS: start {samples[0][1]:.1f} MiB, after the first run {after_first:.1f} MiB, "
          f"max {max(m for _, m in samples):.1f} MiB, at the end {samples[-1][1]:.1f} MiB "
          f"(target < 150 MiB)")  # fmt: skip
    for n, m in samples[:: max(1, len(samples) // 10)]:
        print(f"  after {n:4d} runs: {m:6.1f} MiB")


if __name__ == "__main__":
    main()
