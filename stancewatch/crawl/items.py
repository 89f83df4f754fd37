"""The item that flows from the spider through the pipelines to the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ArticleItem:
    """One fetched article page; the pipelines fill the extracted fields and drop the body."""

    source: str
    url: str
    body: bytes | None
    declared_encoding: str | None = None
    #: Dates the feed or sitemap entry gave (updated-after-stored decisions use them).
    listed_published: datetime | None = None
    listed_modified: datetime | None = None
    #: Set when the article is known and its entry says it changed since we stored it.
    update_of: int | None = None

    title: str = ""
    text: str = ""
    author: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    declared_canonical: str | None = None
    canonical_url: str = ""
    content_hash: str = ""
    signature: bytes = b""
    duplicate_of_id: int | None = None
    similarity: float | None = None
    article_id: int | None = None
