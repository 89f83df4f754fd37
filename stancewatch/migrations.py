"""Alembic, configured in code so that an installed ``stancewatch db upgrade`` works anywhere.

The migrations live in ``alembic/`` at the top of the repository; the wheel ships them as
``stancewatch/alembic``. In a checkout (editable install) the top-level folder is used.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_PACKAGE_DIR = Path(__file__).resolve().parent

#: Tables in our database that other libraries own and create themselves (APScheduler's job
#: store); autogenerate and ``alembic check`` leave them alone.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})
#: The full-text search index (migration 0003): FTS5's virtual table and its shadow tables on
#: SQLite, a generated column and its GIN index on PostgreSQL. Not in the models on purpose.
SEARCH_INDEX_PREFIXES = ("articles_fts", "search_vector", "ix_articles_search_vector")


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Alembic's ``include_object`` hook: compare only the tables our models own."""
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    if name is not None and name.startswith(SEARCH_INDEX_PREFIXES):
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and table.name in FOREIGN_TABLES)


def script_location() -> Path:
    """Where the migration scripts are: inside the package, else the checkout's ``alembic/``."""
    for candidate in (_PACKAGE_DIR / "alembic", _PACKAGE_DIR.parent / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError("stancewatch is installed without its migrations (alembic/)")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    cfg.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` in one connection."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def ensure_schema(engine: Engine) -> bool:
    """Upgrade to head when behind (an empty database on first use). True if it migrated."""
    if current_revision(engine) == head_revision(engine):
        return False
    upgrade(engine)
    return True
