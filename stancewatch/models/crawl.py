"""Tables of the crawl stage: sources, crawl runs, articles, their versions and signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stancewatch.models.base import Base, UTCDateTime, utcnow
from stancewatch.models.status import RunStatus


class Source(Base):
    """A crawled outlet. Its configuration lives in sources.toml; the row gives it an id."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, what it counted and why it was empty."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: running | ok | empty | blocked | down | failed
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    #: Why a run ended with nothing (robots.txt, 403, feed empty, ...); NULL when it found news.
    reason: Mapped[str | None] = mapped_column(Text)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_exact: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_near: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    #: JSON object: skip and error reasons with counts, and the Scrapy stats we keep.
    details: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()

    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)


class Article(Base):
    """A stored article (its current version). A near-duplicate copy points at its story's first.

    Exact duplicates (same canonical URL or same normalised text) are never stored.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the outlet says it last changed it (feed/sitemap lastmod or article:modified_time).
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: sha256 of the normalised text: the exact-duplicate key.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The first stored article of the same story, for near-duplicate copies; NULL otherwise.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    #: Estimated Jaccard similarity to ``duplicate_of`` (NULL for originals).
    similarity: Mapped[float | None] = mapped_column()
    #: 1 for the first fetch; raised each time the outlet updates the article.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Set by the analyze stage; NULL means "not analysed yet" (or changed since).
    analyzed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship()
    duplicate_of: Mapped[Article | None] = relationship(remote_side=[id])

    __table_args__ = (
        UniqueConstraint("canonical_url", name="uq_articles_canonical_url"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_duplicate_of_id", "duplicate_of_id"),
        Index("ix_articles_source_published", "source_id", "published_at"),
        Index("ix_articles_analyzed_at", "analyzed_at"),
        Index("ix_articles_fetched_at", "fetched_at"),
        Index("ix_articles_url", "url"),
    )


class ArticleVersion(Base):
    """Earlier versions of an article, kept when the outlet updates it."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_article_versions"),)


class ArticleSignature(Base):
    """The MinHash signature of an article, so the near-duplicate index survives restarts.

    Only a recent window is loaded into the in-memory LSH index (``indexed_at``).
    """

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``minhash_perms`` little-endian uint32 hash values.
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_article_signatures_indexed_at", "indexed_at"),)


class FetchState(Base):
    """Validators of listing, feed and sitemap pages, for conditional re-crawls.

    ``body_hash`` copes with feeds whose ETag does not change when their content does.
    """

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    #: False once the server kept an ETag while the content changed: stop trusting it.
    etag_trusted: Mapped[bool] = mapped_column(default=True)
    #: Conditional fetches answered "not modified" in a row (a full fetch verifies now and then).
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
