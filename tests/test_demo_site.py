"""The demo news site serves real outlet shapes, conditional GETs and every trouble case."""

from __future__ import annotations

import http.client
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from stancewatch.demo import DemoSite, load_coverage
from stancewatch.demo.outlets.trouble import HUGE_BYTES
from stancewatch.sources import parse_sources

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def get(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET, without following redirects."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
        )
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def json_ld_types(body: bytes) -> list[str]:
    doc = html.fromstring(body)
    return [json.loads(s.text)["@type"] for s in doc.xpath('//script[@type="application/ld+json"]')]


@pytest.fixture(scope="module")
def site():
    with DemoSite(phase=3, page_size=20, slow_seconds=5.0) as s:
        yield s


def test_coverage_has_the_phases_and_syndicated_copies():
    articles = load_coverage()
    assert {a.phase for a in articles} == {1, 2, 3}
    copies = [a for a in articles if a.copy_of]
    by_id = {a.id: a for a in articles}
    exact = [c for c in copies if c.tracking_query]
    near = [c for c in copies if not c.tracking_query]
    assert exact and all(c.paragraphs == by_id[c.copy_of].paragraphs for c in exact)
    for c in near:
        original = by_id[c.copy_of]
        assert c.outlet != original.outlet and c.title != original.title
        words = {re.sub(r"\W+", " ", p.lower()) for p in original.paragraphs}
        assert len({re.sub(r"\W+", " ", p.lower()) for p in c.paragraphs} - words) == 1
    kachka = by_id["fakty-kachka"]
    assert "No one renounces this course and does not delay it" in kachka.text()


def test_censor_listing_paginates_and_links_articles(site):
    status, headers, body = get(site.url("censor", "/en/tag/3327/nato_membership"))
    assert status == 200 and headers["etag"] and headers["last-modified"]
    doc = html.fromstring(body)
    assert doc.xpath('//span[@class="views"]') and doc.xpath('//div[@class="trend"]')
    assert any("Зеленський" in c for c in doc.xpath("//figcaption/text()"))
    seen, url = [], site.url("censor", "/en/tag/3327/nato_membership")
    while url:
        status, _, body = get(url)
        assert status == 200
        doc = html.fromstring(body)
        seen += doc.xpath('//article[@class="news-line"]//h3/a/@href')
        nxt = doc.xpath('//link[@rel="next"]/@href')
        url = nxt[0] if nxt else None
    assert len(seen) == len(set(seen)) == len(site.articles_of("censor"))
    assert any("/en/resonance/" in p for p in seen)
    status, _, body = get(site.url("censor", seen[0]))
    assert status == 200 and json_ld_types(body) == ["NewsArticle"]
    assert b'class="comments"' in body and b"cookie" in body


@pytest.mark.parametrize(
    ("outlet", "path"),
    [
        ("cnbc", "/id/100727362/device/rss/rss.html"),
        ("fakty", "/en/feed/"),
        ("aggregator", "/rss.xml"),
    ],
)
def test_feeds_link_article_pages_with_json_ld(site, outlet, path):
    status, headers, body = get(site.url(outlet, path))
    assert status == 200 and "rss" in headers["content-type"]
    links = etree.fromstring(body).xpath("//item/link/text()")
    assert len(links) == len(site.articles_of(outlet)) > 0
    for link in links:
        status, _, page = get(link)
        assert status == 200 and json_ld_types(page) == ["NewsArticle"]


def test_cnbc_sitemap_amp_and_robots(site):
    status, _, body = get(site.url("cnbc", "/sitemap_news.xml"))
    tree = etree.fromstring(body)
    assert status == 200 and tree.xpath("//news:publication_date", namespaces=NS)
    loc = tree.xpath("//sm:loc/text()", namespaces=NS)[0]
    _, _, page = get(loc)
    doc = html.fromstring(page)
    assert doc.xpath('//link[@rel="canonical"]/@href') == [loc]
    assert doc.xpath('//meta[@property="article:published_time"]/@content')
    assert doc.xpath('//meta[@name="author"]/@content')
    amp = doc.xpath('//link[@rel="amphtml"]/@href')[0]
    status, _, amp_page = get(amp)
    assert status == 200 and html.fromstring(amp_page).xpath('//link[@rel="canonical"]/@href') == [
        loc
    ]
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    robots.parse(get(site.url("cnbc", "/robots.txt"))[2].decode().splitlines())
    assert not robots.can_fetch("Scrapy/2.11", loc) and not robots.can_fetch("news-please", loc)
    assert robots.can_fetch("stancewatch/0.1 (+https://example.org)", loc)


def test_aggregator_tracking_link_is_an_exact_copy(site):
    links = etree.fromstring(get(site.url("aggregator", "/rss.xml"))[2]).xpath("//item/link/text()")
    tracked = [u for u in links if "utm_source=" in u]
    assert len(tracked) == 1
    copy = html.fromstring(get(tracked[0])[2]).xpath('string(//div[@class="story"])')
    original = site.article("cnbc-ukraine-gives-up-nato")
    page = html.fromstring(get(site.url("cnbc", original.path))[2])
    assert copy == page.xpath('string(//div[@class="ArticleBody-articleBody"])')


