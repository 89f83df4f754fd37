"""Extraction quality: token F1 of stored article bodies against hand-made ground truth.

DIR holds pairs ``NAME.html`` (a saved news page) and ``NAME.txt`` (its true body text). The pages
are served by a local HTTP server behind a news sitemap, crawled with the real spider and
pipelines into a temporary SQLite database, and each stored body is scored against the truth
(token F1, bag of lower-cased word tokens). For comparison, trafilatura's own default output
(``trafilatura.extract(html)``) is scored on the same pages. Prints figures; asserts nothing.

    python bench/extraction_quality.py DIR
    python bench/extraction_quality.py --make-samples DIR   # writes samples from the demo site
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import trafilatura
from sqlalchemy import select

from stancewatch.demo.server import LocalServer, Response

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text or ""))


def f1(predicted: str, truth: str) -> float:
    p, t = tokens(predicted), tokens(truth)
    common = sum((p & t).values())
    if not p or not t or not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def make_samples(out: Path) -> None:
    """Samples from the demo site's generic article page (synthetic, known truth): every
    article of the demo coverage long enough for the extractor (shorter ones it refuses), but
    the exact copies (the crawl stores one of a text)."""
    from stancewatch.crawl.extract import MIN_WORDS
    from stancewatch.demo import load_coverage
    from stancewatch.demo.outlets.base import generic_article_page

    out.mkdir(parents=True, exist_ok=True)
    chosen = [
        a for a in load_coverage() if len(a.text().split()) >= MIN_WORDS and not a.tracking_query
    ]
    for i, a in enumerate(chosen):
        page = generic_article_page(a, f"http://example.org/{i}", "Outlet")
        (out / f"page{i:02d}.html").write_text(page, encoding="utf-8")
        (out / f"page{i:02d}.txt").write_text(a.text(), encoding="utf-8")
    print(f"wrote {len(chosen)} samples to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--make-samples", action="store_true")
    args = ap.parse_args()
    if args.make_samples:
        make_samples(args.dir)
        return
    pages = sorted(p for p in args.dir.glob("*.html") if p.with_suffix(".txt").exists())
    if not pages:
        raise SystemExit(f"no NAME.html + NAME.txt pairs in {args.dir}")
    kind = "text/html; charset=utf-8"
    routes = {f"/{p.name}": Response(200, p.read_bytes(), {"Content-Type": kind}) for p in pages}
    server = LocalServer(routes, name="quality").start()
    base = server.base
    urls = "".join(f"<url><loc>{base}/{p.name}</loc></url>" for p in pages)
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    routes["/_sitemap.xml"] = Response(200, sitemap.encode(), {"Content-Type": "application/xml"})
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "quality"\nkind = "sitemap"\nstart_urls = ["{base}/_sitemap.xml"]\n'
        )
        db = f"sqlite:///{Path(tmp) / 'q.db'}"
        subprocess.run([sys.executable, "-m", "stancewatch", "--database-url", db, "--sources", str(sources),
                        "crawl", "--format", "json"], check=False, capture_output=True)  # fmt: skip
        from stancewatch.db import make_engine, session_factory
        from stancewatch.models import Article

        engine = make_engine(db)
        with session_factory(engine)() as s:
            stored = {a.url.rsplit("/", 1)[1]: a.text for a in s.scalars(select(Article))}
        engine.dispose()
    server.stop()
    ours, theirs = [], []
    for page in pages:
        truth = page.with_suffix(".txt").read_text(encoding="utf-8")
        html = page.read_bytes()
        ours.append(f1(stored.get(page.name, ""), truth))
        theirs.append(f1(trafilatura.extract(html) or "", truth))
    n = len(pages)
    print(f"pages: {n}  stored by the crawl: {len(stored)}")
    print(f"token F1, stancewatch crawl (stored bodies): {sum(ours) / n:.3f}")
    print(f"token F1, trafilatura.extract default:      {sum(theirs) / n:.3f}")
    worst = sorted(zip(ours, pages, strict=True))[:5]
    print("lowest:", ", ".join(f"{p.name} {s:.2f}" for s, p in worst))


if __name__ == "__main__":
    main()
