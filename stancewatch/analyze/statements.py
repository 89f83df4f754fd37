"""Turn stored articles into statement rows, one batch of articles per transaction.

An article's statements, its ``analyzed_at`` and the queue entries of the actors it touches
are written in the same transaction, so a crash midway leaves every article either fully
analysed or not at all, and a re-run resumes without duplicates. Re-analysing an article that
gives the same statements writes nothing, so statement ids stay stable across ``restance``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from stancewatch.models import ActorQueue, Article, Statement, utcnow

log = logging.getLogger(__name__)

CHUNK = 500


class Analyzer(Protocol):
    """What the tracker needs of the stance engine (``StanceEngine``)."""

    def analyze(self, text: str, published: datetime | None = None) -> list[Any]: ...


def article_text(title: str | None, text: str | None) -> str:
    """The string the engine reads and statement offsets point into."""
    return f"{title or ''}\n\n{text or ''}"


@dataclass
class BatchResult:
    articles: int = 0
    changed: int = 0
    statements: int = 0
    errors: int = 0
    actors: set[str] = field(default_factory=set)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _key(row: dict[str, Any]) -> tuple:
    return (
        row["actor"],
        row["actor_kind"],
        row["stance"],
        float(row["confidence"]),
        row["evidence"],
        row["span_start"],
        row["span_end"],
        row["cue"],
    )


def _row(article_id: int, result: Any) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "actor": str(result.actor)[:200],
        "actor_kind": str(result.actor_kind)[:20],
        "stance": str(result.stance),
        "confidence": float(result.confidence),
        "evidence": str(result.evidence),
        "span_start": int(result.start),
        "span_end": int(result.end),
        "cue": str(result.cue)[:200],
    }


def _existing(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    cols = [
        Statement.id,
        Statement.article_id,
        Statement.actor,
        Statement.actor_kind,
        Statement.stance,
        Statement.confidence,
        Statement.evidence,
        Statement.span_start,
        Statement.span_end,
        Statement.cue,
    ]
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for part in chunks(ids):
        for row in session.execute(select(*cols).where(Statement.article_id.in_(part))):
            found[row.article_id].append(row._asdict())
    return found


def analyze_batch(session: Session, analyzer: Analyzer, ids: Sequence[int]) -> BatchResult:
    """Analyse the articles ``ids`` inside the caller's transaction."""
    result = BatchResult()
    existing = _existing(session, ids)
    stale: list[int] = []
    fresh: list[dict[str, Any]] = []
    done: list[int] = []
    articles = session.execute(
        select(Article.id, Article.title, Article.text, Article.published_at)
        .where(Article.id.in_(ids))
        .order_by(Article.id)
    ).all()
    for art, found in zip(articles, _run(analyzer, articles), strict=True):
        if isinstance(found, Exception):
            log.error(
                "stance engine failed on article %s (%s); left for the next run", art.id, found
            )
            result.errors += 1
            continue
        done.append(art.id)
        new = [_row(art.id, r) for r in found]
        old = existing.get(art.id, [])
        if sorted(map(_key, new)) == sorted(map(_key, old)):
            continue
        result.changed += 1
        stale.extend(r["id"] for r in old)
        fresh.extend(new)
        result.actors.update(r["actor"] for r in old)
        result.actors.update(r["actor"] for r in new)
    for part in chunks(stale):
        session.execute(delete(Statement).where(Statement.id.in_(part)))
    if fresh:
        now = utcnow()
        session.execute(insert(Statement), [{**r, "created_at": now} for r in fresh])
    for part in chunks(done):
        session.execute(update(Article).where(Article.id.in_(part)).values(analyzed_at=utcnow()))
    queue_actors(session, result.actors)
    result.articles, result.statements = len(done), len(fresh)
    return result


def _run(analyzer: Analyzer, articles: Sequence[Any]) -> list[list[Any] | Exception]:
    """The engine's statements per article (a worker pool if the analyzer has one)."""
    items = [(article_text(a.title, a.text), a.published_at) for a in articles]
    many = getattr(analyzer, "analyze_many", None)
    if many is not None:
        return list(many(items))
    out: list[list[Any] | Exception] = []
    for text, published in items:
        try:
            out.append(list(analyzer.analyze(text, published)))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            log.debug("engine failure", exc_info=True)
            out.append(exc)
    return out


def queue_actors(session: Session, actors: Iterable[str]) -> None:
    """Mark ``actors`` for a replay of their state (idempotent)."""
    wanted = set(actors)
    if not wanted:
        return
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    for part in chunks(sorted(wanted)):
        have = set(session.scalars(select(ActorQueue.actor).where(ActorQueue.actor.in_(part))))
        new = [{"actor": a, "queued_at": utcnow()} for a in part if a not in have]
        if new:
            # A concurrent analyze may queue the same actor: that is not an error.
            session.execute(insert_(ActorQueue).on_conflict_do_nothing(), new)
