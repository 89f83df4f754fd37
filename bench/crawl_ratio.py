"""Crawl throughput as a ratio: bare Scrapy vs the full crawl stage, on the same local site.

Serves N realistic article pages (about 70 KiB each: navigation, menus, inline scripts, all
distinct) and paginated listing pages from a local server, then crawls them with

* bare: the same Scrapy settings, a callback that yields only URL and headline, no pipelines;
* full: the real spider and pipelines into a fresh SQLite database;

interleaved (bare, full, bare, full, ...), each crawl in its own child process (Scrapy's reactor
runs once per process). Then re-crawls the unchanged site with the full stage. Prints pages/s,
the ratio, CPU ms per page per stage (timers in Scrapy's stats), peak memory; asserts nothing.

    python bench/crawl_ratio.py [--pages 2000] [--rounds 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child_bare(listing_url: str, settings_json: str) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from stancewatch.crawl.runner import scrapy_settings
    from stancewatch.settings import Settings

    settings = Settings(**json.loads(settings_json))
    pattern = "/news/"

    class Bare(scrapy.Spider):
        name = "bare"
        start_urls = [listing_url]

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if "/page/" in url:
                    yield scrapy.Request(url, callback=self.parse)
                elif pattern in url:
                    yield scrapy.Request(url, callback=self.parse_article)

        def parse_article(self, response):
            yield {"url": response.url, "headline": response.css("h1::text").get()}

    conf = scrapy_settings(settings)
    conf["ITEM_PIPELINES"] = {}
    process = CrawlerProcess(conf)
    crawler = process.create_crawler(Bare)
    started = time.perf_counter()
    cpu = time.process_time()
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "articles": int(stats.get("item_scraped_count", 0)),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_full(listing_url: str, settings_json: str) -> dict:
    from stancewatch.crawl.runner import run_crawl
    from stancewatch.db import make_engine, session_factory
    from stancewatch.migrations import ensure_schema
    from stancewatch.settings import Settings
    from stancewatch.sources import SourceConfig

    settings = Settings(**json.loads(settings_json))
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    source = SourceConfig(name="bench", kind="listing", start_urls=(listing_url,),
                          article_pattern="/news/", pagination_pattern="/page/\\d+",
                          max_pages=10_000)  # fmt: skip
    started = time.perf_counter()
    cpu = time.process_time()
    [summary] = run_crawl(settings, session_factory(engine), [source])
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "articles": summary.articles_new,
        "fetched": summary.pages_fetched,
        "status": summary.status,
        "reason": summary.reason,
        "cpu_ms": summary.details.get("cpu_ms", {}),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants (extraction workers included)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * resource.getpagesize()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(c for c, p in parents.items() if p == pid)
    return total / 2**20


def run_child(kind: str, listing_url: str, settings: dict) -> dict:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--url", listing_url, "--settings",
         json.dumps(settings)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parent,
    )  # fmt: skip
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mib(proc.pid))
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{kind} crawl failed:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_peak_rss_mib"] = peak
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="extraction worker processes")
    ap.add_argument("--child", choices=["bare", "full"])
    ap.add_argument("--url")
    ap.add_argument("--settings")
    args = ap.parse_args()
    if args.child:
        fn = child_bare if args.child == "bare" else child_full
        print(json.dumps(fn(args.url, args.settings)))
        return

    sys.path.insert(0, str(HERE))
    from benchsite import BenchSite

    base = {
        "robotstxt_obey": True,
        "autothrottle": False,  # a local server: measure the machine, not the politeness delay
        "concurrent_requests": 16,
        "concurrent_requests_per_domain": 16,
        "extract_workers": args.workers,
        "crawl_log_level": "ERROR",
    }
    with BenchSite(n_articles=args.pages) as site, tempfile.TemporaryDirectory() as tmp:
        listing = site.listing_url
        bare_runs, full_runs = [], []
        for r in range(args.rounds):
            bare_runs.append(run_child("bare", listing, base))
            db = f"sqlite:///{Path(tmp) / f'full{r}.db'}"
            full_runs.append(run_child("full", listing, {**base, "database_url": db}))
            print(f"round {r + 1}: bare {bare_runs[-1]['articles'] / bare_runs[-1]['seconds']:.1f} "
                  f"pages/s, full {full_runs[-1]['articles'] / full_runs[-1]['seconds']:.1f} pages/s",
                  flush=True)  # fmt: skip
        before = site.article_requests
        recrawl = run_child("full", listing, {**base, "database_url": db})
        recrawl_downloads = site.article_requests - before
    bare_pps = sum(r["articles"] for r in bare_runs) / sum(r["seconds"] for r in bare_runs)
    full_pps = sum(r["articles"] for r in full_runs) / sum(r["seconds"] for r in full_runs)
    last = full_runs[-1]
    print(
        f"pages: {args.pages}  rounds: {args.rounds}  extraction workers: {args.workers}  cores: {os.cpu_count()}"
    )
    print(f"bare Scrapy: {bare_pps:.1f} pages/s   full crawl stage: {full_pps:.1f} pages/s")
    print(f"ratio full/bare: {full_pps / bare_pps:.3f}")
    n = max(1, last["articles"])
    per_stage = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(last["cpu_ms"].items()))
    print(f"CPU ms per page by stage (full): {per_stage}")
    print(f"crawl process CPU per page: bare {bare_runs[-1]['cpu_s'] * 1000 / max(1, bare_runs[-1]['articles']):.2f} ms, "
          f"full {last['cpu_s'] * 1000 / n:.2f} ms (+ extraction in workers)")  # fmt: skip
    print(f"peak RSS (process and its extraction workers, sampled every 0.2 s): "
          f"bare {max(r['tree_peak_rss_mib'] for r in bare_runs):.0f} MiB, "
          f"full {max(r['tree_peak_rss_mib'] for r in full_runs):.0f} MiB "
          f"(crawl process alone {max(r['peak_rss_mib'] for r in full_runs):.0f} MiB)")  # fmt: skip
    print(
        f"re-crawl of the unchanged site: {recrawl['seconds']:.2f} s = "
        f"{recrawl['seconds'] / last['seconds'] * 100:.1f}% of the first crawl; "
        f"new articles {recrawl['articles']}, status {recrawl['status']} ({recrawl['reason']})"
    )
    print(f"article pages downloaded by the re-crawl: {recrawl_downloads}")


if __name__ == "__main__":
    main()
