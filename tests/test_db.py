"""Migrations up and down on both backends, and the model matches the migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from stancewatch.db import make_engine
from stancewatch.migrations import (
    current_revision,
    downgrade,
    head_revision,
    include_object,
    upgrade,
)
from stancewatch.models import Base

TABLES = {
    "sources", "crawl_runs", "articles", "article_versions", "article_signatures",
    "fetch_state", "statements", "actor_states", "stance_changes",
    "stance_change_statements", "outbox", "source_health",
}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_pg_url")


def test_upgrade_down_to_base_and_up_again(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not (TABLES & set(inspect(engine).get_table_names()))
    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_have_no_change_without_a_migration(engine):
    """Like ``alembic check``: a model change without a migration fails here."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_db_upgrade_command_creates_the_schema(runner, tmp_path):
    from stancewatch.cli import cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(cli, ["--database-url", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "revision 0001" in result.output or "revision" in result.output
    engine = make_engine(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_unreachable_database_is_one_line_error(runner):
    from stancewatch.cli import cli

    url = "postgresql://nobody:secretpw@127.0.0.1:1/none"
    result = runner.invoke(cli, ["--database-url", url, "db", "upgrade"])
    assert result.exit_code == 3
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: database unreachable")
    assert "secretpw" not in result.output


def test_make_engine_for_reading_never_creates_a_sqlite_file(tmp_path):
    from stancewatch.errors import NoDatabaseError

    path = tmp_path / "missing" / "x.db"
    with pytest.raises(NoDatabaseError, match=r"^no database at .*missing/x\.db: create it"):
        make_engine(f"sqlite:///{path}", create=False)
    assert not path.parent.exists()
    make_engine(f"sqlite:///{path}").dispose()  # creating (the default) makes the directory
    assert path.parent.is_dir()


def test_a_corrupt_sqlite_file_is_wrapped_once(tmp_path):
    from stancewatch.db import check_connection
    from stancewatch.errors import DatabaseNotAvailableError

    path = tmp_path / "corrupt.db"
    path.write_bytes(b"\x00garbage" * 512)
    engine = make_engine(f"sqlite:///{path}", create=False)
    with pytest.raises(DatabaseNotAvailableError) as err:
        check_connection(engine)
    engine.dispose()
    assert str(err.value) == f"database unreachable (sqlite:///{path}): file is not a database"
    assert err.value.exit_code == 3
