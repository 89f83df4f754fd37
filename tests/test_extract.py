"""Extraction and canonical URLs on saved-shape pages, without a network."""

from __future__ import annotations

import json

import pytest

from stancewatch.crawl.canonical import canonical_url, choose_canonical
from stancewatch.crawl.extract import ExtractionRefused, extract

PARAGRAPHS = [
    "Ukraine's president said on Monday that membership of the North Atlantic alliance "
    "remained the only real guarantee of security for the country after the war.",
    "Speaking to reporters in Kyiv, he said allies had to decide whether they were ready to "
    "invite Ukraine, adding that partial guarantees could not replace the alliance itself.",
    "Diplomats in Brussels said the question would come up again at the next summit, while "
    "several capitals continued to argue that no invitation could be issued during the war.",
    "Officials added that talks on security guarantees would continue in the coming weeks.",
]


def article_html(title: str = "Zelensky: NATO is our only guarantee", lang: str = "en") -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2025-12-15T09:30:00+02:00",
        "dateModified": "2025-12-15T12:00:00Z",
        "author": [{"@type": "Person", "name": "Olena Petrenko"}],
    }
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="{lang}"><head><title>{title} | Outlet</title>
<script type="application/ld+json">{json.dumps(ld)}</script>
<meta property="og:title" content="{title}">
<link rel="canonical" href="https://news.example.org/2025/12/15/nato.html">
<link rel="amphtml" href="https://news.example.org/2025/12/15/nato.amp.html">
</head><body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<article><h1>{title}</h1>{body}</article>
<aside><h3>Related</h3><a href="/a">Other story one</a><a href="/b">Other story two</a></aside>
<section id="comments"><p>Great article!!!</p></section><footer>© Outlet 2025</footer></body></html>"""


def test_article_fields_come_from_json_ld_first():
    got = extract(article_html().encode(), "https://news.example.org/2025/12/15/nato.html?x=1")
    assert got.title == "Zelensky: NATO is our only guarantee"
    assert got.author == "Olena Petrenko"
    assert got.published_at.isoformat() == "2025-12-15T07:30:00+00:00"
    assert got.modified_at.isoformat() == "2025-12-15T12:00:00+00:00"
    assert got.language == "en"
    assert got.canonical_url == "https://news.example.org/2025/12/15/nato.html"
    assert "only real guarantee of security" in got.text
    assert "cookies" not in got.text and "Great article" not in got.text
    assert not got.text.startswith("Zelensky: NATO")  # the headline is the title, not body text


def test_windows_1251_page_without_charset_is_decoded():
    text = "Президент заявив, що членство в НАТО залишається стратегічною метою України. " * 12
    html = f"<html><head><title>Новини</title></head><body><article><h1>Заголовок</h1><p>{text}</p></article></body></html>"
    got = extract(html.encode("cp1251"), "http://127.0.0.1/ua/news/1")
    assert "членство в НАТО" in got.text


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty_page"),
        ("<html><body><h1>Tag: NATO</h1><a href='/1'>One</a><a href='/2'>Two</a></body></html>",
         "too_little_text"),
        ('<html><head><script type="application/ld+json">{"@type": "CollectionPage"}</script>'
         "</head><body><p>" + "word " * 200 + "</p></body></html>", "not_an_article_page"),
    ],
)  # fmt: skip
def test_pages_that_are_not_articles_say_why(html, reason):
    with pytest.raises(ExtractionRefused) as info:
        extract(html.encode(), "http://127.0.0.1/tag/nato")
    assert info.value.reason == reason


def test_malformed_html_still_extracts():
    html = article_html().replace("</p>", "").replace("</article>", "<div><span>")
    got = extract(html.encode(), "http://127.0.0.1/x")
    assert "security guarantees would continue" in got.text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.cnbc.com/2025/12/15/a.html?utm_source=tw&utm_medium=x#top",
         "https://www.cnbc.com/2025/12/15/a.html"),
        ("https://fakty.com.ua/en/ukraine/20260106-kachka/amp/",
         "https://fakty.com.ua/en/ukraine/20260106-kachka/"),
        ("https://news.example.org/2025/12/15/nato.amp.html", "https://news.example.org/2025/12/15/nato.html"),
        ("HTTPS://News.Example.org:443/a?b=2&a=1&fbclid=zz", "https://news.example.org/a?a=1&b=2"),
        ("https://censor.net/en/news/3555/x?page=2", "https://censor.net/en/news/3555/x?page=2"),
    ],
)  # fmt: skip
def test_canonical_urls(url, expected):
    assert canonical_url(url) == expected


def test_rel_canonical_used_only_on_the_same_site():
    fetched = "https://m.censor.net/en/news/1/x?utm_campaign=a"
    assert (
        choose_canonical(fetched, "https://censor.net/en/news/1/x")
        == "https://censor.net/en/news/1/x"
    )
    assert (
        choose_canonical(fetched, "https://partner.example/1") == "https://m.censor.net/en/news/1/x"
    )
    assert choose_canonical(fetched, "/en/news/1/x") == "https://m.censor.net/en/news/1/x"


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Dec 14, 2025", "2025-12-14T00:00:00+00:00"),
        ("14 грудня 2025", "2025-12-14T00:00:00+00:00"),
        ("14 грудня 2025, 10:30", "2025-12-14T10:30:00+00:00"),
        ("14 декабря 2025", "2025-12-14T00:00:00+00:00"),
    ],
)
def test_dates_written_out_in_words_are_read(written, expected):
    html = article_html().replace('"2025-12-15T09:30:00+02:00"', json.dumps(written))
    got = extract(html.encode(), "https://news.example.org/2025/12/15/nato.html")
    assert got.published_at.isoformat() == expected
    meta = article_html().replace('"datePublished": "2025-12-15T09:30:00+02:00",', "")
    meta = meta.replace(
        "</head>", f'<meta property="article:published_time" content="{written}"></head>'
    )
    assert extract(meta.encode(), "https://x.org/a").published_at.isoformat() == expected


def test_text_that_is_no_date_stays_empty():
    from stancewatch.crawl.extract import parse_date

    assert [parse_date(t) for t in ("nonsense", "2 hours ago", "Issue 7", "x" * 500)] == [None] * 4
