"""``stancewatch backfill`` of a local archive: articles/s, peak memory, and a resumed run.

The bench site (bench/benchsite.py) serves N archived articles (2025 dates: all found late)
behind a listing of 50 links a page. The first backfill is interrupted (SIGINT to its process
group, as Ctrl-C does) once half of the articles are stored; the second run resumes from the
saved crawl state. Printed: articles/s over both runs, the peak RSS of the largest process, and
how many pages were fetched more than once (the claim: none).

    python bench/backfill.py --articles 5000
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchsite import PER_PAGE, BenchSite  # noqa: E402

from stancewatch.demo.server import Request, Response  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class CountingSite(BenchSite):
    """The bench site, counting GETs per path."""

    def __init__(self, n_articles: int) -> None:
        super().__init__(n_articles)
        self.gets: Counter[str] = Counter()

    def handle(self, request: Request) -> Response:
        with self._lock:
            self.gets[request.path] += 1
        return super().handle(request)


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def run(db: Path, sources: Path, workdir: Path, pages: int, stop_at: int | None) -> float:
    """One ``stancewatch backfill``; interrupted (SIGINT) once ``stop_at`` articles are stored."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{db}",
           "--sources", str(sources), "backfill", "bench", "--max-pages", str(pages)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    while proc.poll() is None:
        if stop_at is not None and stored(db) >= stop_at:
            os.killpg(proc.pid, signal.SIGINT)
            stop_at = None
        time.sleep(0.5)
    out, err = proc.communicate()
    print(f"  exit {proc.returncode}: {(out.strip().splitlines() or [''])[-1][:200]}"
          f"{(' / ' + err.strip().splitlines()[-1][:200]) if err.strip() else ''}")  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    pages = -(-args.articles // PER_PAGE) + 1
    with CountingSite(args.articles) as site, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "backfill.db"
        sources = work / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "bench"\nkind = "listing"\nstart_urls = ["{site.listing_url}"]\n'
            f'article_pattern = "/news/\\\\d+/"\n',
            encoding="utf-8",
        )
        subprocess.run([sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{db}",
                        "db", "upgrade"], cwd=work, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
        print(f"backfill of {args.articles} archived articles, interrupted at half:")
        first = run(db, sources, work, pages, stop_at=args.articles // 2)
        half = stored(db)
        second = run(db, sources, work, pages, stop_at=None)
        total = stored(db)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        twice = {path: n for path, n in site.gets.items() if n > 1 and path != "/robots.txt"}
        articles_twice = {p: n for p, n in twice.items() if not p.startswith("/news/page/")}
        print(f"first run: {half} articles in {first:.1f}s; second run: {total - half} more "
              f"in {second:.1f}s")  # fmt: skip
        print(f"articles/s (both runs, crawl + analysis): {total / (first + second):.1f}")
        print(f"peak RSS of the largest process: {peak:.0f} MiB")
        print(f"pages fetched twice: {len(twice)} ({len(articles_twice)} article pages)"
              f"{': ' + ', '.join(sorted(twice)[:10]) if twice else ''}")  # fmt: skip


if __name__ == "__main__":
    main()
