"""Time to alert: from an article appearing on a local source to its alert at a local receiver.

A local news site (an RSS feed and article pages on 127.0.0.1) first carries one baseline
article per actor (20 fictional actors, each backing Ukraine's NATO membership); then, at
random moments, one new article per actor appears in which that actor rules membership out:
20 stance changes in all. ``stancewatch run`` (the real scheduler process, its crawl of the
feed every POLL seconds) crawls, analyses and delivers through apprise to a local HTTP
receiver (``json://127.0.0.1:PORT/``). For each change, the time from the article appearing
in the feed to its alert arriving is measured. Prints p50/p95/max and the poll interval;
asserts nothing. Target: p95 <= poll interval + 5 s.

    python bench/time_to_alert.py [--poll 10] [--changes 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from stancewatch.demo.server import LocalServer, Request, Response

FIRST = [
    "Alma", "Bruno", "Cecile", "Dario", "Elina", "Fabian", "Greta", "Hugo", "Ines", "Jonas",
    "Katja", "Lukas", "Mirela", "Nils", "Oksana", "Pavel", "Quentin", "Rasa", "Sven", "Tamsin",
]  # fmt: skip
LAST = [
    "Verhoeven", "Castellano", "Lindqvist", "Moravec", "Okonkwo", "Petrescu", "Quaresma",
    "Rautio", "Sandoval", "Tamminen", "Ulbrich", "Vasquez", "Wennberg", "Xanthos", "Yildiz",
    "Zabrodin", "Abernathy", "Bolander", "Czerny", "Dunleavy",
]  # fmt: skip
#: Neutral filler, so every page is a distinct story (never a near duplicate of another).
WORDS = (
    "committee budget harbour railway timber orchard council bridge ledger weather festival "
    "museum archive tariff ferry granary workshop quarry vineyard library stadium canal "
    "pipeline reservoir tunnel airport market factory school hospital clinic theatre gallery "
    "garden forest river valley mountain island village county district region province "
    "season report survey figure estimate schedule contract tender auction harvest shipment "
    "delivery inspection renovation expansion closure opening hearing review audit election "
    "morning evening weekend quarter autumn winter spring summer yesterday tomorrow recently"
).split()

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"


def actor_name(i: int) -> str:
    return f"{FIRST[i]} {LAST[i]}"


def actors_toml(n: int) -> str:
    return "\n".join(
        f'[[actors]]\nname = "{actor_name(i)}"\nkind = "person"\n'
        f'aliases = ["{actor_name(i)}", "{LAST[i]}"]\n'
        for i in range(n)
    )


def filler(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = rng.sample(WORDS, rng.randint(9, 15))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


class Article:
    def __init__(self, n: int, actor: int, support: bool, published: datetime) -> None:
        rng = random.Random(n * 7919 + actor)
        name = actor_name(actor)
        if support:
            lead = f"{name} said Ukraine must become a member of NATO."
            title = f"{name} backs Ukraine's membership"
        else:
            lead = f"{name} said Ukraine cannot join NATO."
            title = f"{name} rules out Ukraine's membership"
        self.n, self.actor, self.published, self.title = n, actor, published, title
        paras = [f"{lead} {filler(rng, 3)}"] + [filler(rng, 5) for _ in range(4)]
        self.html = (
            f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f"</head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "</article></body></html>"
        ).encode()


class Site:
    """An RSS feed of every published article, newest first, and the article pages."""

    def __init__(self) -> None:
        self.server = LocalServer(self.handle, name="wire").start()
        self.base = self.server.base
        self.articles: list[Article] = []
        self.lock = threading.Lock()

    def publish(self, article: Article) -> float:
        with self.lock:
            self.articles.append(article)
        return time.time()

    def feed(self) -> bytes:
        with self.lock:
            items = "".join(
                f"<item><title>{a.title}</title><link>{self.base}/news/{a.n}.html</link>"
                f"<guid>{self.base}/news/{a.n}.html</guid>"
                f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate></item>"
                for a in reversed(self.articles[-40:])
            )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def page(self, n: int) -> bytes | None:
        with self.lock:
            return next((a.html for a in self.articles if a.n == n), None)

    def handle(self, request: Request) -> Response:
        body: bytes | None = None
        if request.path == "/feed.xml":
            body, kind = self.feed(), RSS
        elif request.path.startswith("/news/") and request.path.endswith(".html"):
            body, kind = self.page(int(request.path[6:-5])), HTML
        if body is None:
            return Response(404, b"not found")
        return Response(200, body, {"Content-Type": kind})


class Receiver:
    """Receives apprise ``json://`` posts; keeps (arrival time, title + message)."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str]] = []
        self.server = LocalServer(self.post, name="receiver").start()

    def post(self, request: Request) -> Response:
        at = time.time()
        data = json.loads(request.body or b"{}")
        self.received.append((at, f"{data.get('title', '')}\n{data.get('message', '')}"))
        return Response(200)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``q`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll", type=float, default=10.0, help="the source's interval (s)")
    parser.add_argument("--changes", type=int, default=20, help="stance changes (at most 20)")
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    count = min(args.changes, len(FIRST))
    rng = random.Random(args.seed)

    site, receiver = Site(), Receiver()
    tmp = Path(tempfile.mkdtemp(prefix="sw-alert-"))
    (tmp / "actors.toml").write_text(actors_toml(count))
    (tmp / "sources.toml").write_text(
        f'[[sources]]\nname = "wire"\nkind = "feed"\nstart_urls = ["{site.base}/feed.xml"]\n'
        f'interval = "{args.poll:g}s"\ntimeout = "120s"\n'
    )
    url = args.database_url or f"sqlite:///{tmp / 'alert.db'}"
    env = {
        **os.environ,
        "STANCEWATCH_DATABASE_URL": url,
        "STANCEWATCH_SOURCES": str(tmp / "sources.toml"),
        "STANCEWATCH_ACTORS": str(tmp / "actors.toml"),
        "STANCEWATCH_NOTIFY_URLS": f"json://127.0.0.1:{receiver.server.port}/desk",
        "STANCEWATCH_AUTOTHROTTLE": "false",
        "STANCEWATCH_LOG_LEVEL": "INFO",
    }
    # the baseline: every actor backs membership, published a day ago
    day_ago = datetime.now(UTC) - timedelta(days=1)
    for i in range(count):
        site.publish(Article(i, i, True, day_ago + timedelta(minutes=i)))

    proc = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line.rstrip())

    threading.Thread(target=read, daemon=True).start()

    def wait(pred, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                sys.exit(f"gave up waiting for {what}; service log:\n" + "\n".join(log[-30:]))
            time.sleep(0.1)

    wait(lambda: any("job=crawl" in line and "new=" in line for line in log), 180, "the baseline")
    crawl_lines = [line for line in log if "job=crawl" in line]
    print(f"baseline crawled: {crawl_lines[0]}")

    # the changes: one article per actor at random moments, not in step with the polls
    published: dict[int, float] = {}
    for i in range(count):
        time.sleep(rng.uniform(0.3, 1.3) * args.poll)
        published[i] = site.publish(Article(count + i, i, False, datetime.now(UTC)))

    def arrived() -> dict[int, float]:
        out: dict[int, float] = {}
        for at, text in list(receiver.received):
            for i in range(count):
                if i not in out and actor_name(i) in text and "oppose" in text.lower():
                    out[i] = at
        return out

    wait(lambda: len(arrived()) == count, 6 * args.poll + 120, "every alert")
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)
    site.server.stop()
    receiver.server.stop()

    got = arrived()
    latencies = [got[i] - published[i] for i in range(count)]
    runs = [line for line in log if "job=crawl" in line]
    durations = [float(p.split("=")[1]) for r in runs for p in r.split() if p.startswith("duration_s=")]  # fmt: skip
    print(f"{count} stance changes, {len(receiver.received)} alerts received, "
          f"{len(runs)} crawl runs (child process {statistics.median(durations):.1f} s median, "
          f"{max(durations):.1f} s max), service exit code {rc}")  # fmt: skip
    print(f"poll interval {args.poll:g} s: time to alert p50 {statistics.median(latencies):.1f} s, "
          f"p95 {percentile(latencies, 0.95):.1f} s, max {max(latencies):.1f} s "
          f"(target p95 <= {args.poll + 5:g} s)")  # fmt: skip


if __name__ == "__main__":
    main()
