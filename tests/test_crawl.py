"""Whole crawls of the local news site, into SQLite and PostgreSQL: what gets stored, what is
linked as a copy, what a re-crawl downloads, and how bad input is counted."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from fixtures.articles import CENSOR, CENSOR_NEW, CNBC_FEASIBLE, FixtureArticle
from sqlalchemy import func, select

from stancewatch.db import make_engine, session_factory
from stancewatch.models import Article, ArticleVersion, CrawlRun, FetchState

SEED_SOURCES = (
    "censor-nato-membership",
    "cnbc-world",
    "cnbc-news-sitemap",
    "aggregator",
    "fakty-en",
)


def articles(db_url: str) -> list[Article]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(Article).order_by(Article.id)))
    engine.dispose()
    return rows


def scalar(db_url: str, stmt):
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        value = s.scalar(stmt)
    engine.dispose()
    return value


def by_name(summaries: list[dict]) -> dict[str, dict]:
    return {s["source"]: s for s in summaries}


def test_crawl_stores_unique_articles_and_links_copies(site, crawl, crawl_settings):
    summaries = by_name(crawl(crawl_settings, site.sources_toml(SEED_SOURCES)))
    stored = articles(crawl_settings.database_url)
    titles = [a.title for a in stored]
    # 6 Censor items (two listing pages), 2 CNBC stories, the aggregator's copy, 1 FAKTY story
    assert len(stored) == 10, titles
    assert len(set(a.canonical_url for a in stored)) == 10
    assert not any("utm_" in a.canonical_url for a in stored)
    assert {a.title for a in stored} >= {c.title for c in CENSOR}
    # the feed's tracking-parameter copy of a story is an exact duplicate
    cnbc = summaries["cnbc-world"]
    assert cnbc["duplicates_exact"] >= 1
    # the syndicated copy (reworded headline, extra paragraph) is linked to the story
    original = next(a for a in stored if a.title == CNBC_FEASIBLE.title)
    copy = next(a for a in stored if a.title.startswith("Zelensky: Kyiv can join NATO"))
    assert {original.duplicate_of_id, copy.duplicate_of_id} - {None} in ({original.id}, {copy.id})
    linked = copy if copy.duplicate_of_id else original
    assert linked.similarity >= 0.7
    # extraction: JSON-LD metadata, no boilerplate
    kachka = next(a for a in stored if "Kachka" in a.title)
    assert kachka.author == "FAKTY" and kachka.language == "en"
    assert kachka.published_at.isoformat().startswith("2026-01-06T11:00")
    assert "no one is putting NATO in brackets" in kachka.text
    for a in stored:
        assert "cookies" not in a.text and "Slava Ukraini" not in a.text
    # one crawl run per source, each with its counts
    runs = scalar(crawl_settings.database_url, select(func.count()).select_from(CrawlRun))
    assert runs == len(SEED_SOURCES)
    assert summaries["censor-nato-membership"]["articles_new"] == 6
    assert all(s["status"] in {"ok", "empty"} for s in summaries.values())


def test_second_crawl_downloads_no_article_and_picks_up_a_new_one(site, crawl, crawl_settings):
    sources = site.sources_toml(("censor-nato-membership", "fakty-en"))
    crawl(crawl_settings, sources)
    first = len(articles(crawl_settings.database_url))
    mark = len(site.requests)
    again = by_name(crawl(crawl_settings, sources))
    assert site.article_requests(mark) == []
    assert len(articles(crawl_settings.database_url)) == first
    assert again["censor-nato-membership"]["status"] == "empty"
    assert again["censor-nato-membership"]["reason"].startswith("nothing new")
    # a new item appears at the top of the listing: only it is downloaded
    url = site["censor"].add(CENSOR_NEW)
    mark = len(site.requests)
    third = by_name(crawl(crawl_settings, sources))
    assert third["censor-nato-membership"]["articles_new"] == 1
    assert [r.path for r in site.article_requests(mark)] == [
        url.split(str(site["censor"].server.port))[1]
    ]
    assert len(articles(crawl_settings.database_url)) == first + 1


def test_updated_article_is_stored_as_a_new_version(site, crawl, crawl_settings):
    sources = site.sources_toml(("cnbc-world",))
    crawl(crawl_settings, sources)
    cnbc = site["cnbc"]
    key = next(k for k, a in cnbc.articles.items() if a.title == CNBC_FEASIBLE.title)
    updated = dataclasses.replace(
        CNBC_FEASIBLE,
        paragraphs=CNBC_FEASIBLE.paragraphs
        + ["Update: the Kremlin rejected the remarks on Monday."],
        modified="2030-01-01T00:00:00Z",
    )
    cnbc.articles[key] = updated
    site.touch("cnbc")
    before = len(articles(crawl_settings.database_url))
    summary = by_name(crawl(crawl_settings, sources))["cnbc-world"]
    assert summary["articles_updated"] == 1 and summary["articles_new"] == 0
    stored = articles(crawl_settings.database_url)
    assert len(stored) == before
    article = next(a for a in stored if a.title == CNBC_FEASIBLE.title)
    assert article.version == 2 and "Kremlin rejected" in article.text
    assert article.analyzed_at is None
    old = scalar(
        crawl_settings.database_url,
        select(ArticleVersion).where(ArticleVersion.article_id == article.id),
    )
    assert old.version == 1 and "Kremlin rejected" not in old.text


def test_feed_whose_etag_never_changes_is_caught(site, crawl, crawl_settings):
    settings = crawl_settings.replace(conditional_verify_every=2)
    fakty = site["fakty"]
    fakty.stuck_etag = '"same-forever"'
    sources = site.sources_toml(("fakty-en",))
    crawl(settings, sources)
    fresh = FixtureArticle(
        "20260107-sybiha-nato-course",
        "Sybiha: Ukraine's course to NATO is irreversible",
        [p.replace("Kachka", "Sybiha") for p in CENSOR[2].paragraphs]
        + [
            "The minister spoke at a briefing in Kyiv on Wednesday after meeting ambassadors of the allies."
        ],
        "2026-01-07T09:00:00Z",
    )
    fakty.add(fresh)
    second = by_name(crawl(settings, sources))["fakty-en"]  # trusts the ETag: 304
    assert second["articles_new"] == 0
    third = by_name(crawl(settings, sources))["fakty-en"]  # verification fetch: caught
    assert third["articles_new"] == 1
    state = scalar(
        settings.database_url, select(FetchState).where(FetchState.url.like("%/en/feed/"))
    )
    assert state.etag_trusted is False
    mark = len(site.requests)
    crawl(settings, sources)
    feed_requests = [r for r in site.requests[mark:] if r.path == "/en/feed/"]
    assert feed_requests and "If-None-Match" not in feed_requests[0].headers


def test_bad_input_is_skipped_with_a_counted_reason(site, crawl, crawl_settings):
    site["trouble"].slow_seconds = 6
    summary = crawl(crawl_settings, site.sources_toml(("trouble",)))[0]
    errors = summary["details"]["article_errors"]
    skipped = summary["details"]["skipped"]
    assert errors.get("http_500") == 1
    assert errors.get("timeout") == 1
    assert errors.get("too_large") == 1
    assert errors.get("redirect_offsite") == 1  # to localhost: another site
    assert errors.get("bot_protection") == 1
    assert skipped.get("not_an_article_page") == 1
    stored = articles(crawl_settings.database_url)
    assert (
        summary["articles_new"] == len(stored) == 2
    )  # the windows-1251 page and the malformed one
    cyrillic = next(a for a in stored if a.url.endswith("/cp1251"))
    assert "членство в НАТО" in cyrillic.text
    malformed = next(a for a in stored if a.url.endswith("/malformed"))
    assert "only effective guarantee of security" in malformed.text
    assert all(a.text and a.content_hash for a in stored)
    run = scalar(crawl_settings.database_url, select(CrawlRun))
    assert run.status == "ok" and run.errors == summary["errors"] >= 5
    assert json.loads(run.details)["article_errors"]["timeout"] == 1


def test_blocked_source_says_robots(site, crawl, crawl_settings):
    site["trouble"].disallow_all = True
    summary = crawl(crawl_settings, site.sources_toml(("trouble",)))[0]
    assert summary["status"] == "blocked"
    assert "robots_txt" in summary["reason"]
    assert site.article_requests() == []


def test_unreachable_source_is_down_and_the_command_exits_1(tmp_path, sqlite_url):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "gone"\nkind = "feed"\nstart_urls = ["http://127.0.0.1:{port}/feed"]\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", sqlite_url, "--sources", str(sources),
         "crawl", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    [summary] = json.loads(result.stdout)
    assert summary["status"] == "down"
    assert "connection_failed" in summary["reason"]
    assert "Traceback" not in result.stderr


def test_extraction_in_worker_processes(site, crawl, crawl_settings):
    settings = crawl_settings.replace(extract_workers=1)
    summary = crawl(settings, site.sources_toml(("censor-nato-membership",)))[0]
    assert summary["articles_new"] == 6
    assert summary["details"]["cpu_ms"]["extract"] > 0
    assert all(len(a.text.split()) > 40 for a in articles(settings.database_url))


def test_search_finds_stored_articles_by_words(site, crawl, crawl_settings, runner):
    from stancewatch.cli import cli

    crawl(crawl_settings, site.sources_toml(("censor-nato-membership",)))
    url = crawl_settings.database_url
    result = runner.invoke(cli, ["--database-url", url, "search", "scholz war", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["title"] for r in rows] == [CENSOR[3].title]
    assert rows[0]["source"] == "censor-nato-membership" and rows[0]["published"] == "2024-10-17"
    none = runner.invoke(
        cli, ["--database-url", url, "search", "zzzunknownword", "--format", "json"]
    )
    assert json.loads(none.output) == []
    bad = runner.invoke(cli, ["--database-url", url, "search", "  "])
    assert (
        bad.exit_code == 1 and bad.output.strip() == "Error: QUERY must contain at least one word"
    )


def test_a_missing_feed_is_gone_and_an_oversized_one_too_large(crawl, crawl_settings):
    from stancewatch.demo.server import LocalServer, Response

    big = b'<rss version="2.0"><channel>' + b"<!-- padding -->" * 4096 + b"</channel></rss>"
    app = {"/big.xml": Response(200, big, {"Content-Type": "application/rss+xml"})}
    with LocalServer(app) as server:
        toml = "".join(
            f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nstart_urls = ["{server.url(path)}"]\n'
            for name, kind, path in (
                ("moved-feed", "feed", "/feed.xml"),
                ("moved-sitemap", "sitemap", "/sitemap.xml"),
                ("big-feed", "feed", "/big.xml"),
            )
        )
        settings = crawl_settings.replace(max_download_size=32 * 1024)
        summaries = by_name(crawl(settings, toml))
    assert {k: (s["status"], s["reason"]) for k, s in summaries.items()} == {
        "moved-feed": ("gone", "gone: the start URL is not found (http_404 x1)"),
        "moved-sitemap": ("gone", "gone: the start URL is not found (http_404 x1)"),
        "big-feed": ("too_large", "index page too large (max_download_size): too_large x1"),
    }
    statuses = scalar(crawl_settings.database_url, select(func.count()).select_from(CrawlRun)
                      .where(CrawlRun.status.in_(("gone", "too_large"))))  # fmt: skip
    assert statuses == 3


def test_a_killed_manual_crawl_is_closed_at_the_next_start(tmp_path, sqlite_url):
    """kill -9 of ``stancewatch crawl`` leaves its run ``running``; the next crawl closes it."""
    import os
    import signal
    import time

    from stancewatch.demo.server import LocalServer, Response

    hang = {"on": True}

    def feed(request):
        body = b'<rss version="2.0"><channel></channel></rss>'
        return Response(
            200, body, {"Content-Type": "application/rss+xml"}, delay=60 if hang["on"] else 0
        )

    with LocalServer({"/feed.xml": feed}) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "slow"\nkind = "feed"\nstart_urls = ["{server.url("/feed.xml")}"]\n'
        )
        command = [sys.executable, "-m", "stancewatch", "--database-url", sqlite_url,
                   "--sources", str(sources), "crawl", "--format", "json"]  # fmt: skip
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        # the feed request has arrived (it hangs): the run row is written by then
        while not any(r.path == "/feed.xml" for r in server.received):
            assert time.monotonic() < deadline, "the crawl never asked for the feed"
            time.sleep(0.1)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)  # reaped: no zombie holds its pid
        running = scalar(sqlite_url, select(CrawlRun).where(CrawlRun.status == "running"))
        assert running is not None  # what kill -9 leaves behind
        hang["on"] = False
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        runs = [(r.status, r.reason) for r in s.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    engine.dispose()
    assert runs == [
        ("failed", "interrupted: the crawl process ended without recording a result"),
        ("empty", "feed empty: no entries"),
    ]
    assert "1 earlier crawl(s) had died while running: closed" in second.stderr


def test_sitemap_entries_are_capped_per_sitemap_and_per_crawl(crawl, crawl_settings):
    from stancewatch.demo.server import LocalServer, Response

    xml = {"Content-Type": "application/xml"}

    def app(request):
        base = f"http://{request.host}"
        if request.path == "/index.xml":
            kids = "".join(f"<sitemap><loc>{base}/sm-{k}.xml</loc></sitemap>" for k in "ab")
            return Response(200, f"<sitemapindex>{kids}</sitemapindex>".encode(), xml)
        if request.path.startswith("/sm-"):
            k = request.path[4]
            urls = "".join(f"<url><loc>{base}/news/{k}{i}</loc></url>" for i in range(30))
            return Response(200, f"<urlset>{urls}</urlset>".encode(), xml)
        return Response(404, b"gone", {"Content-Type": "text/plain"})

    with LocalServer(app) as server:
        toml = f'[[sources]]\nname = "big-sitemap"\nkind = "sitemap"\nstart_urls = ["{server.url("/index.xml")}"]\n'
        settings = crawl_settings.replace(sitemap_max_urls=20, sitemap_max_urls_per_crawl=30)
        [summary] = crawl(settings, toml)
        articles_asked = [r for r in server.requests if r.path.startswith("/news/")]
    # each sitemap read up to 20 of its 30; 30 of those 40 taken in the whole crawl
    assert summary["details"]["sitemap_capped"] == {"per_sitemap": 20, "per_crawl": 10}
    assert summary["details"]["links_seen"] == 30
    assert len({r.path for r in articles_asked}) == 30
