"""Stream stored articles, statements or changes out as CSV, JSON or JSON Lines.

Rows are read with ``yield_per`` (a server-side cursor on PostgreSQL) and written one at a
time, JSON as a streamed array, so memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from stancewatch.errors import BadFilterError, UnknownSourceError
from stancewatch.history.queries import between, published
from stancewatch.models import Article, Source, StanceChange, Statement

WHATS = ("articles", "statements", "changes")
FORMATS = ("csv", "json", "jsonl")
STANCES = ("support", "oppose", "neutral")
#: Rows fetched from the database per round trip.
BATCH = 1000


@dataclass(frozen=True)
class ExportFilters:
    """Filters shared by every kind of export; None means "any"."""

    actor: str | None = None
    stance: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def check(self, session: Session) -> None:
        """Refuse values that cannot match anything by mistake (a typo in a stance or source)."""
        if self.stance is not None and self.stance not in STANCES:
            raise BadFilterError("--stance", self.stance, f"use one of {', '.join(STANCES)}")
        if self.source is not None:
            known = list(session.scalars(select(Source.name).order_by(Source.name)))
            if self.source not in known:
                raise UnknownSourceError([self.source], known)


def statements_query(f: ExportFilters) -> Select:
    query = (
        select(
            Statement.id.label("statement_id"),
            published().label("published_at"),
            Statement.actor,
            Statement.actor_kind,
            Statement.stance,
            Statement.confidence,
            Statement.evidence,
            Statement.cue,
            Statement.article_id,
            Source.name.label("source"),
            Article.canonical_url.label("url"),
            Article.title,
        )
        .join(Article, Article.id == Statement.article_id)
        .join(Source, Source.id == Article.source_id)
        .order_by(Statement.id)
    )
    if f.actor is not None:
        query = query.where(func.lower(Statement.actor) == f.actor.lower())
    if f.stance is not None:
        query = query.where(Statement.stance == f.stance)
    if f.source is not None:
        query = query.where(Source.name == f.source)
    return between(query, published(), f.since, f.until)


def articles_query(f: ExportFilters) -> Select:
    query = (
        select(
            Article.id.label("article_id"),
            Source.name.label("source"),
            published().label("published_at"),
            Article.fetched_at,
            Article.url,
            Article.canonical_url,
            Article.title,
            Article.author,
            Article.language,
            Article.duplicate_of_id,
            Article.text,
        )
        .join(Source, Source.id == Article.source_id)
        .order_by(Article.id)
    )
    if f.actor is not None or f.stance is not None:
        said = select(Statement.id).where(Statement.article_id == Article.id)
        if f.actor is not None:
            said = said.where(func.lower(Statement.actor) == f.actor.lower())
        if f.stance is not None:
            said = said.where(Statement.stance == f.stance)
        query = query.where(exists(said))
    if f.source is not None:
        query = query.where(Source.name == f.source)
    return between(query, published(), f.since, f.until)


def changes_query(f: ExportFilters) -> Select:
    st, art = aliased(Statement), aliased(Article)
    query = (
        select(
            StanceChange.id.label("change_id"),
            StanceChange.changed_at,
            StanceChange.actor,
            StanceChange.old_stance,
            StanceChange.new_stance,
            StanceChange.stories,
            StanceChange.evidence,
            StanceChange.previous_evidence,
            Source.name.label("source"),
            art.canonical_url.label("url"),
            StanceChange.recorded_at,
            StanceChange.backfill,
            StanceChange.reason,
        )
        .outerjoin(st, st.id == StanceChange.statement_id)
        .outerjoin(art, art.id == st.article_id)
        .outerjoin(Source, Source.id == art.source_id)
        .where(StanceChange.retracted_at.is_(None), StanceChange.blocked.is_(False))
        .order_by(StanceChange.changed_at, StanceChange.id)
    )
    if f.actor is not None:
        query = query.where(func.lower(StanceChange.actor) == f.actor.lower())
    if f.stance is not None:
        query = query.where(StanceChange.new_stance == f.stance)
    if f.source is not None:
        query = query.where(Source.name == f.source)
    return between(query, StanceChange.changed_at, f.since, f.until)


QUERIES: dict[str, Callable[[ExportFilters], Select]] = {
    "articles": articles_query,
    "statements": statements_query,
    "changes": changes_query,
}


def count_rows(session: Session, what: str, f: ExportFilters) -> int:
    """How many rows an export will write (for the progress bar)."""
    query = QUERIES[what](f).order_by(None)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def stream_rows(session: Session, what: str, f: ExportFilters) -> Iterator[dict[str, Any]]:
    """The rows of an export, fetched ``BATCH`` at a time."""
    result = session.execute(QUERIES[what](f).execution_options(yield_per=BATCH))
    for row in result:
        yield row._asdict()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _csv_cell(value: Any) -> Any:
    """A CSV cell: a change's reason (a JSON document elsewhere) as its JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def columns(what: str) -> list[str]:
    """The column names of an export, in order (the CSV header)."""
    return list(QUERIES[what](ExportFilters()).selected_columns.keys())


def write_rows(
    rows: Iterator[dict[str, Any]],
    fmt: str,
    out: IO[str],
    header: list[str],
    on_row: Callable[[], None] = lambda: None,
) -> int:
    """Write ``rows`` to ``out`` one at a time in ``fmt``; returns how many were written."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    if fmt == "csv":
        writer.writeheader()
    elif fmt == "json":
        out.write("[")
    for row in rows:
        row = {k: _plain(v) for k, v in row.items()}
        if fmt == "csv":
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        elif fmt == "json":
            out.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
        on_row()
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count
