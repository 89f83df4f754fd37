"""Cost that does not grow with the store: the non-extraction path at 1k, 10k and 100k articles.

For each size, seeds a fresh database with N stored articles (signatures in the recent window),
rebuilds the near-duplicate index from the persisted signatures (timed), then runs 1,000 new
articles through canonical URL -> exact check -> near-duplicate check -> store, the same
functions the pipelines call. Prints figures; asserts nothing.

    python bench/growth.py [--sizes 1000,10000,100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from stancewatch.crawl.canonical import canonical_url
from stancewatch.crawl.dedup import content_hash, minhash_of, to_bytes
from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.store import ArticleStore, load_index
from stancewatch.db import make_engine, session_factory
from stancewatch.migrations import upgrade
from stancewatch.models import Article, ArticleSignature, Source, utcnow

VOCAB = [f"w{i}" for i in range(5000)]


def seed(engine, n: int, rng: np.random.Generator) -> int:
    with engine.begin() as conn:
        source_id = conn.execute(
            insert(Source).values(name="seed", kind="feed")
        ).inserted_primary_key[0]
        now = utcnow()
        batch = 5000
        for start in range(0, n, batch):
            rows = [
                {
                    "source_id": source_id,
                    "url": f"https://seed.example/{i}",
                    "canonical_url": f"https://seed.example/{i}",
                    "title": f"t{i}",
                    "text": f"text {i}",
                    "content_hash": hashlib.sha256(str(i).encode()).hexdigest(),
                    "fetched_at": now,
                    "version": 1,
                }
                for i in range(start, min(n, start + batch))
            ]
            conn.execute(insert(Article), rows)
        ids = [r[0] for r in conn.exec_driver_sql("select id from articles order by id")]
        sigs = rng.integers(0, 2**32 - 1, size=(len(ids), 128), dtype=np.uint64)
        for start in range(0, len(ids), batch):
            conn.execute(
                insert(ArticleSignature),
                [
                    {
                        "article_id": ids[j],
                        "minhash": sigs[j].astype("<u4").tobytes(),
                        "indexed_at": now,
                    }
                    for j in range(start, min(len(ids), start + batch))
                ],
            )
    return source_id


def new_items(k: int, rng: random.Random) -> list[ArticleItem]:
    items = []
    for i in range(k):
        text = " ".join(rng.choice(VOCAB) for _ in range(800))
        items.append(
            ArticleItem(
                source="bench",
                url=f"https://new.example/{i}?utm_source=x",
                body=None,
                title=f"new {i}",
                text=text,
            )  # fmt: skip
        )
    return items


def run(url: str, n: int, k: int) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    source_id = seed(engine, n, np.random.default_rng(n))
    tracemalloc.start()  # memory of the index, measured on a first load
    first = load_index(sessions, 128, 0.5, 30)
    mem = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del first
    t0 = time.perf_counter()  # the rebuild time, without tracemalloc's overhead
    index = load_index(sessions, 128, 0.5, 30)
    rebuild = time.perf_counter() - t0
    store = ArticleStore(sessions, index)
    items = new_items(k, random.Random(1))
    timings = {"canonical": 0.0, "exact": 0.0, "near": 0.0, "store": 0.0}
    for item in items:
        t = time.perf_counter()
        item.canonical_url = canonical_url(item.url)
        t1 = time.perf_counter()
        item.content_hash = content_hash(item.title + "\n" + item.text)
        assert store.exact_match(item.canonical_url, item.content_hash) is None
        t2 = time.perf_counter()
        item.signature = to_bytes(minhash_of(item.text, 128, 3))
        match = index.best_match(item.signature, 0.7)
        if match:
            item.duplicate_of_id = match[0]
        t3 = time.perf_counter()
        store.insert(item, source_id)
        t4 = time.perf_counter()
        for key, dt in zip(timings, (t1 - t, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[key] += dt
    engine.dispose()
    total = sum(timings.values())
    return {
        "stored": n,
        "rebuild_s": rebuild,
        "index_bytes_per_article": mem / max(1, n),
        "ms_per_article": total / k * 1000,
        **{f"{key}_ms": v / k * 1000 for key, v in timings.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'growth.db'}"
            r = run(url, n, args.new)
        results.append(r)
        print(
            f"stored={n:>7}  path={r['ms_per_article']:.2f} ms/article "
            f"(canonical {r['canonical_ms']:.2f}, exact {r['exact_ms']:.2f}, near {r['near_ms']:.2f}, "
            f"store {r['store_ms']:.2f})  index rebuild={r['rebuild_s']:.2f}s  "
            f"index={r['index_bytes_per_article'] / 1024:.2f} KiB/article",
            flush=True,
        )
    if len(results) > 1:
        print(f"cost at {results[-1]['stored']} / cost at {results[0]['stored']}: "
              f"{results[-1]['ms_per_article'] / results[0]['ms_per_article']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