def test_conditional_get_and_changes():
    with DemoSite(phase=1) as site:
        feed = site.url("cnbc", "/id/100727362/device/rss/rss.html")
        _, headers, body = get(feed)
        validators = {
            "If-None-Match": headers["etag"],
            "If-Modified-Since": headers["last-modified"],
        }
        assert get(feed, validators)[0] == 304
        assert get(feed, {"If-None-Match": headers["etag"]})[0] == 304
        site.requests.clear()
        new = site.publish_phase(2)
        assert any(a.outlet == "cnbc" for a in new)
        status, headers2, body2 = get(feed, validators)
        assert status == 200 and headers2["etag"] != headers["etag"]
        first = etree.fromstring(body2).xpath("//item/link/text()")[0]
        assert first.endswith(
            "/2025/12/15/ukraine-gives-up-joining-nato-in-bid-to-shift-the-dial-in-peace-talks.html"
        )
        assert site.requests == [("cnbc", "GET", urlsplit(feed).path, 200, site.requests[0][4])]
        assert site.requests[0][4]["if-none-match"] == headers["etag"]
        sitemap = site.url("cnbc", "/sitemap_news.xml")
        before = etree.fromstring(get(sitemap)[2]).xpath("//sm:lastmod/text()", namespaces=NS)
        site.update_article("cnbc-reuters-zelensky-feasible", ["A new paragraph."])
        after = etree.fromstring(get(sitemap)[2]).xpath("//sm:lastmod/text()", namespaces=NS)
        assert max(after) > max(before)


def test_stuck_etag_keeps_etag_while_content_changes():
    with DemoSite(phase=2, stuck_etag=["fakty"]) as site:
        feed = site.url("fakty", "/en/feed/")
        _, headers, body = get(feed)
        assert b"<item>" not in body
        site.publish_phase(3)
        _, headers2, body2 = get(feed)
        assert headers2["etag"] == headers["etag"] and body2 != body
        assert headers2["last-modified"] != headers["last-modified"]
        assert get(feed, {"If-None-Match": headers["etag"]})[0] == 304  # the bug
        both = {"If-None-Match": headers["etag"], "If-Modified-Since": headers["last-modified"]}
        assert get(feed, both)[0] == 200
        site.etag_precedence.add("fakty")  # RFC 9110: If-None-Match decides alone
        assert get(feed, both)[0] == 304


def test_trouble_cases(site):
    assert get(site.trouble_url("error500"))[0] == 500
    status, _, body = get(site.trouble_url("blocked"))
    assert status == 403 and b"blocked" in body
    status, headers, body = get(site.trouble_url("cp1251"))
    assert headers["content-type"] == "text/html" and b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Качка" in body.decode("windows-1251")
    status, headers, _ = get(site.trouble_url("redirect"))
    assert status == 301 and urlsplit(headers["location"]).hostname == "localhost"
    assert get(headers["location"].replace("localhost", "127.0.0.1"))[0] == 200
    body = get(site.trouble_url("nonarticle"))[2]
    doc = html.fromstring(body)
    assert doc.xpath("//img") and not doc.xpath("//p") and json_ld_types(body) == []
    gallery = get(site.trouble_url("gallery"))[2]
    assert json_ld_types(gallery) == ["ImageGallery"] and b"<p>" not in gallery
    assert b"</h2>" in get(site.trouble_url("malformed"))[2]
    assert etree.fromstring(get(site.trouble_url("empty"))[2]).xpath("//item") == []
    items = etree.fromstring(get(site.trouble_feed("cp1251"))[2]).xpath("//item/link/text()")
    assert items == [site.trouble_url("cp1251")]
    status, headers, body = get(site.trouble_url("huge"), timeout=30)
    assert int(headers["content-length"]) == len(body) == HUGE_BYTES
    status, headers, body = get(site.trouble_url("huge-stream"), timeout=30)
    assert "content-length" not in headers and len(body) == HUGE_BYTES


def test_slow_page_times_out_without_blocking_others_or_stop():
    site = DemoSite(phase=1, slow_seconds=60).start()
    port = site.port("censor")
    try:
        with pytest.raises(TimeoutError):
            get(site.trouble_url("slow"), timeout=0.5)
        assert get(site.url("trouble", "/feed/all.xml"))[0] == 200
    finally:
        started = time.monotonic()
        site.stop()
    assert time.monotonic() - started < 5
    with pytest.raises(ConnectionError):
        get(f"http://127.0.0.1:{port}/")


def test_sources_toml_loads_and_names_the_outlets(site):
    sources = parse_sources(site.sources_toml(trouble=["error500", "cp1251"]), "demo")
    names = [s.name for s in sources]
    assert names[:5] == [
        "censor-nato-membership",
        "cnbc-world",
        "cnbc-news-sitemap",
        "fakty-en",
        "aggregator",
    ]
    assert {"trouble-error500", "trouble-cp1251"} <= set(names)
    for s in sources:
        assert get(s.start_urls[0])[0] == 200
    only = parse_sources(site.sources_toml(trouble=["all"], only=["fakty-en", "trouble-all"]), "x")
    assert [s.name for s in only] == ["fakty-en", "trouble-all"]
    with pytest.raises(KeyError, match="no demo source trouble-al"):
        site.sources_toml(only=["trouble-al"])


def test_article_requests_and_delay(site):
    mark = len(site.requests)
    a = site.articles_of("fakty")[0]
    get(site.url("fakty", "/en/feed/"))
    get(site.url("fakty", "/robots.txt"))
    get(site.url("fakty", a.path))
    assert [r.path for r in site.article_requests(mark)] == [a.path]
    site.delay = 0.5
    try:
        started = time.monotonic()
        assert get(site.url("fakty", "/en/feed/"))[0] == 200
        assert time.monotonic() - started >= 0.5
    finally:
        site.delay = 0.0
