"""Zelenskyy's stance over real coverage, with the real stance engine, on both databases.

Fixture articles come from the seed documents (tests/fixtures/seeds/): 2024 coverage of his
support (a Censor.NET item and a syndicated Reuters story), CNBC's December 2025 report that he
offers to drop the bid (and an aggregator's copy of it), the Kachka interview of January 2026,
and a one-off ambiguous mention afterwards.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fixtures.stored import add_article, invoke
from sqlalchemy import select

from stancewatch.analyze.runner import analyze_pending
from stancewatch.db import session_scope
from stancewatch.flow import restance
from stancewatch.history import queries
from stancewatch.models import ActorState, Statement
from stancewatch.stance import engine as engine_module  # noqa: E402

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed(name: str) -> list[str]:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture(scope="module")
def actors():
    from stancewatch.actors import load_actors

    return load_actors(None)


@pytest.fixture(scope="module")
def real_engine(actors):
    return engine_module.StanceEngine(actors)


def censor_item(line_no: int, headline: str) -> tuple[str, str]:
    """One item of the Censor.NET tag page as an article: its headline, then its lead
    (without the photo caption before it and the view/comment counters after it)."""
    line = seed("001")[line_no - 1]
    assert headline in line
    lead = line.split(headline, 1)[1].rsplit(" Previously in trend", 1)[0]
    return headline, re.sub(r"(\s\d+)+$", "", lead).strip()


def seed_timeline(sessions) -> dict[str, int]:
    ids = {}
    title, text = censor_item(
        25, "Zelenskyy: Entire territory of Ukraine should receive invitation to NATO"
    )
    ids["censor"] = add_article(sessions, text, at(2024, 11, 30), title=title, source="censor")
    reuters = [line for line in seed("002") if line and line != "close"]
    ids["reuters"] = add_article(
        sessions, "\n".join(reuters[1:]), at(2024, 12, 22, 15), title=reuters[0], source="scraper"
    )
    ids["reuters_copy"] = add_article(
        sessions,
        "\n".join(reuters[2:] + ["Source: Reuters"]),
        at(2024, 12, 22, 19),
        title=reuters[0],
        source="aggregator",
        copy_of=ids["reuters"],
    )
    cnbc = seed("004")
    ids["cnbc"] = add_article(
        sessions, "\n".join(cnbc[1:]), at(2025, 12, 15), title=cnbc[0], source="cnbc"
    )
    ids["cnbc_copy"] = add_article(
        sessions,
        "\n".join(cnbc[3:-1]),
        at(2025, 12, 15, 14),
        title=cnbc[0],
        source="aggregator",
        copy_of=ids["cnbc"],
    )
    kachka = seed("000")
    ids["kachka"] = add_article(
        sessions,
        "\n".join(kachka[1:]),
        at(2026, 1, 6, 12),
        title="Kachka: no one renounces the course to NATO enshrined in the Constitution",
        source="fakty",
    )
    title, text = censor_item(
        27, "Zelenskyy will call Biden soon: they will talk about invitation to NATO"
    )
    ids["ambiguous"] = add_article(sessions, text, at(2026, 1, 12), title=title, source="censor")
    return ids


def zelenskyy_changes(session, name):
    return queries.change_rows(session, actor=name)


def test_zelenskyy_changes_once_support_to_oppose(sessions, settings, real_engine, actors):
    ids = seed_timeline(sessions)
    analyze_pending(settings, sessions, real_engine)
    with session_scope(sessions) as s:
        name = queries.resolve_actor(s, "Zelenskyy", actors)
        history = queries.history(s, name)
        changes = zelenskyy_changes(s, name)
        state = s.get(ActorState, name)
        by_id = {st.id: st.article_id for st in s.scalars(select(Statement))}
    detail = json.dumps(history, indent=1, ensure_ascii=False)
    assert [(c["old_stance"], c["new_stance"]) for c in changes] == [("support", "oppose")], detail
    [change] = changes
    assert change["changed_at"].startswith("2025-12-15")
    assert change["evidence"] and change["previous_evidence"]
    with session_scope(sessions) as s:
        from stancewatch.models import StanceChange

        row = s.get(StanceChange, change["id"])
        assert by_id[row.statement_id] in {ids["cnbc"], ids["cnbc_copy"]}
        assert by_id[row.previous_statement_id] in {
            ids["censor"],
            ids["reuters"],
            ids["reuters_copy"],
        }
        assert row.stories == 1  # the CNBC story and its aggregator copy are one story
    # Neither the Kachka interview nor the ambiguous mention flips him back.
    assert state is not None and state.stance == "oppose"
    # Replaying everything gives the same change, same row.
    restance(settings, sessions, real_engine)
    with session_scope(sessions) as s:
        assert zelenskyy_changes(s, name) == changes


def test_copies_of_one_story_count_once(sessions, settings, real_engine, actors):
    """With no single statement strong enough, CNBC plus its copy is one story: no change;
    a second, distinct story within the window makes the change, from two stories."""
    seed_timeline(sessions)
    weak_only = settings.replace(change_confidence=1.01)
    analyze_pending(weak_only, sessions, real_engine)
    with session_scope(sessions) as s:
        name = queries.resolve_actor(s, "Zelenskyy", actors)
        assert zelenskyy_changes(s, name) == []
    add_article(
        sessions,
        "Ukrainian President Volodymyr Zelenskyy said Ukraine is willing to give up its bid to "
        "join NATO in exchange for security guarantees from the United States and Europe.",
        at(2025, 12, 16),
        title="Zelenskyy ready to give up NATO bid for security guarantees",
        source="wire",
    )
    analyze_pending(weak_only, sessions, real_engine)
    with session_scope(sessions) as s:
        [change] = zelenskyy_changes(s, name)
        assert (change["old_stance"], change["new_stance"], change["stories"]) == (
            "support",
            "oppose",
            2,
        )


def test_cli_analyze_and_history_by_alias(sessions, runner, db_url):
    seed_timeline(sessions)
    result = invoke(runner, db_url, "analyze", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles"] == 7 and summary["changes_new"] >= 1
    result = invoke(runner, db_url, "history", "Zelensky", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"support", "oppose"} <= {r["stance"] for r in rows}
    assert all(r["url"].startswith("https://") and r["outlet"] for r in rows)
    result = invoke(
        runner,
        db_url,
        "changes",
        "--since",
        "2025-12-01",
        "--until",
        "2025-12-31",
        "--format",
        "json",
    )
    assert any(c["new_stance"] == "oppose" for c in json.loads(result.output))
