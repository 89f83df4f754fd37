"""Backfill builds the history; only live news alerts; restance gives the same rows.

A local outlet is crawled over HTTP with the real spider, pipelines and stance engine; its
stance-bearing sentences are copied from real news pages of the labelled corpus (ids below),
the rest of each page is the test's own filler (as in ``test_loop_real.py``):

1. the archive, published about a year ago and found today (all late): Zelenskyy signs the
   application for accelerated accession (support, for him and for Ukraine, for which he
   speaks), then offers to drop the bid (oppose): a change for both, recorded as backfill;
2. a live phase: an article of yesterday in which he asks for a membership invitation again
   (support): the one change that is alerted, one message per target naming both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import pytest
from sqlalchemy import select
from test_loop_real import FILLER, _real

from stancewatch import flow
from stancewatch.db import make_engine, session_factory
from stancewatch.demo import CoverageArticle, new_article
from stancewatch.demo.outlets.base import generic_article_page
from stancewatch.demo.server import LocalServer, Request, Response
from stancewatch.models import OutboxMessage, StanceChange

#: (corpus id, days before now): the archive, found late
ARCHIVE = [("r0148a", 400), ("r0307a", 300)]
#: the live phase: yesterday's news
LIVE = [("r0249a", 1)]
BOTH = {"Volodymyr Zelenskyy", "Ukraine"}


class Outlet:
    """One outlet: an RSS feed of every article published so far, and the article pages."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.pages: dict[str, CoverageArticle] = {}
        self.server = LocalServer(self.respond, name="archive")

    def publish(self, plan: list[tuple[str, int]]) -> None:
        for line_id, days in plan:
            n = len(self.pages)
            article = new_article("archive", f"Bulletin {n + 1}", [_real(line_id)["text"], FILLER],
                                  n=n, published=self.now - timedelta(days=days))  # fmt: skip
            self.pages[f"/news/{n}"] = article

    def respond(self, request: Request) -> Response:
        if request.path == "/feed.xml":
            return Response(200, self._feed(), {"Content-Type": "application/rss+xml"})
        if request.path in self.pages:
            page = generic_article_page(self.pages[request.path], self.server.url(request.path),
                                        "archive")  # fmt: skip
            return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        return Response(404, b"not found")

    def _feed(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self.server.url(path)}</link>"
            f"<pubDate>{format_datetime(a.published)}"
            f"</pubDate></item>"
            for path, a in self.pages.items()
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def sources_toml(self) -> str:
        return (
            f'[[sources]]\nname = "archive"\nkind = "feed"\n'
            f'start_urls = ["{self.server.url("/feed.xml")}"]\narticle_pattern = "/news/"\n'
        )


@pytest.fixture
def outlet():
    site = Outlet(datetime.now(UTC))
    site.server.start()
    yield site
    site.server.stop()


@pytest.fixture
def receivers():
    """Two apprise ``json://`` targets on one local server (paths /a and /b)."""
    posts: dict[str, list[dict]] = {"/a": [], "/b": []}

    def take(request: Request) -> Response:
        posts[request.path].append(json.loads(request.body))
        return Response(200, b"ok")

    server = LocalServer(take, name="receivers").start()
    yield (f"json://127.0.0.1:{server.port}/a", f"json://127.0.0.1:{server.port}/b"), posts
    server.stop()


def recorded(sessions) -> list[tuple]:
    """Every stored change as a comparable row (ids included: a replay keeps them)."""
    with sessions() as s:
        return [
            (c.id, c.actor, c.old_stance, c.new_stance, c.changed_at, c.backfill, c.blocked,
             c.event_key, c.stories, c.evidence, c.previous_evidence, c.reason, c.retracted_at)
            for c in s.scalars(select(StanceChange).order_by(StanceChange.id))
        ]  # fmt: skip


def outbox_rows(sessions) -> list[tuple]:
    with sessions() as s:
        query = select(OutboxMessage.change_id, OutboxMessage.target_key, OutboxMessage.status)
        return list(s.execute(query.order_by(OutboxMessage.id)))


def test_backfill_records_history_silently_then_live_news_alerts_once(
    outlet, receivers, crawl, crawl_settings
):
    urls, posts = receivers
    settings = crawl_settings.replace(notify_urls=urls)
    sessions = session_factory(make_engine(settings.database_url))
    try:
        # 1. the archive: all of it older than a week when found
        outlet.publish(ARCHIVE)
        assert sum(s["articles_new"] for s in crawl(settings, outlet.sources_toml())) == 2
        summary = flow.analyze(settings, sessions)
        assert summary.changes_backfill == 2
        flow.deliver(settings, sessions)
        history = recorded(sessions)
        assert {(c[1], c[2], c[3], c[5]) for c in history} == {
            (actor, "support", "oppose", True) for actor in BOTH
        }
        assert len({c[7] for c in history}) == 1  # one sentence decided both: one event
        assert outbox_rows(sessions) == [] and posts == {"/a": [], "/b": []}

        # 2. the live phase: yesterday's article, found today
        outlet.publish(LIVE)
        assert sum(s["articles_new"] for s in crawl(settings, outlet.sources_toml())) == 1
        flow.analyze(settings, sessions)
        sent = flow.deliver(settings, sessions)
        rows = recorded(sessions)
        live = [c for c in rows if not c[5]]
        assert {(c[1], c[2], c[3]) for c in live} == {(a, "oppose", "support") for a in BOTH}
        assert sent.sent == 2  # one message per target for the one event
        for path in ("/a", "/b"):
            [post] = posts[path]
            assert "Volodymyr Zelenskyy (and Ukraine): oppose → support" in post["title"]
            assert "Why: one statement of confidence ≥ 0.85" in post["message"]
        queued = outbox_rows(sessions)
        assert len(queued) == 2 and len({key for _, key, _ in queued}) == 2
        lead = next(c[0] for c in live if c[1] == "Volodymyr Zelenskyy")
        assert {change_id for change_id, _, _ in queued} == {lead}  # the person leads

        # 3. restance reproduces the same rows, whatever the settings of earlier runs
        flow.restance(settings.replace(late_coverage_days=0), sessions)
        assert [c[:5] for c in recorded(sessions)] == [c[:5] for c in rows]
        flow.restance(settings, sessions)
        assert recorded(sessions) == rows
        again = flow.deliver(settings, sessions)
        assert (again.enqueued, again.sent) == (0, 0)
        assert sum(map(len, posts.values())) == 2
    finally:
        sessions.kw["bind"].dispose()
