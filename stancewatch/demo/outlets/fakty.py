"""FAKTY (ICTV), English edition: a WordPress-like RSS feed and articles with /amp/ variants."""

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

FEED = "/en/feed/"
MENU = [
    ("Ukraine", "/en/ukraine/"), ("Politics", "/en/ukraine/politics/"), ("World", "/en/world/"),
    ("Economy", "/en/economy/"), ("Sport", "/en/sport/"), ("Українською", "/ua/"),
]  # fmt: skip


class Fakty(Outlet):
    name = "fakty"
    publisher = "FAKTY"

    def routes(self) -> list[Route]:
        return [
            (re.compile(re.escape(FEED)), lambda r, m: self.feed(r)),
            (re.compile(r"(/en/ukraine/\d{8}-[a-z0-9-]+/)(amp/)?"), self.article),
        ]

    def feed(self, request: Request) -> Response:
        items = [
            rss_item(
                a, self.url(a.path),
                f"<category><![CDATA[Ukraine]]></category><content:encoded><![CDATA[<p>{escape(a.lead)}</p>]]>"
                "</content:encoded>",
            )
            for a in self.articles()
        ]  # fmt: skip
        body = rss("FAKTY", self.url("/en/"), items, self.site.changed_at(self.name))
        return self.listing(request, body, RSS)

    def article(self, request: Request, m: re.Match[str]) -> Response:
        a = self.find(m[1])
        if a is None:
            return not_found()
        return self.article_page(request, a, self.render(a, amp=bool(m[2])))

    def render(self, a: CoverageArticle, amp: bool) -> str:
        url = self.url(a.path)
        amp_link = "" if amp else f'<link rel="amphtml" href="{self.url(a.path + "amp/")}">'
        return (
            f'<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>{escape(a.title)} - FAKTY</title>'
            f'<link rel="canonical" href="{url}">{amp_link}'
            '<meta name="generator" content="WordPress 6.4.2">'
            f'<meta property="og:title" content="{escape(a.title)}"><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{a.published.isoformat()}">'
            f"{json_ld(a, url, self.publisher)}{TRACKER_SCRIPT}</head>"
            f'<body class="post-template-default single single-post">{COOKIE_BANNER}'
            f"<header>{menu(MENU, 'menu-main')}</header>"
            f'<main id="main"><article class="post type-post"><h1 class="entry-title">{escape(a.title)}</h1>'
            f'<div class="entry-meta"><time class="entry-date" datetime="{a.published.isoformat()}">'
            f"{a.published:%d %B %Y, %H:%M}</time></div>"
            f'<div class="entry-content">{body_html(a)}</div>'
            '<div class="share">Share: Facebook Telegram X</div></article>'
            '<aside class="widget"><h3>Most read</h3><ul><li><a href="/en/ukraine/">Ukraine news</a></li></ul></aside>'
            f"</main><footer>{menu(MENU, 'menu-footer')}<p>© 2026 FAKTY. ICTV</p></footer></body></html>"
        )
