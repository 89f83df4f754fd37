"""Full-text search (migration 0003) on SQLite and PostgreSQL: Cyrillic, ranking, kept in step.

``search`` (the CLI), ``/search`` and ``/api/articles`` share ``history.queries.search``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fixtures.stored import add_article, invoke
from sqlalchemy import text

from stancewatch.db import make_engine, session_scope
from stancewatch.history.queries import search
from stancewatch.migrations import upgrade
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_pg_url")


def test_the_migration_indexes_articles_stored_before_it(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            text("insert into sources (name, kind, created_at) values ('old', 'feed', :now)"),
            {"now": day(1, 1)},
        )
        conn.execute(
            text(
                "insert into articles (source_id, url, canonical_url, title, text, fetched_at, "
                "content_hash, version) values (1, 'https://old.example/1', "
                "'https://old.example/1', 'Архів', 'Зеленський про НАТО', :now, 'h', 1)"
            ),
            {"now": day(1, 1)},
        )
    upgrade(engine)
    from stancewatch.db import session_factory

    with session_scope(session_factory(engine)) as s:
        assert [h.title for h in search(s, "Зеленський НАТО")] == ["Архів"]
    engine.dispose()
