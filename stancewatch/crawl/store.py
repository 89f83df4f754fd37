"""The article store as the crawl sees it: lookups for dedup and re-crawls, and writes.

Every lookup the pipeline makes is an indexed query (canonical URL, URL, content hash,
primary keys); each article is written in one transaction with its signature, so a crash
never leaves a half-written row.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.near_index import NearDuplicateIndex
from stancewatch.crawl.pipelines import ExactDuplicate, Step
from stancewatch.models import (
    Article,
    ArticleSignature,
    ArticleVersion,
    CrawlRun,
    FetchState,
    Source,
    utcnow,
)
from stancewatch.models.status import RunStatus

#: The reason of a run closed because its process died before it recorded a result.
INTERRUPTED = "interrupted: the crawl process ended without recording a result"


def _owner_gone(details: str | None) -> bool:
    """True when the run names a process of this host that no longer exists."""
    try:
        owner = json.loads(details or "{}").get("owner") or {}
    except (ValueError, AttributeError):
        return False
    if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    try:
        os.kill(owner["pid"], 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, someone else's
    return False


@dataclass(frozen=True)
class KnownArticle:
    id: int
    stored_at: datetime


class ArticleStore:
    """Database access of one crawl process, shared by every source crawled in it."""

    def __init__(self, sessions: sessionmaker[Session], index: NearDuplicateIndex) -> None:
        self.sessions = sessions
        self.index = index
        self._source_ids: dict[str, int] = {}

    # --- sources and runs ------------------------------------------------------------------
    def source_id(self, name: str, kind: str) -> int:
        if name not in self._source_ids:
            with self.sessions.begin() as s:
                row = s.scalar(select(Source).where(Source.name == name))
                if row is None:
                    row = Source(name=name, kind=kind)
                    s.add(row)
                    s.flush()
                elif row.kind != kind:
                    row.kind = kind
                self._source_ids[name] = row.id
        return self._source_ids[name]

    def start_run(self, source_id: int) -> int:
        """A ``running`` row that names its process, so a later start can tell it died."""
        with self.sessions.begin() as s:
            owner = {"pid": os.getpid(), "host": socket.gethostname()}
            run = CrawlRun(
                source_id=source_id, status=RunStatus.RUNNING, details=json.dumps({"owner": owner})
            )
            s.add(run)
            s.flush()
            return run.id

    def close_stale_runs(self, source_id: int, older_than: float) -> int:
        """Close this source's runs left ``running`` by a crawl that died (``kill -9``, a
        crash, a power cut): its process is gone from this host, or (another host's, or one
        that names no process) it started more than ``older_than`` seconds ago. A live crawl
        closed by age records its real result when it finishes. Returns the count closed."""
        now = utcnow()
        closed = 0
        with self.sessions.begin() as s:
            rows = s.scalars(
                select(CrawlRun).where(
                    CrawlRun.source_id == source_id, CrawlRun.status == RunStatus.RUNNING
                )
            )
            for run in rows:
                if _owner_gone(run.details) or (now - run.started_at).total_seconds() > older_than:
                    run.status, run.reason, run.finished_at = RunStatus.FAILED, INTERRUPTED, now
                    closed += 1
        return closed

    def finish_run(self, run_id: int, status: str, reason: str | None, counts: dict) -> None:
        with self.sessions.begin() as s:
            run = s.get(CrawlRun, run_id)
            assert run is not None
            run.finished_at = utcnow()
            run.status = status
            run.reason = reason
            for key in ("pages_fetched", "articles_new", "articles_updated", "duplicates_exact",
                        "duplicates_near", "skipped", "errors"):  # fmt: skip
                setattr(run, key, int(counts.get(key, 0)))
            run.details = json.dumps(counts.get("details", {}), sort_keys=True, default=str)

    # --- re-crawl decisions ----------------------------------------------------------------
    def known(self, urls: Iterable[str]) -> dict[str, KnownArticle]:
        """Stored articles among ``urls`` (canonical or as fetched), in one query per chunk."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, KnownArticle] = {}
        with self.sessions() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows = s.execute(
                    select(
                        Article.id,
                        Article.url,
                        Article.canonical_url,
                        Article.fetched_at,
                        Article.modified_at,
                    ).where(or_(Article.canonical_url.in_(chunk), Article.url.in_(chunk)))
                )
                for aid, url, canon, fetched, modified in rows:
                    known = KnownArticle(aid, max(d for d in (fetched, modified) if d))
                    found[canon] = known
                    found[url] = known
        return found

    def fetch_state(self, url: str) -> FetchState | None:
        with self.sessions() as s:
            return s.get(FetchState, url)

    def save_fetch_state(self, url: str, **values: object) -> None:
        with self.sessions.begin() as s:
            row = s.get(FetchState, url) or FetchState(url=url)
            for key, value in values.items():
                setattr(row, key, value)
            row.checked_at = utcnow()
            s.add(row)

    # --- dedup lookups ---------------------------------------------------------------------
    def by_canonical(self, canonical_url: str) -> int | None:
        with self.sessions() as s:
            return s.scalar(select(Article.id).where(Article.canonical_url == canonical_url))

    def exact_match(self, canonical_url: str, content_hash: str) -> tuple[int, str] | None:
        """A stored article with this canonical URL ("url") or, failing that, this normalised
        text ("text"): one indexed query for both exact-duplicate checks."""
        with self.sessions() as s:
            rows = s.execute(
                select(Article.id, Article.canonical_url)
                .where(
                    or_(
                        Article.canonical_url == canonical_url, Article.content_hash == content_hash
                    )
                )
                .limit(2)
            ).all()
        for aid, canon in rows:
            if canon == canonical_url:
                return aid, "url"
        return (rows[0][0], "text") if rows else None

    def content_hash_of(self, article_id: int) -> str | None:
        with self.sessions() as s:
            return s.scalar(select(Article.content_hash).where(Article.id == article_id))

    def story_of(self, article_id: int) -> int:
        """The first article of the story ``article_id`` belongs to."""
        with self.sessions() as s:
            dup = s.scalar(select(Article.duplicate_of_id).where(Article.id == article_id))
            return dup or article_id

    # --- writes ----------------------------------------------------------------------------
    def insert(self, item: ArticleItem, source_id: int) -> int | None:
        """Store a new article and its signature in one transaction; None if a concurrent
        writer stored the same canonical URL first."""
        try:
            with self.sessions.begin() as s:
                article = Article(
                    source_id=source_id,
                    url=item.url,
                    canonical_url=item.canonical_url,
                    title=item.title,
                    text=item.text,
                    author=item.author,
                    language=item.language,
                    published_at=item.published_at or item.listed_published,
                    modified_at=item.modified_at or item.listed_modified,
                    content_hash=item.content_hash,
                    duplicate_of_id=item.duplicate_of_id,
                    similarity=item.similarity,
                )
                s.add(article)
                s.flush()
                s.add(ArticleSignature(article_id=article.id, minhash=item.signature))
                article_id = article.id
        except IntegrityError:
            return None
        self.index.add(article_id, item.signature, utcnow())
        return article_id

    def update(self, article_id: int, item: ArticleItem) -> int:
        """Store a new version of a known article: the old one moves to article_versions,
        and the article is marked for analysis again. Returns the new version number."""
        with self.sessions.begin() as s:
            article = s.get(Article, article_id)
            assert article is not None
            s.add(
                ArticleVersion(
                    article_id=article.id,
                    version=article.version,
                    title=article.title,
                    text=article.text,
                    content_hash=article.content_hash,
                    fetched_at=article.fetched_at,
                    modified_at=article.modified_at,
                )
            )
            article.version += 1
            article.title = item.title
            article.text = item.text
            article.author = item.author or article.author
            article.content_hash = item.content_hash
            article.modified_at = item.modified_at or item.listed_modified or utcnow()
            article.fetched_at = utcnow()
            article.analyzed_at = None
            sig = s.get(ArticleSignature, article.id)
            if sig is not None:
                sig.minhash = item.signature
            return article.version

    def touch(self, article_id: int) -> None:
        """The outlet said it changed but the text is the same: remember we checked."""
        with self.sessions.begin() as s:
            article = s.get(Article, article_id)
            if article is not None:
                article.fetched_at = utcnow()


