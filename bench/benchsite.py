"""A local site of N realistic, distinct article pages (about 70 KiB each) for crawl benchmarks.

Pages are generated on request from the article number (deterministic, nothing held in memory),
so the site scales to 20,000 pages. Listings: ``/news/page/N`` with 50 links each.
"""

from __future__ import annotations

import json
import random
import threading

from stancewatch.demo.server import LocalServer, Request, Response

PER_PAGE = 50
_WORDS = (
    "the of and to in a is that for on said with as was at by president minister ukraine nato "
    "alliance membership kyiv war peace talks security guarantees russia europe united states "
    "germany hungary slovakia poland summit invitation accession army border parliament vote "
    "government sanctions energy aid package reform path future allies statement official "
    "foreign defence support opposition negotiations ceasefire frontline drones missiles city "
    "region people citizens economy budget law court election campaign party leader interview"
).split()
_MENU = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(450))
_SCRIPT = (
    "<script>"
    + "window.__CONFIG__="
    + json.dumps({f"k{i}": "v" * 40 for i in range(700)})
    + ";</script>"
)
_FOOTER = (
    "<footer>"
    + "".join(f'<a href="/about/{i}">About link {i}</a> ' for i in range(120))
    + "</footer>"
)


def article_page(i: int) -> bytes:
    rng = random.Random(i)
    paras = []
    for _ in range(rng.randint(9, 13)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(50, 80))]
        words[0] = words[0].capitalize()
        paras.append("<p>" + " ".join(words) + f" ({i}-{rng.randint(0, 10**9)}).</p>")
    title = f"Story {i}: " + " ".join(rng.choice(_WORDS) for _ in range(8))
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
          "author": {"@type": "Person", "name": f"Author {i % 37}"}}  # fmt: skip
    related = "".join(
        f'<li><a href="/news/{(i + k) % 100000}/s">Related {k}</a></li>' for k in range(1, 9)
    )
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<link rel="canonical" href="/news/{i}/s">{_SCRIPT}</head><body>'
        f'<header><nav><ul class="menu">{_MENU}</ul></nav></header>'
        f'<div class="cookie-banner">We use cookies. <button>Accept</button></div>'
        f"<main><article><h1>{title}</h1>{''.join(paras)}</article>"
        f'<aside><ul class="related">{related}</ul></aside></main>{_FOOTER}'
        f"<script>track({i});</script></body></html>"
    )
    return html.encode("utf-8")


class BenchSite:
    """``with BenchSite(2000) as site: site.listing_url``; counts article requests."""

    def __init__(self, n_articles: int = 2000) -> None:
        self.n = n_articles
        self.article_requests = 0
        self._lock = threading.Lock()
        self.server = LocalServer(self.handle, name="bench")

    @property
    def listing_url(self) -> str:
        return self.server.url("/news/page/1")

    def handle(self, request: Request) -> Response:
        body, ctype, status = self.route(request.path)
        return Response(status, body, {"Content-Type": ctype})

    def route(self, path: str) -> tuple[bytes, str, int]:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", "text/plain", 200
        if path.startswith("/news/page/"):
            page = int(path.rsplit("/", 1)[1])
            start = (page - 1) * PER_PAGE
            if start >= self.n:
                return b"not found", "text/plain", 404
            links = "".join(
                f'<li><a href="/news/{i}/s">Story {i}</a></li>'
                for i in range(start, min(self.n, start + PER_PAGE))
            )
            nxt = (
                f'<a rel="next" href="/news/page/{page + 1}">Next</a>'
                if start + PER_PAGE < self.n
                else ""
            )
            return (
                f"<html><body><ul>{links}</ul>{nxt}</body></html>".encode(),
                "text/html; charset=utf-8",
                200,
            )
        if path.startswith("/news/"):
            i = int(path.split("/")[2])
            with self._lock:
                self.article_requests += 1
            return article_page(i), "text/html; charset=utf-8", 200
        return b"not found", "text/plain", 404

    def __enter__(self) -> BenchSite:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
