"""Whole crawls of the demo site, into SQLite and PostgreSQL: what gets stored, what is
linked as a copy, what a re-crawl downloads, and how bad input is counted."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import func, select

from stancewatch.db import make_engine, session_factory
from stancewatch.demo import load_coverage
from stancewatch.models import Article, ArticleVersion, CrawlRun, FetchState

SEED_SOURCES = (
    "censor-nato-membership",
    "cnbc-world",
    "cnbc-news-sitemap",
    "aggregator",
    "fakty-en",
)
COVERAGE = {a.id: a for a in load_coverage()}
#: The CNBC story the aggregator reworded (a near duplicate) and its copy.
FEASIBLE, FEASIBLE_COPY = COVERAGE["cnbc-reuters-zelensky-feasible"], COVERAGE["aggregator-zelensky-feasible"]  # fmt: skip
#: The CNBC story the aggregator's feed links behind ``?utm_...``, with the same text.
GIVES_UP = COVERAGE["cnbc-ukraine-gives-up-nato"]


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


def served(site) -> list:
    return [a for outlet in site.outlets for a in site.articles_of(outlet)]


def test_crawl_stores_unique_articles_and_links_copies(site, crawl, crawl_settings):
    summaries = by_name(crawl(crawl_settings, site.sources_toml(only=SEED_SOURCES)))
    stored = articles(crawl_settings.database_url)
    titles = [a.title for a in stored]
    # 6 Censor items (two listing pages), 2 CNBC stories, the aggregator's reworded copy,
    # 1 FAKTY story; the aggregator's tracking-link copy is an exact duplicate: not stored
    assert len(stored) == 10, titles
    assert len(set(a.canonical_url for a in stored)) == 10
    assert not any("utm_" in a.canonical_url for a in stored)
    assert sorted(titles) == sorted(a.title for a in served(site) if not a.tracking_query)
    # the copy behind the tracking link was downloaded and dropped as the story's duplicate
    assert titles.count(GIVES_UP.title) == 1
    assert any("utm_source=" in r.path for r in site.article_requests() if r.server == "aggregator")
    assert sum(s["duplicates_exact"] for s in summaries.values()) >= 1
    # the syndicated copy (reworded headline, extra paragraph) is linked to the story
    original = next(a for a in stored if a.title == FEASIBLE.title)
    copy = next(a for a in stored if a.title == FEASIBLE_COPY.title)
    assert {original.duplicate_of_id, copy.duplicate_of_id} - {None} in ({original.id}, {copy.id})
    linked = copy if copy.duplicate_of_id else original
    assert linked.similarity >= 0.7
    # extraction: JSON-LD metadata, no boilerplate
    kachka = next(a for a in stored if "Kachka" in a.title)
    assert kachka.author == "FAKTY" and kachka.language == "en"
    assert kachka.published_at.isoformat().startswith("2026-01-06T10:35")
    assert "no one is putting NATO in brackets" in kachka.text
    for a in stored:
        assert "cookies" not in a.text and "Слава Україні" not in a.text
        assert "Advertisement" not in a.text and "Subscribe to CNBC PRO" not in a.text
    # one crawl run per source, each with its counts
    runs = scalar(crawl_settings.database_url, select(func.count()).select_from(CrawlRun))
    assert runs == len(SEED_SOURCES)
    assert summaries["censor-nato-membership"]["articles_new"] == 6
    assert all(s["status"] in {"ok", "empty"} for s in summaries.values())


def test_second_crawl_downloads_no_article_and_picks_up_a_new_one(site, crawl, crawl_settings):
    sources = site.sources_toml(only=("censor-nato-membership", "fakty-en"))
    crawl(crawl_settings, sources)
    first = len(articles(crawl_settings.database_url))
    mark = len(site.requests)
    again = by_name(crawl(crawl_settings, sources))
    assert site.article_requests(mark) == []
    assert len(articles(crawl_settings.database_url)) == first
    assert again["censor-nato-membership"]["status"] == "empty"
    assert again["censor-nato-membership"]["reason"].startswith("nothing new")
    # a new item appears at the top of the listing: only it is downloaded
    now = datetime.now(UTC).replace(microsecond=0)
    new = site.add_article(COVERAGE["censor-3595320"].with_changes(published=now))
    mark = len(site.requests)
    third = by_name(crawl(crawl_settings, sources))
    assert third["censor-nato-membership"]["articles_new"] == 1
    assert [r.path for r in site.article_requests(mark)] == [new.path]
    assert len(articles(crawl_settings.database_url)) == first + 1


def test_updated_article_is_stored_as_a_new_version(site, crawl, crawl_settings):
    sources = site.sources_toml(only=("cnbc-world",))
    crawl(crawl_settings, sources)
    site.update_article(
        FEASIBLE.id,
        [*FEASIBLE.paragraphs, "Update: the Kremlin rejected the remarks on Monday."],
        modified=datetime(2030, 1, 1, tzinfo=UTC),  # the feed's <atom:updated>
    )
    before = len(articles(crawl_settings.database_url))
    summary = by_name(crawl(crawl_settings, sources))["cnbc-world"]
    assert summary["articles_updated"] == 1 and summary["articles_new"] == 0
    stored = articles(crawl_settings.database_url)
    assert len(stored) == before
    article = next(a for a in stored if a.title == FEASIBLE.title)
    assert article.version == 2 and "Kremlin rejected" in article.text
    assert article.analyzed_at is None
    old = scalar(
        crawl_settings.database_url,
        select(ArticleVersion).where(ArticleVersion.article_id == article.id),
    )
    assert old.version == 1 and "Kremlin rejected" not in old.text


def test_feed_whose_etag_never_changes_is_caught(site, crawl, crawl_settings):
    settings = crawl_settings.replace(conditional_verify_every=2)
    # FAKTY's feed keeps its first ETag, and its server lets an If-None-Match decide alone
    # (RFC 9110): the crawler sends If-Modified-Since too, and it is ignored
    site.stuck_etag.add("fakty")
    site.etag_precedence.add("fakty")
    sources = site.sources_toml(only=("fakty-en",))
    crawl(settings, sources)
    sybiha = COVERAGE["censor-3586400"]
    site.add_article(
        outlet="fakty",
        title="Sybiha: Ukraine's course to NATO is irreversible",
        paragraphs=[*sybiha.paragraphs[:2], "The minister spoke at a briefing in Kyiv on "
                    "Wednesday after meeting the ambassadors of the allies, who asked about the "
                    "peace plan and the guarantees it offers in place of membership."],
        published=datetime(2026, 1, 7, 9, tzinfo=UTC),
    )  # fmt: skip
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


TROUBLE = {"trouble": ["all"], "only": ["trouble-all"]}  # one feed listing every trouble case


def test_bad_input_is_skipped_with_a_counted_reason(site, crawl, crawl_settings):
    summary = crawl(crawl_settings, site.sources_toml(**TROUBLE))[0]
    errors = summary["details"]["article_errors"]
    skipped = summary["details"]["skipped"]
    assert errors.get("http_500") == 1
    assert errors.get("timeout") == 1
    # "huge" announces its 20 MB in its Content-Length; "huge-stream" sends them without one
    # and is cut off at max_download_size
    assert errors.get("too_large") == 2
    assert errors.get("redirect_offsite") == 1  # to localhost: another site
    assert errors.get("bot_protection") == 1
    assert skipped == {"not_an_article_page": 1, "too_little_text": 1}  # the two galleries
    stored = articles(crawl_settings.database_url)
    # the windows-1251 page and the malformed one
    assert summary["articles_new"] == len(stored) == 2
    cyrillic = next(a for a in stored if a.url.endswith("/trouble/cp1251"))
    assert "Ніхто не відмовляється від цього курсу" in cyrillic.text
    malformed = next(a for a in stored if a.url.endswith("/trouble/malformed"))
    assert "Ukraine sees NATO as a guarantor of its territorial integrity" in malformed.text
    assert all(a.text and a.content_hash for a in stored)
    run = scalar(crawl_settings.database_url, select(CrawlRun))
    assert run.status == "ok" and run.errors == summary["errors"] >= 6
    assert json.loads(run.details)["article_errors"]["timeout"] == 1


def test_blocked_source_says_robots(site, crawl, crawl_settings):
    site.outlets["trouble"].robots = "User-agent: *\nDisallow: /\n"
    summary = crawl(crawl_settings, site.sources_toml(**TROUBLE))[0]
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
    summary = crawl(settings, site.sources_toml(only=("censor-nato-membership",)))[0]
    assert summary["articles_new"] == 6
    assert summary["details"]["cpu_ms"]["extract"] > 0
    bodies = {a.title: a.paragraphs for a in site.articles_of("censor")}
    for a in articles(settings.database_url):  # each body extracted whole
        assert all(p in a.text for p in bodies[a.title]), a.title


def test_search_finds_stored_articles_by_words(site, crawl, crawl_settings, runner):
    from stancewatch.cli import cli

    crawl(crawl_settings, site.sources_toml(only=("censor-nato-membership",)))
    url = crawl_settings.database_url
    fico = COVERAGE["censor-3564100"]
    result = runner.invoke(
        cli, ["--database-url", url, "search", "fico slovak", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["title"] for r in rows] == [fico.title]
    assert rows[0]["source"] == "censor-nato-membership" and rows[0]["published"] == "2024-11-19"
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
