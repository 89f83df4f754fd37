"""Feed and sitemap parsing, and why a crawl found nothing."""

from __future__ import annotations

from stancewatch.crawl.entries import parse_feed, parse_sitemap
from stancewatch.crawl.summary import summarise

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<item><title>A</title><link>https://x.org/2025/12/15/a.html</link>
<pubDate>Mon, 15 Dec 2025 10:00:00 GMT</pubDate><atom:updated>2025-12-16T08:00:00Z</atom:updated></item>
<item><title>B</title><guid>https://x.org/b</guid></item></channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/c"/>
<updated>2025-12-15T10:00:00Z</updated></entry></feed>"""
RDF = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
xmlns:dc="http://purl.org/dc/elements/1.1/"><item><link>https://dw.example/d</link>
<dc:date>2025-12-15T10:00:00Z</dc:date></item></rdf:RDF>"""
SITEMAP = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.org/s</loc>
<lastmod>2025-12-16T00:00:00Z</lastmod><news:news><news:publication_date>2025-12-15T10:00:00Z
</news:publication_date></news:news></url></urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.org/sm-1.xml</loc></sitemap></sitemapindex>"""


def test_rss_atom_and_rdf_entries_with_dates():
    rss = parse_feed(RSS, "https://x.org/feed")
    assert [e.url for e in rss] == ["https://x.org/2025/12/15/a.html", "https://x.org/b"]
    assert rss[0].published.isoformat() == "2025-12-15T10:00:00+00:00"
    assert rss[0].modified.isoformat() == "2025-12-16T08:00:00+00:00"
    assert parse_feed(ATOM, "https://x.org/atom")[0].url == "https://x.org/c"
    assert parse_feed(RDF, "https://dw.example/rss")[0].published.day == 15


def test_html_is_not_a_feed_and_broken_xml_is_tolerated():
    assert parse_feed(b"<html><body>Just a moment...</body></html>", "https://x.org/") is None
    broken = RSS.replace(b"</channel></rss>", b"")
    assert len(parse_feed(broken, "https://x.org/feed")) == 2


def test_news_sitemap_and_index():
    entries, children = parse_sitemap(SITEMAP, "https://x.org/sitemap.xml")
    assert entries[0].url == "https://x.org/s" and not children
    assert entries[0].published.isoformat() == "2025-12-15T10:00:00+00:00"
    assert entries[0].modified.day == 16
    assert parse_sitemap(INDEX, "https://x.org/") == ([], ["https://x.org/sm-1.xml"])


def test_verdicts_distinguish_blocked_from_down():
    blocked = summarise("a", {"stancewatch/errors/index/robots_txt": 1})
    assert (blocked.status, blocked.reason) == ("blocked", "blocked: robots_txt x1")
    down = summarise(
        "b", {"stancewatch/errors/index/timeout": 1, "stancewatch/errors/index/http_500": 1}
    )
    assert down.status == "down" and "timeout" in down.reason
    empty = summarise("c", {"stancewatch/index/fetched": 1, "stancewatch/index/feed_empty": 1})
    assert (empty.status, empty.reason) == ("empty", "feed empty: no entries")
    nomatch = summarise(
        "d", {"stancewatch/index/fetched": 1, "stancewatch/index/no_matching_links": 1}
    )
    assert nomatch.reason == "no article links matched the pattern"
    ok = summarise("e", {"stancewatch/index/fetched": 1, "stancewatch/stored/new": 2})
    assert (ok.status, ok.articles_new) == ("ok", 2)


def test_a_missing_feed_is_gone_and_an_oversized_one_too_large_not_down():
    gone = summarise("g", {"stancewatch/errors/index/http_404": 1})
    assert (gone.status, gone.reason) == ("gone", "gone: the start URL is not found (http_404 x1)")
    assert summarise("h", {"stancewatch/errors/index/http_410": 2}).status == "gone"
    big = summarise("i", {"stancewatch/errors/index/too_large": 1})
    assert (big.status, big.reason) == (
        "too_large",
        "index page too large (max_download_size): too_large x1",
    )
    pages = summarise(
        "j",
        {
            "stancewatch/index/fetched": 1,
            "stancewatch/links/seen": 2,
            "stancewatch/errors/article/too_large": 2,
        },
    )
    assert (pages.status, pages.reason) == ("too_large", "article pages too large: too_large x2")
    # a 404 next to a timeout is still a site in trouble, not an address to fix
    mixed = summarise(
        "k", {"stancewatch/errors/index/http_404": 1, "stancewatch/errors/index/timeout": 1}
    )
    assert mixed.status == "down"
