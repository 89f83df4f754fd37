"""The example SQL in docs/queries.sql runs on SQLite and PostgreSQL over a stored history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fixtures.history import fill_history
from sqlalchemy import text

from stancewatch.db import session_scope
from stancewatch.models import StanceChange

QUERIES = Path(__file__).resolve().parent.parent / "docs" / "queries.sql"


def blocks() -> list[tuple[str, str | None, str]]:
    """(name, dialect or None, sql) for every block of the file."""
    found = []
    for chunk in re.split(r"^-- name: ", QUERIES.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, _, body = chunk.partition("\n")
        dialect = re.search(r"^-- dialect: (\w+)", body, re.M)
        sql = "\n".join(line for line in body.splitlines() if not line.startswith("--"))
        found.append((name.strip(), dialect.group(1) if dialect else None, sql.strip()))
    return found


def test_the_file_has_the_five_queries_the_readme_promises():
    names = {name for name, _, _ in blocks()}
    assert names == {
        "current-stance",
        "changes-this-week",
        "statements-of-one-actor",
        "most-cited-outlets",
        "stories-with-most-copies",
    }


def test_every_query_runs_and_answers(sessions, engine):
    filled = fill_history(sessions)
    with session_scope(sessions) as s:  # one change this week, so that query has an answer
        s.add(StanceChange(actor="Hungary", old_stance="oppose", new_stance="support",
                           changed_at=datetime.now(UTC) - timedelta(days=2)))  # fmt: skip
    backend = engine.dialect.name
    ran = 0
    with engine.connect() as conn:
        for name, dialect, sql in blocks():
            if dialect not in (None, backend):
                continue
            result = conn.execute(text(sql)).mappings().all()
            assert result, f"{name} returned nothing"
            ran += 1
            if name == "changes-this-week":
                assert [r["actor"] for r in result] == ["Hungary"]
            if name == "stories-with-most-copies":
                assert result[0]["id"] == filled.original_id and result[0]["copies"] == 1
            if name == "statements-of-one-actor":
                assert all(r["url"] and r["outlet"] for r in result)
    assert ran == 5
