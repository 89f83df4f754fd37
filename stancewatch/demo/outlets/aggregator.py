"""An aggregator of copies: reworded near-duplicates and one exact copy behind tracking parameters.

Its feed links each copy; a copy with ``tracking_query`` is linked with ``?utm_...`` parameters
and carries exactly the original's text (an exact duplicate); the others are reworded copies
with an extra paragraph (near duplicates of the original).
"""

from __future__ import annotations

import re
from html import escape

from stancewatch.demo.coverage import CoverageArticle
from stancewatch.demo.outlets.base import (
    COOKIE_BANNER,
    RSS,
    TRACKER_SCRIPT,
    Outlet,
    Route,
    body_html,
    json_ld,
    menu,
    not_found,
    rss,
    rss_item,
)  # fmt: skip
from stancewatch.demo.server import Request, Response

FEED = "/rss.xml"
MENU = [
    ("Top stories", "/"),
    ("World", "/world/"),
    ("Ukraine", "/ukraine/"),
    ("Europe", "/europe/"),
]


class Aggregator(Outlet):
    name = "aggregator"
    publisher = "World News Digest"

    def routes(self) -> list[Route]:
        return [
            (re.compile(re.escape(FEED)), lambda r, m: self.feed(r)),
            (re.compile(r"/news/[a-z0-9-]+/"), self.article),
        ]

    def feed(self, request: Request) -> Response:
        items = [rss_item(a, self.url(a.listed_path)) for a in self.articles()]
        body = rss("World News Digest", self.url("/"), items, self.site.changed_at(self.name))
        return self.listing(request, body, RSS)

    def article(self, request: Request, m: re.Match[str]) -> Response:
        a = self.find(request.path)
        if a is None:
            return not_found()
        return self.article_page(request, a, self.render(a))

    def render(self, a: CoverageArticle) -> str:
        url = self.url(a.path)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(a.title)}</title>'
            f'<link rel="canonical" href="{url}"><meta property="og:title" content="{escape(a.title)}">'
            f'<meta name="author" content="{escape(a.author)}">'
            f'<meta property="article:published_time" content="{a.published.isoformat()}">'
            f"{json_ld(a, url, self.publisher)}{TRACKER_SCRIPT}</head><body>{COOKIE_BANNER}"
            f'<header>{menu(MENU, "nav")}</header><div class="ad-slot">Advertisement</div>'
            f'<main><article><h1>{escape(a.title)}</h1><div class="byline">By {escape(a.author)} | '
            f'{a.published:%B %d, %Y}</div><div class="story">{body_html(a)}</div></article>'
            '<div class="ad-slot">Advertisement</div><aside><h3>Trending</h3><ul>'
            '<li><a href="/world/">World</a></li></ul></aside></main>'
            f"<footer>{menu(MENU, 'footer')}<p>World News Digest aggregates stories from the web.</p></footer>"
            "</body></html>"
        )
