"""The whole loop on real coverage: two outlets crawled, analysed, alerted; the right changes
and no false one.

Each article's stance-bearing sentence is copied from a real news page of the labelled corpus
(``bench/corpus/stance_real.jsonl``, the line's id and page below). The outlets, titles, dates
and the filler paragraph that brings a page to the extractor's minimum length are the test's
own (the filler names nobody and says nothing about NATO). Dates are recent, so the coverage is
live, and ordered so that the traps come before the real change:

1. Zelenskyy signs the application for accelerated accession (support: the baseline for him,
   and for Ukraine, for which he speaks);
2. a trap: Biden "thinks Ukraine is 'not ready'" is Biden's position, not Ukraine's;
3. a trap on the other outlet: "Volker: Ukraine is still not ready for NATO";
4. Zelenskyy offers to drop the ambition to join NATO (the change, for him and Ukraine);
5. the other outlet's syndicated copy of 4 (one story, stored as a near duplicate).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import select

from stancewatch import flow
from stancewatch.db import make_engine, session_factory
from stancewatch.demo import CoverageArticle, new_article
from stancewatch.demo.outlets.base import generic_article_page
from stancewatch.demo.server import LocalServer, Request, Response
from stancewatch.models import Article, StanceChange

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "corpus" / "stance_real.jsonl"
FILLER = (
    "This paragraph is filler written for the test fixture, so that the page is long enough "
    "for the article extractor; it names no one and takes no position on anything at all. "
    "The rest of the page, its title and its date are the fixture's own as well, only the "
    "sentence before this paragraph is copied from the real page named in the test."
)
#: (outlet, corpus id, days before now); titles are "Bulletin N": they name nobody, so only
#: the real sentences can decide a stance
PLAN = [
    ("wire", "r0148a", 6),
    ("wire", "r0142a", 5),
    ("daily", "r0086a", 4),
    ("wire", "r0307a", 2),
    ("daily", "r0307a", 1),
]


def _real(line_id: str) -> dict:
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == line_id:
            return row
    raise LookupError(line_id)


class TwoOutlets:
    """``/wire/...`` and ``/daily/...``: an RSS feed and article pages each."""

    def __init__(self, now: datetime) -> None:
        self.pages: dict[str, tuple[str, CoverageArticle]] = {}
        for n, (outlet, line_id, days) in enumerate(PLAN):
            text = _real(line_id)["text"]
            article = new_article(outlet, f"Bulletin {n + 1}", [text, FILLER], n=n,
                                  published=now - timedelta(days=days))  # fmt: skip
            self.pages[f"/{outlet}/news/{n}"] = (outlet, article)
        self.server = LocalServer(self.respond, name="outlets")

    def respond(self, request: Request) -> Response:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if request.path.endswith("/feed.xml"):
            outlet = request.path.strip("/").split("/")[0]
            return Response(200, self._feed(outlet), {"Content-Type": "application/rss+xml"})
        if request.path in self.pages:
            outlet, article = self.pages[request.path]
            url = self.server.url(request.path)
            return Response(200, generic_article_page(article, url, outlet).encode(), html)
        return Response(404, b"not found", html)

    def _feed(self, outlet: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self.server.url(path)}</link>"
            f"<pubDate>{format_datetime(a.published)}"
            f"</pubDate></item>"
            for path, (name, a) in self.pages.items()
            if name == outlet
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def sources_toml(self) -> str:
        return "".join(
            f'[[sources]]\nname = "{outlet}"\nkind = "feed"\n'
            f'start_urls = ["{self.server.url(f"/{outlet}/feed.xml")}"]\n'
            f'article_pattern = "/{outlet}/news/"\n\n'
            for outlet in ("wire", "daily")
        )


@pytest.fixture
def outlets():
    site = TwoOutlets(datetime.now(UTC))
    site.server.start()
    yield site
    site.server.stop()


@pytest.fixture
def receiver():
    """An apprise ``json://`` target: a local server that keeps what it is sent."""
    posts: list[dict] = []

    def take(request: Request) -> Response:
        posts.append(json.loads(request.body))
        return Response(200, b"ok")

    server = LocalServer(take, name="receiver").start()
    yield server, posts
    server.stop()


def test_real_coverage_alerts_the_real_change_and_no_trap(outlets, receiver, crawl,
                                                         crawl_settings):  # fmt: skip
    server, posts = receiver
    settings = crawl_settings.replace(notify_urls=(f"json://127.0.0.1:{server.port}/",))
    summaries = crawl(settings, outlets.sources_toml())
    assert sum(s["articles_new"] for s in summaries) == 5
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        flow.analyze(settings, sessions)
        sent = flow.deliver(settings, sessions)
        with sessions() as s:
            copies = s.scalars(select(Article).where(Article.duplicate_of_id.is_not(None))).all()
            changes = s.scalars(select(StanceChange).order_by(StanceChange.id)).all()
            got = {(c.actor, c.old_stance, c.new_stance): c for c in changes}
    finally:
        engine.dispose()
    assert len(copies) == 1  # the daily's copy of the wire story is linked to it
    # the change, for Zelenskyy and for Ukraine, for which he speaks: and nothing else
    assert set(got) == {
        ("Volodymyr Zelenskyy", "support", "oppose"),
        ("Ukraine", "support", "oppose"),
    }
    drop = _real("r0307a")["text"]
    for change in got.values():
        assert change.evidence == drop  # decided by the offer, not by a "not ready" trap
        assert change.stories == 1  # the copy is the same story
    # one event (his sentence changed both): one message naming both
    assert sent.sent == 1 and len(posts) == 1
    assert "Volodymyr Zelenskyy (and Ukraine): support → oppose" in posts[0]["title"]
    bodies = " ".join(p.get("title", "") + " " + p.get("message", "") for p in posts)
    assert "Joe Biden" not in bodies and "Kurt Volker" not in bodies
