"""Feed and sitemap parsing, and why a crawl found nothing."""

from __future__ import annotations

from stancewatch.crawl.entries import parse_feed, parse_feed_page, parse_sitemap
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


def test_a_paged_or_archived_feed_links_its_older_pages():
    """RFC 5005: ``next`` (paged) and ``prev-archive`` (archived) lead back in time, relative
    links resolved; ``previous``, ``next-archive``, ``self`` and entries' links do not count."""
    paged = RSS.replace(
        b"<channel>",
        b'<channel><atom:link rel="self" href="/feed"/><atom:link rel="previous" href="/feed?p=1"/>'
        b'<atom:link rel="next" href="/feed?p=3"/>',
    )
    page = parse_feed_page(paged, "https://x.org/feed?p=2")
    assert page is not None and page.older == ["https://x.org/feed?p=3"]
    assert [e.url for e in page.entries] == [e.url for e in parse_feed(RSS, "https://x.org/")]
    archived = ATOM.replace(
        b"<entry>",
        b'<link rel="prev-archive" href="2025-11.xml"/><link rel="next-archive" href="2026-01.xml"/>'
        b'<entry><link rel="next" href="/not-the-feed"/>',
    )
    page = parse_feed_page(archived, "https://x.org/archive/2025-12.xml")
    assert page is not None and page.older == ["https://x.org/archive/2025-11.xml"]
    assert parse_feed_page(RSS, "https://x.org/feed").older == []
    assert parse_feed_page(b"<html><body>no feed</body></html>", "https://x.org/") is None


def test_html_is_not_a_feed_and_broken_xml_is_tolerated():
    assert parse_feed(b"<html><body>Just a moment...</body></html>", "https://x.org/") is None
    broken = RSS.replace(b"</channel></rss>", b"")
    assert len(parse_feed(broken, "https://x.org/feed")) == 2


def test_news_sitemap_and_index():
    page = parse_sitemap(SITEMAP, "https://x.org/sitemap.xml", 100)
    entries = page.entries
    assert entries[0].url == "https://x.org/s" and not page.children
    assert entries[0].published.isoformat() == "2025-12-15T10:00:00+00:00"
    assert entries[0].modified.day == 16
    index = parse_sitemap(INDEX, "https://x.org/", 100)
    assert (index.entries, index.children) == ([], ["https://x.org/sm-1.xml"])
    assert parse_sitemap(b"<html><body>Just a moment</body></html>", "https://x.org/", 9) is None
    assert parse_sitemap(b"", "https://x.org/", 9) is None


def test_a_sitemap_is_read_up_to_its_cap_and_the_rest_counted():
    urls = "".join(f"<url><loc>https://x.org/{i}</loc></url>" for i in range(1000))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    page = parse_sitemap(body.encode(), "https://x.org/sitemap.xml", 10)
    assert [e.url for e in page.entries] == [f"https://x.org/{i}" for i in range(10)]
    assert page.dropped == 990
    children = "".join(f"<sitemap><loc>/sm-{i}.xml</loc></sitemap>" for i in range(50))
    index = f"<sitemapindex>{children}</sitemapindex>".encode()
    capped = parse_sitemap(index, "https://x.org/", 5)
    assert capped.children[-1] == "https://x.org/sm-4.xml" and capped.dropped == 45


def test_feed_edge_cases_that_feedparser_handles():
    # a cp1251 feed declared in its XML prolog, an RSS 0.91 feed, entities, a relative link
    cp1251 = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item>'
        "<title>Новини НАТО</title><link>/uk/news/1</link>"
        "<pubDate>Sun, 14 Dec 2025 09:00:00 +0200</pubDate></item></channel></rss>"
    ).encode("cp1251")
    [entry] = parse_feed(cp1251, "https://x.com.ua/rss")
    assert entry.url == "https://x.com.ua/uk/news/1"
    assert entry.published.isoformat() == "2025-12-14T07:00:00+00:00"
    rss091 = b"""<rss version="0.91"><channel><item><title>T &amp; U</title>
    <link>https://x.org/91</link></item></channel></rss>"""
    assert [e.url for e in parse_feed(rss091, "https://x.org/")] == ["https://x.org/91"]
    # an Atom entry's non-URL id is not a link; its alternate link is
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:uuid:1</id>
    <link rel="alternate" href="https://x.org/e"/><published>2025-12-14T08:00:00+01:00</published>
    </entry><entry><id>tag:x.org,2025:2</id></entry></feed>"""
    [only] = parse_feed(atom, "https://x.org/atom")
    assert (only.url, only.published.hour) == ("https://x.org/e", 7)
    # xml:base resolves relative links (the hand-written parser dropped them)
    based = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.org/news/">
    <entry><link href="a-story"/><updated>2025-12-14T08:00:00Z</updated></entry></feed>"""
    assert [e.url for e in parse_feed(based, "https://x.org/atom")] == [
        "https://x.org/news/a-story"
    ]


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
