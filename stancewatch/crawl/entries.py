"""Article links out of feeds (RSS 2.0, RSS 1.0/RDF, Atom) and news sitemaps, with their dates.

Namespace-agnostic (``local-name()``) and tolerant of broken XML (``recover=True``): real
feeds are often not well-formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from stancewatch.crawl.extract import parse_date

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Entry:
    url: str
    published: datetime | None = None
    modified: datetime | None = None


def _entry_date(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    parsed = parse_date(text)
    if parsed is not None:
        return parsed
    try:
        dt = parsedate_to_datetime(text.strip())  # RFC 822, as RSS 2.0 writes dates
    except (TypeError, ValueError, IndexError):
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def _root(body: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(body.lstrip(), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _first(node: etree._Element, *names: str) -> str | None:
    for name in names:
        found = node.xpath(f"./*[local-name()='{name}']")
        if found:
            el = found[0]
            value = el.get("href") if name == "link" and el.get("href") else el.text
            if value and value.strip():
                return value.strip()
    return None


def parse_feed(body: bytes, base_url: str) -> list[Entry] | None:
    """Entries of an RSS/RDF/Atom feed; None when the body is not a feed at all."""
    root = _root(body)
    if root is None or etree.QName(root).localname.lower() not in {"rss", "feed", "rdf"}:
        return None
    entries: list[Entry] = []
    for node in root.xpath("//*[local-name()='item' or local-name()='entry']"):
        link = None
        for el in node.xpath("./*[local-name()='link']"):
            rel = el.get("rel", "alternate")
            href = el.get("href") or (el.text or "").strip()
            if href and rel == "alternate":
                link = href
                break
        guid = _first(node, "guid", "id")
        # an id may be a URN; a link of any scheme is kept for the crawl scope to refuse
        link = link or (guid if guid and guid.startswith(("http", "/")) else None)
        if not link:
            continue
        published = _entry_date(_first(node, "pubDate", "published", "date", "issued"))
        modified = _entry_date(_first(node, "updated", "modified", "lastmod"))
        entries.append(Entry(urljoin(base_url, link), published, modified))
    return entries


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[Entry], list[str]] | None:
    """(article entries, child sitemaps) of a sitemap or sitemap index; None if neither."""
    root = _root(body)
    if root is None:
        return None
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        children = [
            urljoin(base_url, loc.strip())
            for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()")
        ]
        return [], children
    if kind != "urlset":
        return None
    entries = []
    for node in root.xpath("./*[local-name()='url']"):
        loc = _first(node, "loc")
        if not loc:
            continue
        news = node.xpath(".//*[local-name()='publication_date']/text()")
        published = _entry_date(news[0]) if news else None
        modified = _entry_date(_first(node, "lastmod"))
        entries.append(Entry(urljoin(base_url, loc), published, modified))
    return entries, []
