"""Peak memory of ``stancewatch export`` over N stored statements (default 100,000).

Seeds a database (SQLite file by default, or --database-url) with N statements over N/5
articles, then runs the export in a child process and prints its peak RSS (ru_maxrss) and the
time. Prints figures; asserts nothing. Usage:

    python bench/export_memory.py [--rows 100000] [--format json] [--database-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from stancewatch.db import make_engine
from stancewatch.migrations import upgrade
from stancewatch.models import Article, Source, Statement

TEXT = "Ukraine's place is in NATO, the minister said, and the path is irreversible. " * 8


def seed(url: str, rows: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(Source), [{"name": "bench", "kind": "feed", "created_at": start}])
        arts = rows // 5
        for lo in range(0, arts, 5000):
            conn.execute(insert(Article), [
                {"id": i + 1, "source_id": 1, "url": f"https://bench.example/{i}",
                 "canonical_url": f"https://bench.example/{i}", "title": f"Story {i}", "text": TEXT,
                 "published_at": start + timedelta(minutes=i), "fetched_at": start,
                 "content_hash": hashlib.sha256(str(i).encode()).hexdigest(), "version": 1}
                for i in range(lo, min(arts, lo + 5000))
            ])  # fmt: skip
        for lo in range(0, rows, 10000):
            conn.execute(insert(Statement), [
                {"article_id": i // 5 + 1, "actor": f"Actor {i % 40}", "actor_kind": "person",
                 "stance": ("support", "oppose", "neutral")[i % 3], "confidence": 0.9,
                 "evidence": TEXT[:200], "span_start": 0, "span_end": 200, "cue": "bench",
                 "created_at": start}
                for i in range(lo, min(rows, lo + 10000))
            ])  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", default="json", choices=["csv", "json", "jsonl"])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        seed(url, args.rows)
        print(f"seeded {args.rows} statements in {time.perf_counter() - t0:.1f} s")
        out = Path(tmp) / f"export.{args.format}"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "stancewatch", "--database-url", url, "export",
             "--format", args.format, "--output", str(out)],
            check=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"export: {args.rows} rows, {out.stat().st_size / 1e6:.1f} MB written, "
              f"{elapsed:.1f} s, peak RSS {peak:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
