"""``stancewatch backfill NAME`` of a paged or archived feed (RFC 5005), from the command line.

A local outlet serves its archive two entries a feed page, newest first, with validators (ETag,
Last-Modified) like any web server: as a paged RSS feed (``<atom:link rel="next">`` to the
older page, ``rel="previous"`` back to the newer one) or as an archived Atom feed (the
subscription document and archive documents linked by ``prev-archive``, ``next-archive`` back).
A crawl reads the feed's first page only; ``backfill`` walks the older pages, analysing what it
finds, up to ``--max-pages`` or ``--since``; interrupted, it resumes and fetches no page twice.
The article pages carry real sentences from the labelled corpus and the test's own filler.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from test_backfill_command import cli, command, counts, write_source
from test_loop_real import FILLER, _real

from stancewatch.db import make_engine
from stancewatch.demo import CoverageArticle, new_article
from stancewatch.demo.outlets.base import generic_article_page, rss, rss_item
from stancewatch.demo.server import LocalServer, Request, Response, conditional

LINES = ["r0148a", "r0307a", "r0249a", "r0086a", "r0142a", "r0170a", "r0105a", "r0111a"]
PER_PAGE = 2
PAGES = len(LINES) // PER_PAGE
#: the oldest article's date; each newer one is 30 days later
OLDEST = datetime(2024, 1, 10, 9, tzinfo=UTC)
RSS, ATOM = "application/rss+xml", "application/atom+xml"


class PagedFeed:
    """The outlet. ``style``: "rss" (paged, ``next``) or "atom" (archived, ``prev-archive``).

    ``hold``: a path whose answer waits until ``release`` is set (``reached`` says it was
    asked for), so a test can interrupt a backfill while that page is being fetched."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.articles = [
            new_article("paged", f"Bulletin {n + 1}", [_real(line)["text"], FILLER], n=n,
                        slug=f"a{n}", published=OLDEST + timedelta(days=30 * n))
            for n, line in enumerate(LINES)
        ][::-1]  # fmt: skip
        self.server = LocalServer(self.respond, name="paged")
        self.gets: Counter[str] = Counter()
        self.hold: str | None = None
        self.reached = threading.Event()
        self.release = threading.Event()

    def page_path(self, page: int) -> str:
        if page == 1:
            return "/feed.xml"
        return f"/feed/page/{page}.xml" if self.style == "rss" else f"/archive/{page}.xml"

    def respond(self, request: Request) -> Response:
        self.gets[request.target] += 1
        if request.path == self.hold:
            self.reached.set()
            self.release.wait(30)
        for page in range(1, PAGES + 1):
            if request.path == self.page_path(page):
                body, kind = self._page(page)
                return conditional(request, body, kind, OLDEST)
        for a in self.articles:
            if request.path == f"/news/{a.slug}":
                html = generic_article_page(a, self.server.url(request.path), "paged")
                return Response(200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})
        return Response(404, b"not found", {"Content-Type": "text/plain"})

    def _page(self, page: int) -> tuple[bytes, str]:
        chunk = self.articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        older = self.server.url(self.page_path(page + 1)) if page < PAGES else None
        newer = self.server.url(self.page_path(page - 1)) if page > 1 else None
        if self.style == "rss":
            links = "".join(
                f'<atom:link rel="{rel}" href="{href}"/>'
                for rel, href in (("next", older), ("previous", newer))
                if href
            )
            items = [rss_item(a, self.server.url("/news/" + a.slug)) for a in chunk]
            body = rss("Paged", self.server.url("/"), items, chunk[0].published, head=links)
            return body.encode(), RSS
        links = "".join(
            f'<link rel="{rel}" href="{href}"/>'
            for rel, href in (("prev-archive", older), ("next-archive", newer))
            if href
        )
        entries = "".join(
            f"<entry><title>{escape(a.title)}</title><id>urn:paged:{a.slug}</id>"
            f'<link href="/news/{a.slug}"/><published>{_iso(a)}</published>'
            f"<updated>{_iso(a)}</updated></entry>"
            for a in chunk
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:fh="http://purl.org/syndication/history/1.0">'
            f"<title>Archived</title><id>urn:paged</id><updated>{_iso(chunk[0])}</updated>"
            f"{'<fh:archive/>' if page > 1 else ''}{links}{entries}</feed>"
        )
        return body.encode(), ATOM

    def fetched(self, page: int) -> int:
        return self.gets[self.page_path(page)]


def _iso(a: CoverageArticle) -> str:
    return a.published.isoformat().replace("+00:00", "Z")


def _serve(style: str, tmp_path: Path):
    site = PagedFeed(style)
    site.server.start()
    write_source(tmp_path, "paged", "feed", site.server.url("/feed.xml"))
    return site


@pytest.fixture
def rss_site(tmp_path):
    site = _serve("rss", tmp_path)
    yield site
    site.release.set()
    site.server.stop()


@pytest.fixture
def atom_site(tmp_path):
    site = _serve("atom", tmp_path)
    yield site
    site.release.set()
    site.server.stop()


def jobdir(tmp_path: Path) -> Path:
    return tmp_path / ".stancewatch-backfill" / "paged"


