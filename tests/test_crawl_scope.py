"""What a crawled site can make the crawler fetch: http(s) on the source's own site, nothing else.

A real hostile site on 127.0.0.1 lists ``file://`` (a local file with a password line),
``ftp://`` and another port of the same host in its sitemap index, sitemap, listing and feed, and
redirects to ``file://``, ``ftp://`` and another port. Nothing of them may be fetched or stored.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import select

from stancewatch.crawl.canonical import choose_canonical
from stancewatch.crawl.scope import SiteScope
from stancewatch.db import make_engine, session_factory
from stancewatch.demo import CoverageArticle, load_coverage, new_article
from stancewatch.demo.outlets.base import generic_article_page
from stancewatch.demo.server import LocalServer, Request, Response
from stancewatch.models import Article, ArticleVersion
from stancewatch.sources import parse_sources, registered_domain

SECRET = "root_password=hunter2-fixture-secret"
OTHER_PORT = "Story served on the other port only"
HTML = {"Content-Type": "text/html; charset=utf-8"}
#: Stories of the demo coverage the pages carry (long enough for the extractor).
STORIES = {a.id: a for a in load_coverage()}
GOOD = [STORIES[k] for k in ("cnbc-reuters-zelensky-feasible", "fakty-kachka", "censor-4148720")]
OTHER_STORY = STORIES["cnbc-ukraine-gives-up-nato"]


def _article_response(a: CoverageArticle, url: str) -> Response:
    return Response(200, generic_article_page(a, url, "Hostile").encode(), HTML)


class HostileSite:
    """The site (one port), a second server on another port of 127.0.0.1, a secret file."""

    def __init__(self, tmp: Path) -> None:
        self.secret = tmp / "secret.html"
        leak = new_article("local", "Local file", [SECRET, *GOOD[0].paragraphs])
        self.secret.write_text(generic_article_page(leak, "file:///", "Local"), encoding="utf-8")
        self.other = LocalServer(self._other, name="other-port")
        self.main = LocalServer(self._main, name="hostile")

    def __enter__(self) -> HostileSite:
        self.other.start()
        self.main.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.main.stop()
        self.other.stop()

    def bad_links(self) -> list[str]:
        """Every way out: file (with and without a host), ftp, the other port, redirects."""
        b = self.main.base
        return [
            f"file://127.0.0.1{self.secret}",
            f"file://{self.secret}",
            f"ftp://127.0.0.1:{self.main.port}/news/ftp",
            f"{self.other.base}/news/other-port",
            f"{b}/news/to-file",
            f"{b}/news/to-ftp",
            f"{b}/news/to-port",
        ]

    def _other(self, request: Request) -> Response:
        story = new_article("other-port", OTHER_PORT, [OTHER_PORT, *OTHER_STORY.paragraphs])
        return _article_response(story, self.other.url(request.path))

    def _main(self, request: Request) -> Response:
        b = self.main.base
        good = {
            f"/news/good-{k}": a for k, a in zip(("sitemap", "listing", "feed"), GOOD, strict=True)
        }
        bad = self.bad_links()
        if request.path == "/sitemap-index.xml":
            children = [f"file://127.0.0.1{self.secret}", "ftp://127.0.0.1/sitemap.xml",
                        f"{self.other.base}/sitemap.xml", f"{b}/sitemap.xml"]  # fmt: skip
            locs = "".join(f"<sitemap><loc>{html.escape(u)}</loc></sitemap>" for u in children)
            body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
            return Response(200, body.encode(), {"Content-Type": "application/xml"})
        if request.path == "/sitemap.xml":
            urls = [*bad, f"{b}/news/good-sitemap"]
            locs = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            return Response(200, body.encode(), {"Content-Type": "application/xml"})
        if request.path == "/list/":
            links = "".join(
                f'<li><a href="{html.escape(u)}">x</a></li>' for u in [*bad, "/news/good-listing"]
            )
            return Response(200, f"<html><body><ul>{links}</ul></body></html>".encode(), HTML)
        if request.path == "/feed.xml":
            items = "".join(f"<item><title>x</title><link>{html.escape(u)}</link></item>"
                            for u in [*bad, f"{b}/news/good-feed"])  # fmt: skip
            body = f'<rss version="2.0"><channel>{items}</channel></rss>'
            return Response(200, body.encode(), {"Content-Type": "application/rss+xml"})
        redirects = {
            "/news/to-file": f"file://{self.secret}",
            "/news/to-ftp": f"ftp://127.0.0.1:{self.main.port}/news/ftp",
            "/news/to-port": f"{self.other.base}/news/other-port",
        }
        if request.path in redirects:
            return Response(302, b"", {"Location": redirects[request.path]})
        if request.path in good:
            return _article_response(good[request.path], self.main.url(request.path))
        return Response(404, b"not found", {"Content-Type": "text/plain"})

    def sources_toml(self) -> str:
        b = self.main.base
        return "".join(
            f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nstart_urls = ["{b}{path}"]\n'
            for name, kind, path in (
                ("h-sitemap", "sitemap", "/sitemap-index.xml"),
                ("h-listing", "listing", "/list/"),
                ("h-feed", "feed", "/feed.xml"),
            )
        )


def _stored(db_url: str) -> tuple[list[Article], list[ArticleVersion]]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(Article))), list(s.scalars(select(ArticleVersion)))
    engine.dispose()
    return rows


def test_hostile_links_and_redirects_are_refused_and_counted(tmp_path, crawl, crawl_settings):
    with HostileSite(tmp_path) as site:
        summaries = {s["source"]: s for s in crawl(crawl_settings, site.sources_toml())}
        other_port_requests = list(site.other.requests)
        base = site.main.base
    articles, versions = _stored(crawl_settings.database_url)
    # only the three good pages, each from its own path into the crawl
    assert sorted(a.url for a in articles) == sorted(
        f"{base}/news/good-{k}" for k in ("sitemap", "listing", "feed")
    )
    for row in [*articles, *versions]:
        assert SECRET not in (getattr(row, "text", "") or "")
        assert OTHER_PORT not in (getattr(row, "title", "") or "")
    if crawl_settings.database_url.startswith("sqlite"):
        db_file = Path(crawl_settings.database_url.removeprefix("sqlite:///"))
        for path in db_file.parent.glob(db_file.name + "*"):  # the file and its WAL
            assert SECRET.encode() not in path.read_bytes(), path
    # not one request reached the other port, not even for robots.txt
    assert other_port_requests == []
    for name in ("h-sitemap", "h-listing", "h-feed"):
        details = summaries[name]["details"]
        refused_links = details["links_refused"]
        # file:// twice and ftp:// once are dropped as links; the other port as a link too
        assert refused_links.get("links/refused/scheme") == 3, (name, details)
        assert refused_links.get("links/refused/other_port") == 1, (name, details)
        errors = details["article_errors"]
        assert errors.get("redirect_scheme") == 2, (name, errors)  # to file://, to ftp://
        assert errors.get("redirect_other_port") == 1, (name, errors)
        assert details["refused"] == {"redirect_scheme": 2, "redirect_other_port": 1}
    index = summaries["h-sitemap"]["details"]["links_refused"]
    assert index.get("sitemap/refused/scheme") == 2 and index.get("sitemap/refused/other_port") == 1


@pytest.mark.parametrize(
    "url, refusal",
    [
        ("http://127.0.0.1:8080/news/1", None),
        ("https://127.0.0.1/news/1", "other_port"),  # a site on :8080 is not also on :443
        ("http://127.0.0.1/admin", "other_port"),
        ("http://127.0.0.1:8081/news/1", "other_port"),
        ("http://127.0.0.1:22/", "other_port"),
        ("file://127.0.0.1/etc/passwd", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://127.0.0.1:8080/x", "scheme"),
        ("data:text/html,<p>hi</p>", "scheme"),
        ("s3://bucket/key", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://localhost:8080/", "offsite"),
        ("http://127.0.0.1:notaport/", "other_port"),
    ],
)
def test_scope_of_a_site_on_a_port(url, refusal):
    scope = SiteScope.of(["127.0.0.1"], ["http://127.0.0.1:8080/feed"])
    assert scope.refusal(url) == refusal


def test_a_site_on_a_default_port_moves_between_http_and_https_only():
    scope = SiteScope.of(["fakty.com.ua"], ["https://fakty.com.ua/en/feed/"])
    assert scope.refusal("http://fakty.com.ua/en/1/") is None
    assert scope.refusal("https://fakty.com.ua:443/en/1/") is None
    assert scope.refusal("https://fakty.com.ua:8443/en/1/") == "other_port"


def test_same_site_is_the_registered_domain_not_the_last_two_labels():
    scope = SiteScope.of(["fakty.com.ua"], ["https://fakty.com.ua/en/feed/"])
    assert scope.refusal("https://www.fakty.com.ua/en/ukraine/1/") is None
    assert scope.refusal("https://evil.com.ua/en/ukraine/1/") == "offsite"
    assert scope.refusal("https://com.ua/") == "offsite"
    bbc = SiteScope.of(["feeds.bbci.co.uk", "www.bbc.co.uk"], ["https://feeds.bbci.co.uk/x"])
    assert bbc.refusal("https://www.bbc.co.uk/news/1") is None
    assert bbc.refusal("https://www.itv.co.uk/news/1") == "offsite"
    # rel=canonical is followed on the same registered domain only
    fetched = "https://fakty.com.ua/en/ukraine/1-x/"
    assert choose_canonical(fetched, "https://evil.com.ua/1") == fetched
    assert (
        choose_canonical(fetched, "https://www.fakty.com.ua/en/1/")
        == "https://www.fakty.com.ua/en/1/"
    )


def test_tldextract_works_offline_without_cache_files(tmp_path, monkeypatch):
    """No download of the public suffix list, no cache written (a crawl host may be offline)."""
    import socket

    from stancewatch import sources

    def no_network(*args, **kwargs):
        raise AssertionError("tldextract tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    sources._extractor.cache_clear()
    try:
        assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
        assert registered_domain("WWW.Fakty.com.ua.") == "fakty.com.ua"
        assert registered_domain("127.0.0.1") == "127.0.0.1"
    finally:
        sources._extractor.cache_clear()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "extra, message",
    [
        ('allowed_domains = ["com.ua"]', "allowed_domains: 'com.ua' is a public suffix, not a site"),
        ('allowed_domains = ["https://fakty.com.ua/"]', "allowed_domains: not a host name: 'https://fakty.com.ua/'"),
        ('allowed_domains = ["other.org"]', "start URL 'https://fakty.com.ua/en/feed/' is not on its allowed_domains"),
    ],
)  # fmt: skip
def test_sources_toml_rejects_a_scope_wider_or_other_than_the_site(extra, message):
    from stancewatch.errors import ConfigError

    text = f'[[sources]]\nname = "f"\nkind = "feed"\nstart_urls = ["https://fakty.com.ua/en/feed/"]\n{extra}\n'
    with pytest.raises(ConfigError) as err:
        parse_sources(text, "s.toml")
    assert str(err.value) == f"s.toml: source #1 ('f'): {message}"
