"""Shared fixtures: databases on both backends, settings, and the CLI runner.

Every database test runs on SQLite and on the real PostgreSQL. PostgreSQL tests skip on a
laptop without the server, but fail when ``STANCEWATCH_REQUIRE_POSTGRES=1`` (set by .ci/run).
Each PostgreSQL test gets its own database, cloned from a template migrated once per session.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from stancewatch.db import make_engine, session_factory
from stancewatch.migrations import upgrade
from stancewatch.settings import Settings

PG_URL = os.environ.get(
    "STANCEWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("STANCEWATCH_REQUIRE_POSTGRES") == "1"


def _pg_admin():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _reachable_pg_admin():
    """An admin engine, or skip (fail when PostgreSQL is mandatory) if the server is down."""
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but unreachable at {PG_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    return admin


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head once; tests clone it."""
    admin = _reachable_pg_admin()
    name = f"sw_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    template = request.getfixturevalue("pg_template")
    name = f"sw_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """An empty PostgreSQL database (for migration tests)."""
    admin = _reachable_pg_admin()
    name = f"sw_e_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh, migrated SQLite database file for one test."""
    url = f"sqlite:///{tmp_path / 'stancewatch.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database on each backend: the same test runs on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url: str):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:
    """Settings for a test: its database, politeness kept, timeouts short."""
    return Settings(database_url=db_url, download_timeout=5.0, retry_times=1)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _crawl_child(conn, settings: Settings, sources_text: str, names: tuple[str, ...]) -> None:
    """Runs in a forked child: Scrapy's reactor starts once per process."""
    try:
        from stancewatch.crawl.runner import run_crawl
        from stancewatch.db import session_factory
        from stancewatch.sources import parse_sources, select_sources

        sources = select_sources(parse_sources(sources_text, "test sources"), names)
        engine = make_engine(settings.database_url)
        summaries = run_crawl(settings, session_factory(engine), sources)
        engine.dispose()
        conn.send(("ok", [s.as_dict() for s in summaries]))
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent
        import traceback

        conn.send(("error", "".join(traceback.format_exception(exc))))
    finally:
        conn.close()


@pytest.fixture
def crawl():
    """``crawl(settings, sources_toml_text, *names)`` runs one real crawl in a child process
    (forked, so imports are shared and it starts fast) and returns the summaries as dicts."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")

    def run(settings: Settings, sources_text: str, *names: str) -> list[dict]:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_crawl_child, args=(child, settings, sources_text, names))
        proc.start()
        child.close()
        if not parent.poll(120):
            proc.kill()
            pytest.fail("crawl did not finish within 120 s")
        status, payload = parent.recv()
        proc.join(10)
        if status != "ok":
            pytest.fail(f"crawl failed in the child:\n{payload}")
        return payload

    return run


#: The demo coverage the crawl tests serve: six Censor.NET items (two listing pages of four;
#: items long enough for the extractor: most of the demo's are shorter and skipped as such),
#: two CNBC stories, the aggregator's copies of both (one reworded: a near duplicate; one the
#: same text behind a tracking link: an exact duplicate) and one FAKTY story.
CRAWL_COVERAGE = (
    "censor-4151860", "censor-4148720", "censor-3744180", "censor-3661760", "censor-3586400",
    "censor-3564100", "cnbc-ukraine-gives-up-nato", "cnbc-reuters-zelensky-feasible",
    "aggregator-zelensky-feasible", "aggregator-ukraine-gives-up-nato", "fakty-kachka",
)  # fmt: skip


@pytest.fixture
def site():
    """The demo site serving ``CRAWL_COVERAGE`` (one server per outlet), stopped after the
    test; its trouble ``slow`` page answers after 6 s, past the crawl tests' timeout."""
    from stancewatch.demo import DemoSite

    with DemoSite(phase=None, ids=list(CRAWL_COVERAGE), page_size=4, slow_seconds=6) as running:
        yield running


@pytest.fixture
def crawl_settings(db_url: str) -> Settings:
    """Crawl settings for tests: politeness on (robots.txt, AutoThrottle), short timeouts."""
    return Settings(
        database_url=db_url,
        download_timeout=2.0,
        retry_times=1,
        autothrottle_start_delay=0.05,
        autothrottle_max_delay=0.5,
        conditional_verify_every=4,
    )


@pytest.fixture
def sessions(db_url: str):
    """A session factory on ``db_url`` (the analyze-stage tests write through it)."""
    eng = make_engine(db_url)
    yield session_factory(eng)
    eng.dispose()


# --- a history filled by a real crawl of the demo site --------------------------------------


def _crawl_demo_into(url: str, tmp: Path) -> None:
    """The demo's three phases crawled with the real spider and pipelines, then analysed."""
    from stancewatch.demo.run import run_demo

    run_demo(Settings(database_url=url), tmp / "unused.db", lambda _line: None, database_url=url)


@pytest.fixture(scope="session")
def crawled_sqlite(tmp_path_factory) -> Path:
    """A SQLite file filled once per session by a crawl of the demo site; tests copy it."""
    tmp = tmp_path_factory.mktemp("crawled")
    path = tmp / "crawled.db"
    _crawl_demo_into(f"sqlite:///{path}", tmp)
    return path


@pytest.fixture(scope="session")
def crawled_pg(tmp_path_factory) -> Iterator[str]:
    """A PostgreSQL database filled once per session by a crawl of the demo site (a template
    that tests clone)."""
    admin = _reachable_pg_admin()
    name = f"sw_crawled_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _crawl_demo_into(url, tmp_path_factory.mktemp("crawled-pg"))
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def crawled_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A private copy of the crawled history, on each backend."""
    if request.param == "sqlite":
        copy = tmp_path / "crawled.db"
        shutil.copyfile(request.getfixturevalue("crawled_sqlite"), copy)
        yield f"sqlite:///{copy}"
        return
    template = request.getfixturevalue("crawled_pg")
    name = f"sw_c_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