def test_backfill_follows_a_paged_rss_feed_and_shows_pages_walked(rss_site, tmp_path):
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    crawled = cli(tmp_path, "crawl", "paged", "--no-analyze")
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    assert counts(tmp_path)[0] == PER_PAGE  # a crawl reads the feed's first page only
    assert [rss_site.fetched(p) for p in range(1, PAGES + 1)] == [1, 0, 0, 0]

    done = cli(tmp_path, "backfill", "paged")
    assert done.returncode == 0, done.stderr[-2000:]
    articles, statements = counts(tmp_path)
    assert articles == len(LINES) and statements > 0  # every page's articles, analysed
    # the first page again (a new walk, asked unconditionally though its ETag is known), then
    # each older page once; the "previous" links back to newer pages are not followed
    assert [rss_site.fetched(p) for p in range(1, PAGES + 1)] == [2, 1, 1, 1]
    # the progress bar's last state (rich prints it once when stdout is not a terminal)
    new = len(LINES) - PER_PAGE
    assert f"backfill paged: {PAGES} pages, {new} articles, oldest 2024-01-10," in done.stdout
    assert f"paged: {PAGES} pages walked (" in done.stdout
    assert f"{new} new articles, reaches back to 2024-01-10;" in done.stdout
    assert not jobdir(tmp_path).exists()  # finished: its crawl state cleared


def test_feed_backfill_stops_at_max_pages_and_at_since(atom_site, tmp_path):
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    two = cli(tmp_path, "backfill", "paged", "--max-pages", "2")
    assert two.returncode == 0, two.stderr[-2000:]
    assert counts(tmp_path)[0] == 2 * PER_PAGE
    assert [atom_site.fetched(p) for p in range(1, PAGES + 1)] == [1, 1, 0, 0]
    assert "backfill paged: 2 pages, 4 articles," in two.stdout
    assert not jobdir(tmp_path).exists()

    # page 3 holds the articles of 2024-04-09 and 2024-03-10: it is the last one walked
    since = cli(tmp_path, "backfill", "paged", "--since", "2024-04-01")
    assert since.returncode == 0, since.stderr[-2000:]
    assert counts(tmp_path)[0] == 3 * PER_PAGE
    assert [atom_site.fetched(p) for p in range(1, PAGES + 1)] == [2, 2, 1, 0]
    assert "2 new articles, reaches back to 2024-03-10 (reached --since)" in since.stdout
    assert not jobdir(tmp_path).exists()  # reached --since: nothing to resume


def test_interrupted_feed_backfill_resumes_and_fetches_no_page_twice(atom_site, tmp_path):
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    atom_site.hold = atom_site.page_path(3)
    cmd, env = command(tmp_path, "backfill", "paged")
    first = subprocess.Popen(cmd, cwd=tmp_path, env=env, start_new_session=True, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert atom_site.reached.wait(120), "the backfill never asked for page 3"
        os.killpg(first.pid, signal.SIGINT)  # Ctrl-C, while page 3 is on its way
        threading.Timer(1.0, atom_site.release.set).start()
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 1, err[-2000:]
    assert "backfill of paged interrupted; run it again to resume" in err
    assert "Traceback" not in err
    assert jobdir(tmp_path).exists()  # its crawl state kept for the next run
    assert counts(tmp_path)[0] < len(LINES)
    atom_site.hold = None

    again = cli(tmp_path, "backfill", "paged")
    assert again.returncode == 0, again.stderr[-2000:]
    assert counts(tmp_path)[0] == len(LINES)
    assert "reaches back to 2024-01-10" in again.stdout
    twice = {path: n for path, n in atom_site.gets.items() if n > 1 and path != "/robots.txt"}
    assert twice == {}
    assert all(atom_site.fetched(p) == 1 for p in range(1, PAGES + 1))
    assert not jobdir(tmp_path).exists()


def test_progress_counts_pages_while_the_walk_runs(atom_site, crawl_settings, tmp_path):
    """The bar's page count moves during the crawl, not only at its end: page 3 is held until
    the progress has shown the two pages before it."""
    from stancewatch import flow
    from stancewatch.db import session_factory
    from stancewatch.sources import parse_sources

    [source] = parse_sources((tmp_path / "sources.toml").read_text(), "test sources")
    settings = crawl_settings.replace(backfill_dir=str(tmp_path / "state"))
    atom_site.hold = atom_site.page_path(3)
    seen: list[tuple[int, int]] = []
    released_at: list[int] = []

    def show(p: flow.BackfillProgress) -> None:
        seen.append((p.pages, p.articles))
        if p.pages == 2 and not atom_site.release.is_set():
            released_at.append(len(seen))  # the count moved while page 3 was on its way
            atom_site.release.set()

    engine = make_engine(settings.database_url)
    try:
        done = flow.backfill(settings, session_factory(engine), source, on_progress=show,
                             poll_seconds=0.1)  # fmt: skip
    finally:
        engine.dispose()
    assert atom_site.fetched(3) == 1 and atom_site.reached.is_set()
    assert released_at, f"the progress never showed 2 pages while page 3 was held: {seen}"
    assert seen[-1] == (PAGES, len(LINES)) and (done.pages, done.articles) == seen[-1]
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)  # it only ever counts up
