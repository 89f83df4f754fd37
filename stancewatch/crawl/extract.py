"""Article extraction: main text with trafilatura, metadata from JSON-LD and OpenGraph first.

A pure function of (body, url, declared encoding), so it can run in a worker process off the
Scrapy reactor. Pages that are not articles raise :class:`ExtractionRefused` with a short
reason, which the crawl counts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import charset_normalizer
import lxml.html
import trafilatura
from dateparser.date import DateDataParser
from lxml import etree
from trafilatura.settings import Document

from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.pipelines import NotAnArticle, Step

#: Fewer words than this in the main text: not an article (tag page, gallery, error page).
MIN_WORDS = 60
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
                  "blogposting", "opinionnewsarticle", "backgroundnewsarticle", "report"}  # fmt: skip
_LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "imagegallery",
                  "mediagallery", "profilepage", "webpage"}  # fmt: skip


class ExtractionRefused(Exception):
    """The page is fetched fine but holds no article; ``reason`` is a short counter name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Extracted:
    title: str
    text: str
    author: str | None
    language: str | None
    published_at: datetime | None
    modified_at: datetime | None
    canonical_url: str | None
    amp_url: str | None
    cpu_ms: float


def decode_body(body: bytes, declared: str | None) -> str:
    """Decode with the declared charset, else detect it (a windows-1251 page without a
    charset header must not turn into mojibake)."""
    if declared:
        try:
            return body.decode(declared, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(body[:200_000]).best()
        encoding = best.encoding if best is not None else "cp1252"
        return body.decode(encoding, errors="replace")


#: Languages of written-out dates ("Dec 14, 2025", "14 грудня 2025"): those of the outlets we
#: read. A closed list keeps dateparser fast (auto-detection tries ~200 languages: seconds).
DATE_LANGUAGES = ("en", "uk", "ru", "de", "fr", "pl")
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",  # a date without a zone is taken as UTC, as ISO dates are
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    # absolute dates only: "2 hours ago" on a page says nothing without the time it was said
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def parse_date(value: object) -> datetime | None:
    """A date as pages and feeds write it, to an aware UTC datetime; None if unparsable.

    ISO 8601 first (most metadata; fast), then dateparser for dates written out in words or
    with slashes, in the :data:`DATE_LANGUAGES`."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        try:
            dt = datetime.strptime(text[:10], "%Y-%m-%d")
        except ValueError:
            found = _written_date(value.strip())
            if found is None:
                return None
            dt = found
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


@cache
def _date_parser() -> DateDataParser:
    return DateDataParser(languages=list(DATE_LANGUAGES), settings=_DATEPARSER_SETTINGS)


def _written_date(text: str) -> datetime | None:
    """dateparser on short text that names a year (anything else is no date: skip the work)."""
    if len(text) > 100 or not _YEAR.search(text):
        return None
    return _date_parser().get_date_data(text).date_obj


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict]:
    """All JSON-LD objects of the page, flattening @graph and lists."""
    found: list[dict] = []
    for node in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(node)
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _types(obj: dict) -> set[str]:
    t = obj.get("@type", "")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def _author_name(value: object) -> str | None:
    """JSON-LD author: a string, an object with a name, or a list; URLs are not names."""
    if isinstance(value, list):
        names = [n for n in (_author_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _author_name(value.get("name"))
    if isinstance(value, str) and value.strip() and not value.startswith("http"):
        return value.strip()
    return None


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if values and values[0].strip():
                return values[0].strip()
    return None


def _link_rel(tree: lxml.html.HtmlElement, rel: str) -> str | None:
    values = tree.xpath(f'//link[@rel="{rel}"]/@href')
    return values[0].strip() if values and values[0].strip() else None


def _same(a: str, b: str) -> bool:
    norm = lambda t: " ".join(re.findall(r"\w+", t.casefold()))  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


def _drop_leading_title(text: str, titles: list[str]) -> str:
    """The headline is stored as the title; a copy of it as the body's first line would be read
    twice by the stance engine and counted as body text."""
    first, _, rest = text.strip().partition("\n")
    if rest and any(_same(first, t) for t in titles if t):
        return rest.strip()
    return text


def extract(body: bytes, url: str, declared_encoding: str | None = None) -> Extracted:
    """Extract one article, or raise ExtractionRefused(reason)."""
    started = time.process_time()
    html = decode_body(body, declared_encoding)
    if not html.strip():
        raise ExtractionRefused("empty_page")
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        raise ExtractionRefused("unparsable_html") from None
    objects = _json_ld(tree)
    article_ld = next((o for o in objects if _types(o) & _ARTICLE_TYPES), None)
    if article_ld is None and any(_types(o) & _LISTING_TYPES for o in objects):
        if _meta(tree, "og:type") != "article":
            raise ExtractionRefused("not_an_article_page")
    # Metadata first: trafilatura prunes the tree it is given.
    ld: dict = article_ld or {}
    meta_title = ld.get("headline") or _meta(tree, "og:title")
    author = _author_name(ld.get("author")) or _author_name(_meta(tree, "author", "article:author"))
    published = parse_date(ld.get("datePublished")) or parse_date(
        _meta(tree, "article:published_time", "datePublished", "pubdate", "date")
    )
    modified = parse_date(ld.get("dateModified")) or parse_date(
        _meta(tree, "article:modified_time", "dateModified", "og:updated_time")
    )
    lang = tree.get("lang") or _meta(tree, "og:locale", "language", "content-language")
    canonical = _link_rel(tree, "canonical") or _meta(tree, "og:url")
    amp = _link_rel(tree, "amphtml")
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    assert doc is None or isinstance(doc, Document)  # as_dict=False
    text = (doc.text if doc is not None else "") or ""
    if len(text.split()) < MIN_WORDS:
        raise ExtractionRefused("too_little_text")
    title = meta_title or (doc.title if doc is not None else None) or ""
    text = _drop_leading_title(text, [title, *tree.xpath("//h1//text()")[:1]])
    if published is None and doc is not None:
        published = parse_date(doc.date)
    language = lang.replace("_", "-").split("-")[0].lower() if lang else None
    if language is None and doc is not None and doc.language:
        language = doc.language
    return Extracted(
        title=str(title).strip(),
        text=text.strip(),
        author=author,
        language=language,
        published_at=published,
        modified_at=modified,
        canonical_url=canonical,
        amp_url=amp,
        cpu_ms=(time.process_time() - started) * 1000,
    )


# Step 1 of the item pipelines. trafilatura is the CPU-heavy part of the crawl. With
# ``STANCEWATCH_EXTRACT_WORKERS`` > 0 it runs in a process pool, so the reactor keeps
# downloading while pages are parsed on the other core.

log = logging.getLogger(__name__)


def _extract(body: bytes, url: str, encoding: str | None) -> Extracted | str:
    """Runs in the worker: a reason string instead of an exception keeps pickling cheap."""
    try:
        return extract(body, url, encoding)
    except ExtractionRefused as refused:
        return refused.reason


class ExtractPipeline(Step):
    stage = "extract"

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.body is not None
        pool: Executor | None = getattr(self.spider, "extract_pool", None)
        result: Extracted | str | None = None
        if pool is not None:
            try:
                future = pool.submit(_extract, item.body, item.url, item.declared_encoding)
                result = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): finish the crawl in this process.
                log.warning("extraction worker pool broke; extracting in the crawl process")
                self.count("extract/pool_broken")
                self.spider.extract_pool = None
        if result is None:
            result = _extract(item.body, item.url, item.declared_encoding)
        item.body = None  # the raw page is not needed past this point
        if isinstance(result, str):
            self.count(f"skipped/{result}")
            raise NotAnArticle(result, item.url)
        self.add_cpu(result.cpu_ms)
        item.title = result.title
        item.text = result.text
        item.author = result.author
        item.language = result.language
        item.published_at = result.published_at or item.listed_published
        item.modified_at = result.modified_at
        item.declared_canonical = result.canonical_url
        return item
