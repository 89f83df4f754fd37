"""full-text search over articles: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL

Both indexes fold case and work on Cyrillic ("НАТО", "Зеленський"): SQLite's ``unicode61``
tokenizer also folds diacritics; PostgreSQL uses the ``simple`` configuration (no stemming for
one language, so every alphabet is treated alike). The database keeps them in step with
``articles`` by itself, so the crawl's store needs no change: on SQLite three triggers update the
external-content FTS5 table, on PostgreSQL ``search_vector`` is a generated column. Existing
rows are indexed here (``rebuild``; a generated column is filled when it is added).

Neither object is in the models (SQLite has no tsvector, FTS5 tables are virtual);
``stancewatch.migrations.include_object`` keeps them out of ``alembic check``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 11:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
]
#: The title weighs more than the body (weight A against B) in ``ts_rank``. STORAGE MAIN keeps
#: the vector (compressed) in the table's row instead of TOAST: ranking reads every matching
#: row's vector, and out of line that took twice as long (bench/search_latency.py). Set in the
#: same statement, so the rows written when the column is added are stored that way too.
POSTGRES_UP = [
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(text, '')), 'B')) STORED, "
    "ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> None:
    for sql in statements:
        op.execute(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_UP)
    else:
        _run(SQLITE_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_DOWN)
    else:
        _run(SQLITE_DOWN)
