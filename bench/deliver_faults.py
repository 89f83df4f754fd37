"""Delivery faults of issue 15, measured: POSTs a slow webhook receives from real ``deliver`` runs.

1. ``overlap``: the issue's repro of two runs sending one alert twice. N alerts, a webhook
   (``json://127.0.0.1:PORT/``) answering each POST after ``--answer`` seconds, a lease of
   ``--lease`` seconds, a second ``stancewatch deliver`` started ``--second-after`` seconds
   after the first. Before the fix: 33 POSTs for 20 alerts (lease 10 s, 2 s, 15 s).
2. ``slow``: one alert, a webhook answering 200 after ``--slow-answer`` seconds, then up to
   ``--runs`` ``deliver`` runs (backoff 0, as a scheduler retrying); once with the default
   send timeout and once with ``--short-timeout`` below the answer time. Before the fix
   (apprise's 4 s timeout): 7 POSTs for a 5 s answer and the row still heading for failed.

Prints the POSTs received, the distinct alerts among them and the outbox rows' final states;
asserts nothing. Each run is a real process on a fresh SQLite database (``--database-url``
for PostgreSQL: its tables are emptied first).

    python bench/deliver_faults.py [--alerts 20] [--lease 10] [--answer 2] [--second-after 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from stancewatch.db import make_engine, session_factory, session_scope
from stancewatch.demo.server import LocalServer, Response
from stancewatch.migrations import ensure_schema
from stancewatch.models import Article, OutboxMessage, Source, StanceChange, Statement

REPO = str(Path(__file__).resolve().parents[1])


def seed(url: str, n: int) -> None:
    """``n`` stance changes with their evidence, as the analyze stage records them."""
    engine = make_engine(url)
    ensure_schema(engine)
    sessions = session_factory(engine)
    with session_scope(sessions) as s:
        for model in (OutboxMessage, StanceChange, Statement, Article, Source):
            s.execute(delete(model))
        source = Source(name="bench", kind="feed")
        for i in range(n):
            pair = []
            for which, stance, day in (("old", "support", 1), ("new", "oppose", 20)):
                link = f"https://news.example.org/{i}-{which}"
                article = Article(
                    source=source, url=link, canonical_url=link, title=f"Actor {i} ({which})",
                    text="body", published_at=datetime(2025, 2, day, tzinfo=UTC),
                    content_hash=link,
                )  # fmt: skip
                quote = f"Actor {i} says alert {i} ({which})"
                pair.append(
                    Statement(
                        article=article,
                        actor=f"Actor {i}",
                        actor_kind="person",
                        stance=stance,
                        confidence=0.9,
                        evidence=quote,
                        span_start=0,
                        span_end=len(quote),
                        cue="bench",
                    )  # fmt: skip
                )
            before, after = pair
            s.add(
                StanceChange(
                    actor=f"Actor {i}",
                    old_stance="support",
                    new_stance="oppose",
                    changed_at=datetime(2025, 2, 20, tzinfo=UTC) + timedelta(minutes=i),
                    statement=after,
                    previous_statement=before,
                    stories=2,
                    evidence=after.evidence,
                    previous_evidence=before.evidence,
                )  # fmt: skip
            )
    engine.dispose()


def deliver(url: str, hook: LocalServer, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ, "PYTHONPATH": REPO, "STANCEWATCH_DATABASE_URL": url,
        "STANCEWATCH_NOTIFY_URLS": hook.url("/").replace("http://", "json://"),
        "STANCEWATCH_LOG_LEVEL": "ERROR",
        **{f"STANCEWATCH_{k.upper()}": v for k, v in settings.items()},
    }  # fmt: skip
    command = [sys.executable, "-m", "stancewatch", "deliver"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)


def states(url: str) -> Counter[str]:
    engine = make_engine(url)
    with session_scope(session_factory(engine)) as s:
        found = Counter(
            f"{status}{' (maybe sent)' if maybe else ''}"
            for status, maybe in s.execute(
                select(OutboxMessage.status, OutboxMessage.maybe_sent_at.is_not(None))
            )
        )
    engine.dispose()
    return found


def report(name: str, hook: LocalServer, url: str, elapsed: float) -> None:
    alerts = Counter(json.loads(r.body)["title"] for r in hook.received)
    print(
        f"{name}: {len(hook.received)} POSTs, {len(alerts)} distinct alerts,"
        f" {sum(c - 1 for c in alerts.values())} duplicates, rows {dict(states(url))},"
        f" {elapsed:.1f} s"
    )


def overlap(url: str, args: argparse.Namespace) -> None:
    seed(url, args.alerts)
    hook = LocalServer(lambda r: Response(200, b"ok", delay=args.answer), name="hook").start()
    knobs = {"deliver_lease_seconds": str(args.lease), "deliver_send_timeout": str(args.timeout)}
    started = time.monotonic()
    first = deliver(url, hook, **knobs)
    time.sleep(args.second_after)
    second = deliver(url, hook, **knobs)
    lines = [p.communicate()[0].strip() for p in (first, second)]
    hook.stop()
    report(
        f"overlap (alerts={args.alerts} lease={args.lease}s answer={args.answer}s"
        f" second_after={args.second_after}s send_timeout={args.timeout}s)",
        hook, url, time.monotonic() - started,
    )  # fmt: skip
    for line in lines:
        print("   ", line)


def slow(url: str, args: argparse.Namespace, timeout: float | None) -> None:
    seed(url, 1)
    hook = LocalServer(lambda r: Response(200, b"ok", delay=args.slow_answer), name="hook").start()
    knobs = {"deliver_backoff_seconds": "0"}
    if timeout is not None:
        knobs["deliver_send_timeout"] = str(timeout)
    started = time.monotonic()
    for _ in range(args.runs):
        deliver(url, hook, **knobs).communicate()
    hook.stop()
    shown = "default" if timeout is None else f"{timeout:g}s"
    report(
        f"slow (answer={args.slow_answer}s send_timeout={shown} runs={args.runs})",
        hook, url, time.monotonic() - started,
    )  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alerts", type=int, default=20)
    ap.add_argument("--lease", type=float, default=10.0)
    ap.add_argument("--answer", type=float, default=2.0)
    ap.add_argument("--second-after", type=float, default=15.0)
    ap.add_argument("--timeout", type=float, default=5.0, help="send timeout of the overlap runs")
    ap.add_argument("--slow-answer", type=float, default=5.0)
    ap.add_argument("--short-timeout", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        overlap(url, args)
        slow(url, args, None)
        slow(url, args, args.short_timeout)


if __name__ == "__main__":
    main()
