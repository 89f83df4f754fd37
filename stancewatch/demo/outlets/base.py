"""What every outlet shares: routing, robots.txt, conditional responses, and page chrome.

The chrome (menus, cookie banner, inline scripts, footer, related links) is there because real
pages carry it and the extractor must find the article body among it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from stancewatch.demo.coverage import CoverageArticle
from stancewatch.demo.server import Request, Response, conditional

if TYPE_CHECKING:
    from stancewatch.demo.site import DemoSite

Route = tuple[re.Pattern[str], Callable[[Request, re.Match[str]], Response]]
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"

COOKIE_BANNER = (
    '<div id="cookie-consent" class="cookie-banner" role="dialog">'
    "<p>We use cookies to personalise content and ads, to provide social media features and to "
    "analyse our traffic. By continuing to browse you accept our use of cookies.</p>"
    '<button type="button" class="accept">Accept all</button> '
    '<button type="button" class="settings">Cookie settings</button></div>'
)
GENERIC_MENU = [("Home", "/"), ("World", "/world/"), ("Politics", "/politics/"), ("War", "/war/")]
TRACKER_SCRIPT = (
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-DEMO0000');(function(){var s=document.createElement"
    "('script');s.async=true;s.src='/static/ads.js';document.head.appendChild(s);})();</script>"
)


def text_response(
    body: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    return Response(status, body.encode("utf-8"), {"Content-Type": content_type})


def not_found() -> Response:
    return text_response("<html><body><h1>404 Not Found</h1></body></html>", 404, HTML)


def menu(items: list[tuple[str, str]], css: str) -> str:
    links = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in items)
    return f'<nav class="{css}"><ul>{links}</ul></nav>'


def json_ld(article: CoverageArticle, url: str, publisher: str, image: str | None = None) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.lead,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "author": [
            {"@type": "Person" if " " in article.author else "Organization", "name": article.author}
        ],
        "publisher": {"@type": "Organization", "name": publisher},
        "inLanguage": "en",
    }
    if image:
        data["image"] = [image]
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def body_html(article: CoverageArticle) -> str:
    parts = []
    for para in article.paragraphs:
        if para.startswith("## "):
            parts.append(f"<h2>{escape(para[3:])}</h2>")
        else:
            parts.append(f"<p>{escape(para)}</p>")
    return "\n".join(parts)


def generic_article_page(
    article: CoverageArticle, url: str, publisher: str, extra_head: str = ""
) -> str:
    """An article page in no outlet's own shape, for sites a test or benchmark serves itself.

    JSON-LD and OpenGraph metadata, a byline, an image caption, and the chrome the extractor
    must leave out: menu, cookie banner, tracker script, related links, readers' comments
    ("NATO should decide now."), footer. ``extra_head`` goes into ``<head>`` (an AMP link).
    """
    title = escape(article.title)
    figure = (
        f"<figure><img src='/i.jpg'><figcaption>{escape(article.caption)}</figcaption></figure>"
        if article.caption
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {escape(publisher)}</title>'
        f'{json_ld(article, url, publisher)}<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{article.published.isoformat()}">'
        f'<meta name="author" content="{escape(article.author)}"><link rel="canonical" href="{escape(url)}">'
        f"{extra_head}{TRACKER_SCRIPT}</head><body><header>{menu(GENERIC_MENU, 'nav')}</header>"
        f"{COOKIE_BANNER}<main><article><h1>{title}</h1>"
        f'<div class="byline">By {escape(article.author)}</div>{figure}{body_html(article)}</article>'
        '<aside class="related"><h3>Read also</h3><ul><li><a href="/world/">Zelensky meets Starmer '
        'in London</a></li><li><a href="/politics/">EU approves new aid package</a></li></ul></aside>'
        '<section class="comments"><h3>Comments</h3><div class="comment">Slava Ukraini! Great news.'
        '</div><div class="comment">NATO should decide now.</div></section></main>'
        f'<footer><p>© {escape(publisher)}. All rights reserved.</p><a href="/privacy">Privacy</a>'
        "</footer></body></html>"
    )


def rss(title: str, link: str, items: list[str], updated: datetime, head: str = "") -> str:
    """An RSS 2.0 feed of ``items`` (``rss_item``); ``head`` goes into the channel before them
    (``<atom:link rel="next">`` of a paged feed)."""
    from email.utils import format_datetime

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description><language>en</language>"
        f"<lastBuildDate>{format_datetime(updated, usegmt=True)}</lastBuildDate>{head}"
        + "".join(items)
        + "</channel></rss>\n"
    )


def rss_item(article: CoverageArticle, url: str, extra: str = "") -> str:
    from email.utils import format_datetime

    # an updated article says so, as feeds with Atom's <updated> do: the crawler re-fetches it
    updated = (
        f"<atom:updated>{article.modified.isoformat()}</atom:updated>" if article.modified else ""
    )
    return (
        f"<item><title>{escape(article.title)}</title><link>{escape(url)}</link>"
        f'<guid isPermaLink="false">{escape(article.id)}</guid>'
        f"<pubDate>{format_datetime(article.published, usegmt=True)}</pubDate>{updated}"
        f"<dc:creator>{escape(article.author)}</dc:creator>"
        f"<description>{escape(article.lead)}</description>{extra}</item>"
    )


class Outlet:
    """An outlet: a name, robots.txt, routes; articles come from the site's current state."""

    name = ""
    publisher = ""
    robots = "User-agent: *\nAllow: /\n"

    def __init__(self, site: DemoSite) -> None:
        self.site = site

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return text_response(self.robots)
        for pattern, view in self.routes():
            m = pattern.fullmatch(request.path)
            if m:
                return view(request, m)
        return not_found()

    def url(self, path: str) -> str:
        return self.site.url(self.name, path)

    def articles(self) -> list[CoverageArticle]:
        """This outlet's published articles, newest first."""
        return self.site.articles_of(self.name)

    def find(self, path: str) -> CoverageArticle | None:
        return next((a for a in self.articles() if a.path == path), None)

    def listing(self, request: Request, body: str, content_type: str) -> Response:
        """A feed, sitemap or listing: validators from the outlet's last change."""
        data = body.encode("utf-8")
        etag = self.site.stuck_etag_for(self.name, request.path, data)
        precedence = self.name in self.site.etag_precedence
        changed = self.site.changed_at(self.name)
        return conditional(request, data, content_type, changed, etag, etag_precedence=precedence)

    def article_page(self, request: Request, article: CoverageArticle, html: str) -> Response:
        return conditional(request, html.encode("utf-8"), HTML, article.updated)
