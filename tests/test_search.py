"""Full-text search (migration 0003) on SQLite and PostgreSQL: Cyrillic, ranking, kept in step;
diacritics folded alike on both (SQLite's unicode61, PostgreSQL's function of migration 0006).

``search`` (the CLI), ``/search`` and ``/api/articles`` share ``history.queries.search``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from fixtures.stored import add_article, invoke
from sqlalchemy import text

from stancewatch.db import make_engine, session_scope
from stancewatch.history.queries import search
from stancewatch.migrations import downgrade, upgrade
from stancewatch.models import Article


def day(m: int, d: int) -> datetime:
    return datetime(2025, m, d, 9, tzinfo=UTC)


@pytest.fixture
def stored(sessions) -> dict[str, int]:
    """Ukrainian, Russian and English coverage; which should match what is said per test."""
    texts = {
        # the title names both: most relevant for either word
        "title": (
            "Зеленський: Україна має отримати запрошення до НАТО",
            "Заява президента.",
            1,
            10,
        ),
        "body": ("Новини дня", "Президент Зеленський знову говорив про вступ до НАТО.", 2, 10),
        "lower": ("Огляд", "Питання членства в нато обговорили у Вільнюсі.", 3, 1),
        "genitive": ("Інтерв'ю", "Слова Зеленського про Альянс і гарантії.", 3, 5),
        "russian": ("Новости", "Зеленский заявил о переговорах с Альянсом.", 3, 6),
        "latin": ("Zelenskyy on NATO", "Zelenskyy said Ukraine's place is in NATO.", 3, 7),
        "older_twin": ("Ще раз про НАТО", "Текст без імені.", 1, 20),
        "newer_twin": ("Ще раз про НАТО", "Текст без імені.", 4, 20),
    }
    return {
        key: add_article(sessions, body, day(m, d), title=title, source="uk")
        for key, (title, body, m, d) in texts.items()
    }


def found(sessions, query: str) -> list[int]:
    with session_scope(sessions) as s:
        return [hit.id for hit in search(s, query, limit=50)]


def test_nato_in_cyrillic_any_case_title_first_then_newest(sessions, stored):
    got = found(sessions, "НАТО")
    ids = {stored[k] for k in ("title", "body", "lower", "older_twin", "newer_twin")}
    assert set(got) == ids  # "нато" in lower case too; not the Latin "NATO"
    assert got.index(stored["title"]) < got.index(stored["body"])  # the title weighs more
    # equally relevant articles: the newer first
    assert got.index(stored["newer_twin"]) == got.index(stored["older_twin"]) - 1
    assert found(sessions, "нато") == got


def test_zelenskyy_in_ukrainian_finds_the_word_and_longer_words(sessions, stored):
    assert set(found(sessions, "Зеленський")) == {stored["title"], stored["body"]}
    # a stem finds every case ending (and the Russian spelling): words match as prefixes
    assert set(found(sessions, "Зеленськ")) == {stored[k] for k in ("title", "body", "genitive")}
    assert set(found(sessions, "зеленск")) == {stored["russian"]}
    assert found(sessions, "Зеленський НАТО") == [stored["title"], stored["body"]]
    assert found(sessions, "zelensk") == [stored["latin"]]


@pytest.mark.parametrize("query", ['"', "*", "NOT", 'НАТО" OR "x', "-", "AND OR", "100%", "a:*"])
def test_operators_and_punctuation_are_plain_words(sessions, stored, query):
    """No query is read as FTS5 or tsquery syntax: no error, at worst no hit."""
    found(sessions, query)
    assert found(sessions, 'НАТО"') == found(sessions, "НАТО")


def test_the_index_follows_updates_and_deletes(sessions, stored):
    with session_scope(sessions) as s:
        art = s.get(Article, stored["latin"])
        art.text = "Зеленський про НАТО, оновлено."
        s.delete(s.get(Article, stored["body"]))
    assert set(found(sessions, "Зеленський")) == {stored["title"], stored["latin"]}
    assert found(sessions, "place") == []  # the replaced text is gone from the index


def test_cli_search_in_cyrillic(runner, db_url, sessions, stored):
    result = invoke(runner, db_url, "search", "НАТО", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.output)] == found(sessions, "НАТО")
    result = invoke(runner, db_url, "search", "Зеленський", "--format", "json")
    assert {row["id"] for row in json.loads(result.output)} == {stored["title"], stored["body"]}


@pytest.fixture
def accented(sessions) -> dict[str, int]:
    """Latin names with and without their diacritics, one written decomposed (NFD)."""
    texts = {
        "orban": ("Orbán again", "Viktor Orbán said Hungary would block the invitation."),
        "plain": ("Budapest", "Orban and Sefcovic spoke without accents in this copy."),
        "nfd": ("Decomposed", "Orba\u0301n, typed as a letter and a combining acute accent."),
        "sefcovic": ("Brussels", "Maroš Šefčovič and Zelenskyj met in Kyjev."),
        "lodz": ("Łódź", "A meeting in Łódź, on the Polish side."),
        "cyrillic": ("Новини", "Зеленський і Орбан говорили про НАТО."),
    }
    return {
        key: add_article(sessions, body, day(5, n + 1), title=title, source="eu")
        for n, (key, (title, body)) in enumerate(texts.items())
    }


def test_latin_diacritics_are_folded_on_both_databases(sessions, accented):
    ids = accented
    orban = {ids["orban"], ids["plain"], ids["nfd"]}
    assert set(found(sessions, "Orban")) == orban  # finds "Orbán", written either way
    assert set(found(sessions, "orbán")) == orban  # and the other way round
    assert set(found(sessions, "ORBÁN")) == orban
    assert set(found(sessions, "Orba\u0301n")) == orban  # a decomposed query too
    assert set(found(sessions, "Šefčovič")) == {ids["sefcovic"], ids["plain"]}
    assert set(found(sessions, "sefcov")) == {ids["sefcovic"], ids["plain"]}  # a prefix
    assert found(sessions, "Zelenskyj Kyjev") == [ids["sefcovic"]]
    # letters unicode61 keeps stay apart on both: Polish ł, Cyrillic й
    assert found(sessions, "Lodz") == [] and found(sessions, "łodz") == [ids["lodz"]]
    assert found(sessions, "Зеленськии") == []
    assert found(sessions, "Зеленський Орбан") == [ids["cyrillic"]]


def _sqlite_folds() -> dict[str, str]:
    """What SQLite's ``unicode61 remove_diacritics 2`` does to each character of the Basic
    Multilingual Plane inside a word, beyond case folding: read off its tokenizer."""
    conn = sqlite3.connect(":memory:")
    chars = [chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000]
    terms = []
    for keep in (0, 2):
        conn.execute(f"CREATE VIRTUAL TABLE t{keep} USING fts5(x, "
                     f"tokenize='unicode61 remove_diacritics {keep}')")  # fmt: skip
        conn.execute(f"CREATE VIRTUAL TABLE v{keep} USING fts5vocab(t{keep}, 'instance')")
        conn.executemany(f"INSERT INTO t{keep}(rowid, x) VALUES (?, ?)",
                         [(ord(c), f"a{c}a") for c in chars])  # fmt: skip
        found: dict[int, list[str]] = {}
        for term, doc in conn.execute(f"SELECT term, doc FROM v{keep} ORDER BY doc, offset"):
            found.setdefault(doc, []).append(term)
        terms.append(found)
    conn.close()
    cased, folded = terms
    return {c: folded[ord(c)][0][1:-1] for c in chars if cased.get(ord(c)) != folded.get(ord(c))}


@pytest.mark.postgres
def test_postgres_folds_exactly_what_sqlite_folds(pg_url):
    """Migration 0006's function, character by character, against SQLite's own tokenizer."""
    sqlite_folds = _sqlite_folds()
    assert len(sqlite_folds) > 500 and sqlite_folds["Š"] == "s" and sqlite_folds["\u0301"] == ""
    chars = [chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000]
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT c, stancewatch_fold_diacritics(c) FROM unnest(CAST(:cs AS text[])) c"),
                {"cs": chars},
            )
            pg = {c: f for c, f in rows if f != c}
    finally:
        engine.dispose()
    # PostgreSQL maps the upper-case letters straight to their lower-case base letter, as
    # SQLite does; every other character (Cyrillic, ł, ø, ß) it leaves alone, as SQLite does
    assert pg == sqlite_folds


@pytest.mark.postgres
def test_migration_0006_refolds_existing_rows_and_goes_back(empty_pg_url):
    engine = make_engine(empty_pg_url)
    upgrade(engine, "0005")

    def matches(word: str) -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text(
                "SELECT count(*) FROM articles WHERE search_vector @@ to_tsquery('simple', :q)"
            ), {"q": word}))  # fmt: skip

    def has_function() -> bool:
        with engine.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_proc WHERE proname = 'stancewatch_fold_diacritics'"
            )))  # fmt: skip

    _store_before_migration(engine, "Orbán", "Šefčovič o NATO")
    assert (matches("orban"), matches("orbán")) == (0, 1)  # 0003: the marks kept
    upgrade(engine)
    assert (matches("orban"), matches("sefcovic"), matches("orbán")) == (1, 1, 0)
    from stancewatch.db import session_factory

    with session_scope(session_factory(engine)) as s:
        assert [h.title for h in search(s, "Orbán Šefčovič")] == ["Orbán"]
    downgrade(engine, "0005")
    assert (matches("orban"), matches("orbán")) == (0, 1) and not has_function()
    with engine.connect() as conn:  # the GIN index is back as 0003 made it
        index = conn.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_search_vector'"
        ))  # fmt: skip
    assert index is not None and "gin (search_vector)" in index
    upgrade(engine)
    assert matches("orban") == 1 and has_function()
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_pg_url")


def _store_before_migration(engine, title: str, body: str) -> None:
    """An article written straight into the tables, as a database before the migration holds."""
    with engine.begin() as conn:
        conn.execute(
            text("insert into sources (name, kind, created_at) values ('old', 'feed', :now)"),
            {"now": day(1, 1)},
        )
        conn.execute(
            text(
                "insert into articles (source_id, url, canonical_url, title, text, fetched_at, "
                "content_hash, version) values (1, 'https://old.example/1', "
                "'https://old.example/1', :title, :body, :now, 'h', 1)"
            ),
            {"now": day(1, 1), "title": title, "body": body},
        )


def test_the_migration_indexes_articles_stored_before_it(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine, "0002")
    _store_before_migration(engine, "Архів", "Зеленський про НАТО")
    upgrade(engine)
    from stancewatch.db import session_factory

    with session_scope(session_factory(engine)) as s:
        assert [h.title for h in search(s, "Зеленський НАТО")] == ["Архів"]
    engine.dispose()
