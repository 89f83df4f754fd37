"""Censor.NET: the "NATO membership" tag listing with path pagination, and its articles.

Listing items carry headline, lead, date, view and comment counts, "Previously in trend: X"
labels and (often Ukrainian) image captions, as on the real tag page (seed 001).
"""

from __future__ import annotations

import re
from html import escape

from stancewatch.demo.coverage import CoverageArticle
from stancewatch.demo.outlets.base import (
    COOKIE_BANNER,
    HTML,
    TRACKER_SCRIPT,
    Outlet,
    Route,
    body_html,
    json_ld,
    menu,
    not_found,
)  # fmt: skip
from stancewatch.demo.server import Request, Response

TAG = "/en/tag/3327/nato_membership"
SECTIONS = [
    ("News", "/en/news/all"), ("Resonance", "/en/resonance/all"), ("Photo", "/en/photo_news/all"),
    ("Video", "/en/video_news/all"), ("Blogs", "/en/blogs/all"), ("War", "/en/tag/1/war"),
    ("Ukraine - NATO", TAG), ("Economy", "/en/tag/52/economy"), ("Tech", "/en/tag/7/tech"),
]  # fmt: skip
COMMENTS = ["Слава Україні!", "When will they finally decide?", "Чекаємо на рішення.", "Good."]


def _date(article: CoverageArticle) -> str:
    return f"{article.published:%d.%m.%Y %H:%M}"


class Censor(Outlet):
    name = "censor"
    publisher = "Censor.NET"

    def routes(self) -> list[Route]:
        return [
            (re.compile(re.escape(TAG)), lambda r, m: self.tag_page(r, 1)),
            (
                re.compile(re.escape(TAG) + r"/news/page/(\d+)"),
                lambda r, m: self.tag_page(r, int(m[1])),
            ),
            (re.compile(r"/en/(news|resonance)/\d+/[a-z0-9_]+"), self.article),
        ]

    def _page_path(self, page: int) -> str:
        return TAG if page == 1 else f"{TAG}/news/page/{page}"

    def tag_page(self, request: Request, page: int) -> Response:
        size = self.site.page_size
        articles = self.articles()
        pages = max(1, -(-len(articles) // size))
        if page < 1 or page > pages:
            return not_found()
        chunk = articles[(page - 1) * size : page * size]
        links = []
        if page > 1:
            links.append(f'<link rel="prev" href="{self.url(self._page_path(page - 1))}">')
        if page < pages:
            links.append(f'<link rel="next" href="{self.url(self._page_path(page + 1))}">')
        pager = " ".join(
            f'<a href="{self._page_path(n)}"{" class=active" if n == page else ""}>{n}</a>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            pager += (
                f' <a rel="next" class="pager-next" href="{self._page_path(page + 1)}">Next</a>'
            )
        items = "\n".join(self._item(a) for a in chunk)
        html = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>NATO Membership - latest news | Censor.NET</title>{''.join(links)}"
            f'<link rel="canonical" href="{self.url(self._page_path(page))}">{TRACKER_SCRIPT}</head>'
            f"<body>{COOKIE_BANNER}<header>{menu(SECTIONS, 'main-menu')}</header>"
            '<div class="online">7403 visitors online</div>'
            '<section class="tag-description"><p>As of 2025, Ukraine\'s bid for NATO membership '
            'remains a pivotal issue in global politics.</p><a href="#">show details</a></section>'
            f'<h1>News NATO Membership</h1><div class="news-list">{items}</div>'
            f'<div class="pagination">{pager}</div>'
            f"<footer>{menu(SECTIONS, 'footer-menu')}<p>© 2000-2026 Censor.NET</p></footer></body></html>"
        )
        return self.listing(request, html, HTML)

    def _item(self, a: CoverageArticle) -> str:
        trend = (
            f'<div class="trend">Previously in trend: {escape(a.trend)}</div>' if a.trend else ""
        )
        return (
            '<article class="news-line">'
            f'<figure><img src="/static/img/{a.id}.jpg" alt="{escape(a.caption or "")}">'
            f"<figcaption>{escape(a.caption or '')}</figcaption></figure>"
            f'<time datetime="{a.published.isoformat()}">{_date(a)}</time>'
            f'<h3><a href="{a.path}">{escape(a.title)}</a></h3><p class="lead">{escape(a.lead)}</p>'
            f'<span class="views">{a.views}</span> <span class="comments">{a.comments}</span>{trend}'
            "</article>"
        )

    def article(self, request: Request, m: re.Match[str]) -> Response:
        a = self.find(request.path)
        if a is None:
            return not_found()
        url = self.url(a.path)
        related = [o for o in self.articles() if o.id != a.id][:5]
        related_html = "".join(
            f'<li><a href="{o.path}">{escape(o.title)}</a></li>' for o in related
        )
        comments = "".join(
            f'<div class="comment"><b>user{i + 17}</b><p>{escape(c)}</p></div>'
            for i, c in enumerate(COMMENTS[: 1 + a.comments % 4])
        )
        html = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(a.title)} | Censor.NET</title>'
            f'<meta name="description" content="{escape(a.lead)}"><link rel="canonical" href="{url}">'
            f'<meta property="og:title" content="{escape(a.title)}"><meta property="og:type" content="article">'
            f"{json_ld(a, url, self.publisher)}{TRACKER_SCRIPT}</head><body>{COOKIE_BANNER}"
            f"<header>{menu(SECTIONS, 'main-menu')}</header>"
            f'<div class="breadcrumbs"><a href="/en/">Main</a> / <a href="{TAG}">NATO Membership</a></div>'
            f'<main><article class="news-body"><h1>{escape(a.title)}</h1>'
            f'<time datetime="{a.published.isoformat()}">{_date(a)}</time>'
            f'<span class="views">{a.views}</span>'
            f'<figure><img src="/static/img/{a.id}.jpg" alt=""><figcaption>{escape(a.caption or "")}</figcaption></figure>'
            f'<div class="text">{body_html(a)}</div>'
            f'<div class="tags"><a href="{TAG}">NATO membership</a></div></article>'
            f'<aside class="related"><h4>Related</h4><ul>{related_html}</ul></aside>'
            f'<section class="comments"><h4>Comments ({a.comments})</h4>{comments}</section></main>'
            f"<footer>{menu(SECTIONS, 'footer-menu')}<p>© 2000-2026 Censor.NET</p></footer></body></html>"
        )
        return self.article_page(request, a, html)
