"""Search latency over N stored articles (default 100,000), on SQLite or PostgreSQL.

Prints p50 and p95 per query and over all queries; asserts nothing.

    python bench/search_latency.py                      # SQLite in a temporary file
    python bench/search_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/search_latency.py --articles 20000 --compare-like

Articles are ~250 words: random paragraphs of the seed documents (English, some Cyrillic),
and in three of ten a Ukrainian paragraph naming НАТО, Зеленський or neither (so the Cyrillic
queries match some articles, not all). They are inserted as the store inserts them, so the
index (FTS5 triggers, the generated ``search_vector``) is built on the way in. Each query runs
``--runs`` times after one warm-up, through ``history.queries.search`` as the CLI and the web
call it (limit 20 and 50). ``--compare-like`` also times the LIKE scan search used before.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, or_, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stancewatch.db import make_engine, session_factory, session_scope  # noqa: E402
from stancewatch.history.queries import search, search_matches, search_terms  # noqa: E402
from stancewatch.migrations import upgrade  # noqa: E402
from stancewatch.models import Article, Source  # noqa: E402

SEEDS = Path("/work/shared/seeds")
START = datetime(2022, 1, 1, tzinfo=UTC)
UKRAINIAN = [
    "Президент Зеленський заявив, що Україна продовжує рух до членства в НАТО.",
    "Міністр закордонних справ нагадав, що курс до НАТО закріплений у Конституції.",
    "Зеленський провів переговори з партнерами щодо гарантій безпеки.",
    "У Брюсселі обговорили підтримку України та майбутній саміт Альянсу.",
    "Експерти вважають, що запрошення до НАТО залежить від позиції США.",
    "Слова Зеленського про безпекові гарантії прокоментували в Берліні.",
    "Уряд ухвалив план реформ оборонного сектору на наступний рік.",
    "Депутати Верховної Ради підтримали звернення до парламентів країн ЄС.",
]
QUERIES = ["НАТО", "Зеленський", "NATO", "Zelensky NATO", "Scholz", "Rutte summit", "xyzzy"]


def paragraphs() -> list[str]:
    found = []
    for path in sorted(SEEDS.glob("0*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n"):
            if len(para.split()) >= 8:
                found.append(" ".join(para.split()[:120]))
    return found


def fill(sessions, n: int, rng: random.Random) -> float:  # type: ignore[no-untyped-def]
    """Insert ``n`` articles in batches of 1,000; returns the seconds it took."""
    paras = paragraphs()
    t0 = time.perf_counter()
    with session_scope(sessions) as s:
        src = Source(name="bench", kind="feed")
        s.add(src)
        s.flush()
        rows = []
        for i in range(n):
            words, body = 0, []
            if rng.random() < 0.3:
                body.append(" ".join(rng.sample(UKRAINIAN, 3)))
                words += 30
            while words < 250:
                p = rng.choice(paras)
                body.append(p)
                words += len(p.split())
            rng.shuffle(body)
            published = START + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
            url = f"https://bench.example/{i}"
            rows.append(
                {
                    "source_id": src.id,
                    "url": url,
                    "canonical_url": url,
                    "title": body[0][:110],
                    "text": "\n".join(body[1:]),
                    "published_at": published,
                    "fetched_at": published + timedelta(hours=1),
                    "content_hash": f"{i:064x}",
                    "version": 1,
                }
            )
            if len(rows) == 1000:
                s.execute(insert(Article), rows)
                rows = []
        if rows:
            s.execute(insert(Article), rows)
    return time.perf_counter() - t0


def like_search(session, query: str, limit: int) -> list:  # type: ignore[no-untyped-def]
    """The search before migration 0003: every word as a substring, newest first."""
    words = [w.lower() for w in query.split()]
    conditions = [
        or_(func.lower(Article.title).contains(w), func.lower(Article.text).contains(w))
        for w in words
    ]
    stmt = select(Article.id).where(*conditions).order_by(Article.published_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_queries(sessions, runs: int, limit: int, fn) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    timings: dict[str, list[float]] = {}
    with session_scope(sessions) as s:
        for q in QUERIES:
            fn(s, q, limit)  # warm-up
            timings[q] = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn(s, q, limit)
                timings[q].append((time.perf_counter() - t0) * 1000)
    return timings


def report(label: str, timings: dict[str, list[float]], hits: dict[str, int]) -> None:
    print(f"\n{label}")
    print(f"  {'query':<16} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for q, samples in timings.items():
        p50, p95 = percentiles(samples)
        print(f"  {q:<16} {hits[q]:>8} {p50:>8.1f} {p95:>8.1f}")
    p50, p95 = percentiles([t for samples in timings.values() for t in samples])
    print(f"  {'all queries':<16} {'':>8} {p50:>8.1f} {p95:>8.1f}")


def matches(sessions, dialect: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many articles each query matches (so the latencies can be read against it)."""
    with session_scope(sessions) as s:
        return {
            q: s.scalar(select(func.count()).select_from(search_matches(dialect, search_terms(q))))
            or 0
            for q in QUERIES
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--compare-like", action="store_true", help="also time the LIKE scan")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        dialect = engine.dialect.name
        seconds = fill(sessions, args.articles, random.Random(args.seed))
        if dialect == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE articles"))
        print(
            f"{dialect}: {args.articles} articles stored (index built on insert) in {seconds:.0f}s"
        )
        hits = matches(sessions, dialect)
        for limit in (20, 50):
            report(
                f"full-text search, limit {limit}, {args.runs} runs per query",
                time_queries(sessions, args.runs, limit, search),
                hits,
            )
        if args.compare_like:
            report(
                "LIKE scan (before 0003), limit 20, 5 runs per query",
                time_queries(sessions, 5, 20, like_search),
                hits,
            )
        engine.dispose()


if __name__ == "__main__":
    main()
