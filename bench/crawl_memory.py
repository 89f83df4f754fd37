"""Crawl memory: peak resident memory of a 2,000-page crawl, and after 20,000 pages vs 2,000.

Crawls the local bench site (bench/benchsite.py) with the full crawl stage in a child process
and samples, once a second, the resident memory of the crawl process and its extraction
workers together with the number of stored articles. Prints the memory at 2,000 and at the
end; asserts nothing. The near-duplicate index grows by a few KiB per article by design
(bench/growth.py measures it); the remainder should stay flat.

    python bench/crawl_memory.py [--pages 20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchsite import BenchSite  # noqa: E402
from crawl_ratio import tree_rss_mib  # noqa: E402


def stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from articles")).scalar() or 0
    except Exception:  # noqa: BLE001 - the schema may not exist yet
        return 0
    finally:
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    settings = {"autothrottle": False, "concurrent_requests": 16, "concurrent_requests_per_domain": 16,
                "extract_workers": args.workers, "crawl_log_level": "ERROR"}  # fmt: skip
    with BenchSite(n_articles=args.pages) as site, tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'mem.db'}"
        settings["database_url"] = db
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "crawl_ratio.py"), "--child", "full", "--url", site.listing_url,
             "--settings", json.dumps(settings)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parent,
        )  # fmt: skip
        samples: list[tuple[float, int, float]] = []
        started = time.perf_counter()
        while proc.poll() is None:
            samples.append((time.perf_counter() - started, stored(db), tree_rss_mib(proc.pid)))
            time.sleep(1.0)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(err[-3000:])
        result = json.loads(out.strip().splitlines()[-1])
    at_2000 = max((rss for _, n, rss in samples if n <= 2000), default=0.0)
    end = max(rss for _, _, rss in samples[-5:])
    peak = max(rss for _, _, rss in samples)
    print(f"pages: {args.pages}  stored: {result['articles']}  time: {result['seconds']:.0f} s  "
          f"({result['articles'] / result['seconds']:.1f} pages/s)")  # fmt: skip
    print(
        f"resident memory (crawl process + extraction workers): peak up to 2,000 stored "
        f"{at_2000:.0f} MiB; at the end {end:.0f} MiB; peak overall {peak:.0f} MiB"
    )
    print(f"end / at 2,000: {end / at_2000:.2f}x")
    for t, n, rss in samples[:: max(1, len(samples) // 12)]:
        print(f"  t={t:6.0f}s stored={n:6d} rss={rss:6.0f} MiB")


if __name__ == "__main__":
    main()