def load_index(
    sessions: sessionmaker[Session], num_perm: int, threshold: float, window_days: int
) -> NearDuplicateIndex:
    """Rebuild the near-duplicate index from the persisted signatures of the recent window."""
    index = NearDuplicateIndex(num_perm, threshold, timedelta(days=window_days))
    cutoff = utcnow() - timedelta(days=window_days)
    with sessions() as s:
        rows = s.execute(
            select(
                ArticleSignature.article_id, ArticleSignature.minhash, ArticleSignature.indexed_at
            )
            .where(ArticleSignature.indexed_at >= cutoff)
            .order_by(ArticleSignature.indexed_at)
            .execution_options(yield_per=5000)
        )
        for article_id, packed, when in rows:
            if len(packed) == num_perm * 4:
                index.add(article_id, packed, when)
    return index


# Step 5 of the item pipelines: store the article, one transaction per article.


class StorePipeline(Step):
    stage = "store"

    def open_spider(self) -> None:
        spider = self.spider
        self.source_id = spider.store.source_id(spider.source.name, spider.source.kind)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            store = self.spider.store
            if item.update_of is not None:
                store.update(item.update_of, item)
                item.article_id = item.update_of
                self.count("stored/updated")
                return item
            article_id = store.insert(item, self.source_id)
            if article_id is None:  # another writer stored the same URL a moment ago
                self.count("duplicates/exact_url")
                raise ExactDuplicate(
                    "canonical URL", item.url, store.by_canonical(item.canonical_url) or 0
                )
            item.article_id = article_id
            self.count("stored/new")
            published = item.published_at or item.listed_published
            if published is not None:  # how far back the source reaches (ISO: sorts as text)
                self.stats.min_value("stancewatch/oldest_published", published.isoformat())
            if item.duplicate_of_id is not None:
                self.count("stored/near_duplicate")
        return item
