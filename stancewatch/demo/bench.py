"""A synthetic outlet for benchmarks: n distinct ~70 KiB article pages behind paginated listings.

Pages are generated on request, deterministically from ``seed`` and the article number, so
20,000 pages cost no memory. Every body is 600-900 words of varied text (distinct pages, not
near duplicates) inside the chrome real pages carry: menus, inline scripts, JSON-LD, footer,
related links. Serve it in another process for honest timings::

    python -m stancewatch.demo.bench --articles 2000     # prints a JSON line with the URLs
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html import escape

from stancewatch.demo.coverage import load_coverage
from stancewatch.demo.server import LogEntry, OutletServer, Request, Response, conditional
from stancewatch.demo.site import render_sources

PAGE_BYTES = 70 * 1024
_BASE = datetime(2025, 11, 30, 23, 0, tzinfo=UTC)
_ARTICLE = re.compile(r"/news/\d{4}/\d{2}/\d{2}/(\d+)-[a-z0-9-]+\.html")
_LISTING = re.compile(r"/news/(?:page/(\d+))?")
HTML = "text/html; charset=utf-8"


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    words = {w for a in load_coverage() for w in re.findall(r"[a-z]{3,}", a.text().lower())}
    return tuple(sorted(words))


@lru_cache(maxsize=1)
def _chrome() -> tuple[str, str]:
    """Static head scripts and navigation/footer shared by every page (~63 KiB)."""
    rng = random.Random(1)
    vocab = _vocabulary()
    nav = "".join(
        f'<li><a href="/section/{w}/">{w.title()}</a></li>' for w in rng.sample(vocab, 160)
    )
    header = f'<header><nav class="menu"><ul>{nav}</ul></nav><div class="cookie-banner">We use cookies. <button>Accept</button></div></header>'
    footer = (
        "<footer><ul>"
        + "".join(f'<li><a href="/about/{w}">{w}</a></li>' for w in rng.sample(vocab, 80))
        + "</ul><p>© 2026 Bench Daily</p></footer>"
    )
    script_lines = []
    size = 0
    while size < PAGE_BYTES - 9_000 - len(header) - len(footer):
        name, key = rng.choice(vocab), rng.choice(vocab)
        line = (
            f"window.__cfg_{name}_{rng.randrange(10**6)}={{'{key}':{rng.randrange(10**9)},ok:!0}};"
        )
        script_lines.append(line)
        size += len(line) + 1
    scripts = "<script>" + "\n".join(script_lines) + "</script>"
    return scripts, header + "|" + footer


class BenchSite:
    """The benchmark outlet on 127.0.0.1; same lifecycle as ``DemoSite``."""

    def __init__(self, n_articles: int = 2000, seed: int = 7, page_size: int = 50) -> None:
        self.n_articles = n_articles
        self.seed = seed
        self.page_size = page_size
        self.requests: list[LogEntry] = []
        self.stopping = threading.Event()
        self._server = OutletServer("bench", self.handle, self.requests.append, self.stopping)

    def start(self) -> BenchSite:
        self._server.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.stop()

    def __enter__(self) -> BenchSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self._server.port}{path}"

    @property
    def pages(self) -> int:
        return max(1, -(-self.n_articles // self.page_size))

    def sources_toml(self, interval: str = "30m") -> str:
        return render_sources([{
            "name": "bench", "kind": "listing", "start_urls": [self.url("/news/")],
            "article_pattern": r"/news/\d{4}/", "pagination_pattern": r"/news/page/\d+",
            "max_pages": self.pages + 1,
        }], interval)  # fmt: skip

    # --- content ---------------------------------------------------------------------------

    def _rng(self, i: int, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{i}:{part}")

    def _sentence(self, rng: random.Random, lo: int = 8, hi: int = 22) -> str:
        words = rng.choices(_vocabulary(), k=rng.randint(lo, hi))
        if len(words) > 10:
            words[rng.randrange(3, len(words) - 3)] += ","
        return " ".join(words).capitalize() + "."

    def headline(self, i: int) -> tuple[str, str, datetime]:
        rng = self._rng(i, "head")
        title = self._sentence(rng, 6, 11).rstrip(".")
        lead = self._sentence(rng, 18, 30)
        return title, lead, _BASE - timedelta(minutes=17 * i)

    def path(self, i: int) -> str:
        title, _, when = self.headline(i)
        slug = "-".join(re.findall(r"[a-z]+", title.lower())[:8])
        return f"/news/{when:%Y/%m/%d}/{i}-{slug}.html"

    def body(self, i: int) -> list[str]:
        rng = self._rng(i, "body")
        target, words, paragraphs = rng.randint(600, 900), 0, []
        while words < target:
            para = " ".join(self._sentence(rng) for _ in range(rng.randint(3, 6)))
            words += para.count(" ") + 1
            paragraphs.append(para)
        return paragraphs

    # --- pages -----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return Response(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        m = _ARTICLE.fullmatch(request.path)
        if m and int(m[1]) < self.n_articles and self.path(int(m[1])) == request.path:
            return conditional(
                request, self.article(int(m[1])).encode(), HTML, self.headline(int(m[1]))[2]
            )
        m = _LISTING.fullmatch(request.path)
        if m and 1 <= int(m[1] or 1) <= self.pages:
            return conditional(request, self.listing(int(m[1] or 1)).encode(), HTML, _BASE)
        return Response(404, b"not found", {"Content-Type": "text/plain"})

    def listing(self, page: int) -> str:
        start = (page - 1) * self.page_size
        items = []
        for i in range(start, min(start + self.page_size, self.n_articles)):
            title, lead, when = self.headline(i)
            items.append(
                f'<article><h3><a href="{self.path(i)}">{escape(title)}</a></h3>'
                f'<time datetime="{when.isoformat()}">{when:%d.%m.%Y}</time><p>{escape(lead)}</p></article>'
            )
        nxt = f'<a rel="next" href="/news/page/{page + 1}">Next</a>' if page < self.pages else ""
        scripts, chrome = _chrome()
        header, footer = chrome.split("|", 1)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>News, page {page}</title>'
            f"</head><body>{header}<main>{''.join(items)}</main><div class=pager>{nxt}</div>{footer}</body></html>"
        )

    def article(self, i: int) -> str:
        title, lead, when = self.headline(i)
        url = self.url(self.path(i))
        ld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": when.isoformat(), "author": [{"@type": "Person", "name": f"Reporter {i % 37}"}],
            "publisher": {"@type": "Organization", "name": "Bench Daily"}, "description": lead,
        })  # fmt: skip
        related = "".join(
            f'<li><a href="{self.path(j)}">{escape(self.headline(j)[0])}</a></li>'
            for j in sorted({(i * 7 + k * 131) % self.n_articles for k in range(1, 9)} - {i})
        )
        body = "".join(f"<p>{escape(p)}</p>" for p in self.body(i))
        scripts, chrome = _chrome()
        header, footer = chrome.split("|", 1)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="canonical" href="{url}"><meta name="description" content="{escape(lead)}">'
            f'<meta property="article:published_time" content="{when.isoformat()}">'
            f'<script type="application/ld+json">{ld}</script>{scripts}</head><body>{header}'
            f'<main><article><h1>{escape(title)}</h1><div class="byline">Reporter {i % 37}</div>'
            f'<div class="article-body">{body}</div></article>'
            f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside></main>{footer}</body></html>'
        )


def generate_bench_site(n_articles: int = 2000, seed: int = 7, page_size: int = 50) -> BenchSite:
    """A benchmark site (not started): ``with generate_bench_site(2000) as site: ...``."""
    return BenchSite(n_articles, seed, page_size)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the benchmark site until interrupted.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    site = generate_bench_site(args.articles, args.seed).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(
        json.dumps({"listing": site.url("/news/"), "pages": site.pages, "articles": args.articles}),
        flush=True,
    )
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    site.stop()


if __name__ == "__main__":
    main()
