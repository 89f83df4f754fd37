"""CNBC: world and Europe RSS feeds, a news sitemap, articles with JSON-LD, OpenGraph and AMP.

robots.txt refuses the user agents ``Scrapy`` and ``news-please`` by name, like the real one.
"""

from __future__ import annotations

import re
from html import escape

from stancewatch.demo.coverage import CoverageArticle
from stancewatch.demo.outlets.base import (
    COOKIE_BANNER,
    RSS,
    TRACKER_SCRIPT,
    XML,
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

WORLD_FEED = "/id/100727362/device/rss/rss.html"
EUROPE_FEED = "/id/19794221/device/rss/rss.html"
SITEMAP = "/sitemap_news.xml"
ROBOTS = """User-agent: Scrapy
Disallow: /

User-agent: news-please
Disallow: /

User-agent: GPTBot
Disallow: /

User-agent: *
Disallow: /search/
Disallow: /quotes/*/
Allow: /

Sitemap: {base}/sitemap_news.xml
"""
MENU = [
    ("Markets", "/markets/"), ("Business", "/business/"), ("Investing", "/investing/"),
    ("Tech", "/technology/"), ("Politics", "/politics/"), ("World", "/world/"),
    ("Europe", "/europe-news/"), ("Video", "/video/"), ("Watchlist", "/watchlist/"),
]  # fmt: skip
APP_SCRIPT = (
    '<script>window.__s_data={"page":{"type":"article","section":"World"},'
    '"user":{"loggedIn":false}};window.CNBC_SETTINGS={ads:true,video:{autoplay:false}};'
    "</script>"
)


class Cnbc(Outlet):
    name = "cnbc"
    publisher = "CNBC"

    @property
    def robots(self) -> str:  # type: ignore[override]
        return ROBOTS.format(base=self.url(""))

    def routes(self) -> list[Route]:
        return [
            (re.compile(re.escape(WORLD_FEED)), lambda r, m: self.feed(r, "World News")),
            (re.compile(re.escape(EUROPE_FEED)), lambda r, m: self.feed(r, "Europe News")),
            (re.compile(re.escape(SITEMAP)), lambda r, m: self.sitemap(r)),
            (re.compile(r"/(amp/)?(\d{4}/\d{2}/\d{2}/[a-z0-9-]+\.html)"), self.article),
        ]

    def feed(self, request: Request, title: str) -> Response:
        items = [rss_item(a, self.url(a.path)) for a in self.articles()]
        body = rss(f"{title} - CNBC", self.url("/world/"), items, self.site.changed_at(self.name))
        return self.listing(request, body, RSS)

    def sitemap(self, request: Request) -> Response:
        entries = "".join(
            f"<url><loc>{escape(self.url(a.path))}</loc><lastmod>{a.updated.isoformat()}</lastmod>"
            "<news:news><news:publication><news:name>CNBC</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(a.title)}</news:title></news:news></url>"
            for a in self.articles()
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + entries + "</urlset>\n"
        )
        return self.listing(request, body, XML)

    def article(self, request: Request, m: re.Match[str]) -> Response:
        a = self.find("/" + m[2])
        if a is None:
            return not_found()
        return self.article_page(request, a, self.render(a, amp=bool(m[1])))

    def render(self, a: CoverageArticle, amp: bool) -> str:
        url = self.url(a.path)
        amp_link = f'<link rel="amphtml" href="{self.url("/amp" + a.path)}">' if not amp else ""
        image = self.url(f"/img/{a.slug}.jpg")
        figure = (
            f'<figure class="InlineImage"><img src="{image}" alt=""><figcaption>{escape(a.caption)}</figcaption></figure>'
            if a.caption
            else ""
        )
        related = "".join(
            f'<li><a href="{o.path}">{escape(o.title)}</a></li>'
            for o in self.articles()
            if o.id != a.id
        )
        return (
            f'<!DOCTYPE html><html lang="en"{" amp" if amp else ""}><head><meta charset="utf-8">'
            f"<title>{escape(a.title)}</title>"
            f'<link rel="canonical" href="{url}">{amp_link}'
            f'<meta name="description" content="{escape(a.lead)}">'
            f'<meta name="author" content="{escape(a.author)}">'
            f'<meta property="og:title" content="{escape(a.title)}"><meta property="og:url" content="{url}">'
            f'<meta property="og:type" content="article"><meta property="og:image" content="{image}">'
            f'<meta property="og:description" content="{escape(a.lead)}">'
            f'<meta property="article:published_time" content="{a.published.isoformat()}">'
            f'<meta property="article:modified_time" content="{a.updated.isoformat()}">'
            f"{json_ld(a, url, self.publisher, image)}{APP_SCRIPT}{TRACKER_SCRIPT}</head><body>"
            f"{COOKIE_BANNER}<header>{menu(MENU, 'GlobalNavigation')}</header>"
            f'<main><div class="ArticleHeader"><a class="eyebrow" href="/world/">World Politics</a>'
            f'<h1 class="ArticleHeader-headline">{escape(a.title)}</h1>'
            f'<time data-testid="published-timestamp" datetime="{a.published.isoformat()}">'
            f"Published {a.published:%a, %b %d %Y %I:%M %p} EST</time>"
            f'<a class="Author-authorName" href="/author/">{escape(a.author)}</a></div>'
            f'{figure}<div class="ArticleBody-articleBody">{body_html(a)}</div>'
            f'<aside class="RelatedContent"><h2>Related</h2><ul>{related}</ul></aside>'
            '<div class="NewsletterSignup">Subscribe to CNBC PRO. Sign up for free newsletters.</div></main>'
            f"<footer>{menu(MENU, 'Footer')}<p>© 2026 CNBC LLC. All Rights Reserved.</p></footer>"
            "</body></html>"
        )
