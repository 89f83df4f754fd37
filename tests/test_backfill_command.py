"""``stancewatch backfill NAME``: a listing walked past its known pages, from the command line.

A local outlet lists its archive three articles a page, newest first (real sentences from the
labelled corpus, the test's own filler), with validators (ETag, Last-Modified) like any web
server. A crawl reads one listing page and, once its articles are stored, stops there;
``backfill`` walks on to the oldest page (asking unconditionally: a "not modified" would give it
no links to follow) and analyses what it finds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_loop_real import FILLER, _real

from stancewatch.db import make_engine
from stancewatch.demo import new_article
from stancewatch.demo.outlets.base import generic_article_page
from stancewatch.demo.server import LocalServer, Request, Response, conditional
from stancewatch.models import Article, Statement

LINES = ["r0148a", "r0307a", "r0249a", "r0086a", "r0142a", "r0170a"]
PER_PAGE = 3
ROOT = Path(__file__).resolve().parent.parent


class Archive:
    def __init__(self) -> None:
        start = datetime(2024, 3, 1, 9, tzinfo=UTC)
        self.articles = [
            new_article("archive", f"Bulletin {n + 1}", [_real(line)["text"], FILLER], n=n,
                        slug=f"a{n}", published=start + timedelta(days=30 * n))
            for n, line in enumerate(LINES)
        ][::-1]  # fmt: skip
        self.server = LocalServer(self.respond, name="archive")

    def respond(self, request: Request) -> Response:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if request.path.startswith("/list/page/"):
            page = int(request.path.rsplit("/", 1)[1])
            chunk = self.articles[(page - 1) * PER_PAGE : page * PER_PAGE]
            if not chunk:
                return Response(404, b"not found", html)
            links = "".join(f'<li><a href="/news/{a.slug}">{a.title}</a></li>' for a in chunk)
            more = page * PER_PAGE < len(self.articles)
            nxt = f'<a rel="next" href="/list/page/{page + 1}">Older</a>' if more else ""
            body = f"<html><body><ul>{links}</ul>{nxt}</body></html>".encode()
            return conditional(
                request, body, html["Content-Type"], datetime(2024, 9, 1, tzinfo=UTC)
            )
        for a in self.articles:
            if request.path == f"/news/{a.slug}":
                page = generic_article_page(a, self.server.url(request.path), "archive")
                return Response(200, page.encode(), html)
        return Response(404, b"not found", html)


@pytest.fixture
def archive(tmp_path):
    site = Archive()
    site.server.start()
    write_source(tmp_path, "archive", "listing", site.server.url("/list/page/1"))
    yield site
    site.server.stop()


def write_source(tmp_path: Path, name: str, kind: str, url: str) -> None:
    """The test's sources.toml: one source of ``kind`` starting at ``url``."""
    (tmp_path / "sources.toml").write_text(
        f'[[sources]]\nname = "{name}"\nkind = "{kind}"\n'
        f'start_urls = ["{url}"]\narticle_pattern = "/news/"\n',
        encoding="utf-8",
    )


def command(tmp_path: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """``stancewatch ARGS`` on the test's database and sources: a crawl reads one listing
    page (the backfill is what walks further), politeness delays are short."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STANCEWATCH_MAX_LISTING_PAGES": "1",
           "STANCEWATCH_AUTOTHROTTLE_START_DELAY": "0.05"}  # fmt: skip
    db = f"sqlite:///{tmp_path / 'sw.db'}"
    cmd = [sys.executable, "-m", "stancewatch", "--database-url", db,
           "--sources", str(tmp_path / "sources.toml"), *args]  # fmt: skip
    return cmd, env


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd, env = command(tmp_path, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)


def counts(tmp_path: Path) -> tuple[int, int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'sw.db'}")
    try:
        with engine.connect() as conn:
            articles = conn.scalar(select(func.count()).select_from(Article))
            statements = conn.scalar(select(func.count()).select_from(Statement))
    finally:
        engine.dispose()
    return int(articles or 0), int(statements or 0)


def test_backfill_walks_a_listing_past_its_known_pages_and_analyses(archive, tmp_path):
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    for _ in range(2):  # the second crawl stops at the known first page
        crawled = cli(tmp_path, "crawl", "archive", "--no-analyze", "--format", "json")
        assert crawled.returncode == 0, crawled.stderr[-2000:]
        assert counts(tmp_path)[0] == PER_PAGE
        if _ == 0:  # the crawl's stats say how far back the source reaches
            [summary] = json.loads(crawled.stdout)
            assert summary["details"]["oldest_published"].startswith("2024-05-30")
    done = cli(tmp_path, "backfill", "archive", "--max-pages", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    articles, statements = counts(tmp_path)
    assert articles == len(LINES) and statements > 0  # analysed as it went
    assert f"{len(LINES) - PER_PAGE} new articles, reaches back to 2024-03-01" in done.stdout
    assert not (tmp_path / ".stancewatch-backfill" / "archive").exists()  # finished: cleared
    unknown = cli(tmp_path, "backfill", "nope")
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip().splitlines()[-1].startswith("Error: unknown source")
