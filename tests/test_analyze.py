"""The analyze stage on both databases: statements, resumability, restance, history/changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fixtures.stored import add_article, invoke
from sqlalchemy import func, select

from stancewatch.analyze.runner import AnalyzeSummary, analyze_pending
from stancewatch.db import session_scope
from stancewatch.flow import restance  # with the withdrawal of retracted alerts
from stancewatch.models import (
    ActorQueue,
    ActorState,
    Article,
    ArticleVersion,
    OutboxMessage,
    StanceChange,
    Statement,
    stance_change_statements,
)

D = datetime(2025, 1, 1, 9, tzinfo=UTC)


class PhraseAnalyzer:
    """A scripted analyzer for a tiny language: lines "ACTOR backs|blocks|mentions ...",
    confidence 0.95 with "strongly", else 0.6.

    These tests are about storage, resumption and replay, which need exact stances and
    confidences; the real engine runs in tests/test_timeline.py on the seed documents.
    """

    def analyze(self, text, published=None):
        from types import SimpleNamespace

        out, pos = [], 0
        for line in text.split("\n"):
            words = line.split()
            if len(words) >= 2 and words[1] in {"backs", "blocks", "mentions"}:
                stance = {"backs": "support", "blocks": "oppose", "mentions": "neutral"}[words[1]]
                conf = 0.95 if "strongly" in words else 0.6
                out.append(
                    SimpleNamespace(
                        actor=words[0], actor_kind="person", stance=stance, confidence=conf,
                        evidence=line, start=pos, end=pos + len(line), cue=words[1],
                    )
                )  # fmt: skip
            pos += len(line) + 1
        return out


@pytest.fixture
def stance_engine():
    return PhraseAnalyzer()


def snapshot(sessions):
    """Everything the tracker wrote, without timestamps of bookkeeping."""
    with session_scope(sessions) as s:
        statements = s.execute(
            select(
                Statement.id, Statement.article_id, Statement.actor, Statement.stance,
                Statement.confidence, Statement.span_start, Statement.span_end,
            ).order_by(Statement.id)
        ).all()  # fmt: skip
        states = s.execute(
            select(ActorState.actor, ActorState.stance, ActorState.since, ActorState.statement_id)
            .order_by(ActorState.actor)
        ).all()  # fmt: skip
        changes = s.execute(
            select(
                StanceChange.id, StanceChange.actor, StanceChange.old_stance,
                StanceChange.new_stance, StanceChange.changed_at, StanceChange.statement_id,
                StanceChange.previous_statement_id, StanceChange.stories, StanceChange.evidence,
                StanceChange.previous_evidence, StanceChange.retracted_at,
                StanceChange.backfill, StanceChange.blocked, StanceChange.event_key,
                StanceChange.reason,
            ).order_by(StanceChange.id)
        ).all()  # fmt: skip
        links = s.execute(select(stance_change_statements).order_by("change_id", "statement_id"))
        return {
            "statements": statements,
            "states": states,
            "changes": changes,
            "links": links.all(),
        }


def seed_flip(sessions):
    add_article(sessions, "Zelenskyy backs membership", D)
    add_article(sessions, "Zelenskyy blocks it", D + timedelta(days=30))
    story = add_article(sessions, "Zelenskyy blocks it again", D + timedelta(days=32))
    add_article(
        sessions, "Zelenskyy blocks it again", D + timedelta(days=32, hours=5), copy_of=story
    )
    add_article(sessions, "Orban blocks strongly\nZelenskyy mentions", D + timedelta(days=3))


def test_analyze_writes_statements_states_and_a_change(sessions, settings, stance_engine):
    seed_flip(sessions)
    summary = analyze_pending(settings, sessions, stance_engine)
    assert summary.articles == 5 and summary.statements_written == 6
    assert summary.changes_new == 1
    snap = snapshot(sessions)
    assert [(a, s) for a, s, *_ in snap["states"]] == [("Orban", "oppose"), ("Zelenskyy", "oppose")]
    [change] = snap["changes"]
    assert (change.old_stance, change.new_stance) == ("support", "oppose")
    assert change.evidence == "Zelenskyy blocks it again"
    assert change.previous_evidence == "Zelenskyy backs membership"
    assert change.stories == 2 and len(snap["links"]) == 2
    again = analyze_pending(settings, sessions, stance_engine)
    assert again.articles == 0 and snapshot(sessions) == snap


class Crash(BaseException):
    """Stands for the process being killed midway (not an error the stage may catch)."""


class CrashingAfter:
    """The real analyzer, killed after ``n`` articles."""

    def __init__(self, inner, n):
        self.inner, self.left = inner, n

    def analyze(self, text, published=None):
        if self.left == 0:
            raise Crash
        self.left -= 1
        return self.inner.analyze(text, published)


def count(sessions, model):
    with session_scope(sessions) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_crash_midway_resumes_without_duplicates(sessions, settings, stance_engine):
    seed_flip(sessions)
    with pytest.raises(Crash):
        analyze_pending(settings, sessions, CrashingAfter(stance_engine, 3), batch_size=2)
    with session_scope(sessions) as s:
        done = s.scalar(select(func.count()).where(Article.analyzed_at.is_not(None)))
    assert done == 2  # the first batch committed, the second rolled back whole
    summary = analyze_pending(settings, sessions, stance_engine, batch_size=2)
    assert summary.articles == 3
    assert count(sessions, Statement) == 6
    assert [c.new_stance for c in snapshot(sessions)["changes"]] == ["oppose"]


def test_limit_stops_and_the_next_run_continues(sessions, settings, stance_engine):
    seed_flip(sessions)
    assert analyze_pending(settings, sessions, stance_engine, limit=2).articles == 2
    assert analyze_pending(settings, sessions, stance_engine).articles == 3
    assert count(sessions, Statement) == 6


def test_restance_twice_gives_identical_rows_and_keeps_change_ids(
    sessions, settings, stance_engine
):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    first = snapshot(sessions)
    summary = restance(settings, sessions, stance_engine)
    assert summary.articles == 5 and summary.statements_written == 0
    assert summary.changes_kept == 1 and summary.changes_new == 0
    assert snapshot(sessions) == first
    restance(settings, sessions, stance_engine)
    assert snapshot(sessions) == first


def test_incremental_analysis_equals_restance(sessions, settings, stance_engine):
    days = [0, 3, 9, 10, 12, 20, 21, 40, 41, 43, 60]
    lines = ["backs", "blocks", "blocks", "backs strongly", "blocks", "blocks strongly"]
    for i, day in enumerate(days):
        add_article(
            sessions,
            f"Zelenskyy {lines[i % len(lines)]}\nOrban {lines[(i * 5) % 6]}",
            D + timedelta(days=day),
        )
        if i % 3 == 2:
            analyze_pending(settings, sessions, stance_engine)
    analyze_pending(settings, sessions, stance_engine)
    incremental = snapshot(sessions)
    assert len(incremental["changes"]) >= 3
    restance(settings, sessions, stance_engine)
    assert snapshot(sessions) == incremental


def _outbox(session, change_id, status, target):
    session.add(
        OutboxMessage(
            change_id=change_id, subject_key=f"change:{change_id}", target_key=target,
            target_redacted=target, status=status,
        )
    )  # fmt: skip


def test_restance_after_a_rule_change_never_duplicates_alerts(sessions, settings, stance_engine):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    [change] = snapshot(sessions)["changes"]
    with session_scope(sessions) as s:
        _outbox(s, change.id, "sent", "mail")
        _outbox(s, change.id, "pending", "slack")
    # Stricter rule: two stories are no longer enough, the change disappears (retracted).
    strict = settings.replace(change_min_stories=3)
    summary = restance(strict, sessions, stance_engine)
    assert summary.changes_retracted == 1
    with session_scope(sessions) as s:
        row = s.get(StanceChange, change.id)
        assert row is not None and row.retracted_at is not None
        assert [o.status for o in s.scalars(select(OutboxMessage))] == ["sent"]
        assert s.get(ActorState, "Zelenskyy").stance == "support"
    # Back to the old rule: the same row comes back, nothing new to send.
    summary = restance(settings, sessions, stance_engine)
    assert (summary.changes_new, summary.changes_kept) == (0, 1)
    [again] = snapshot(sessions)["changes"]
    assert again.id == change.id and again.retracted_at is None
    assert count(sessions, OutboxMessage) == 1


def test_old_coverage_found_late_never_flips_a_live_stance_and_is_kept_as_blocked(
    sessions, settings, stance_engine
):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    before = snapshot(sessions)
    old = D - timedelta(days=200)
    add_article(sessions, "Zelenskyy backs strongly", old, fetched=D + timedelta(days=60))
    add_article(
        sessions, "Zelenskyy backs strongly", D + timedelta(days=33), fetched=D + timedelta(days=61)
    )
    summary = analyze_pending(settings, sessions, stance_engine)
    assert summary.statements_written == 2
    assert (summary.changes_blocked, summary.changes_backfill) == (1, 0)
    after = snapshot(sessions)
    # the live change and the states stand; the late article that would have flipped the
    # stance back is recorded as such, blocked (and never alerted)
    assert after["changes"][:1] == before["changes"] and after["states"] == before["states"]
    [blocked] = after["changes"][1:]
    assert (blocked.new_stance, blocked.blocked, blocked.backfill) == ("support", True, True)
    restance(settings, sessions, stance_engine)
    assert snapshot(sessions) == after


def test_a_newer_copy_of_known_evidence_moves_no_alert(sessions, settings, stance_engine):
    """Evidence of the same change arriving out of order within the window moves the
    recorded change instead of alerting twice."""
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    [change] = snapshot(sessions)["changes"]
    add_article(
        sessions,
        "Zelenskyy blocks strongly",
        D + timedelta(days=29),
        fetched=D + timedelta(days=33),
    )
    summary = analyze_pending(settings, sessions, stance_engine)
    assert (summary.changes_new, summary.changes_moved) == (0, 1)
    [moved] = snapshot(sessions)["changes"]
    assert moved.id == change.id and moved.changed_at == D + timedelta(days=29)


def one_line_error(result, code, start):
    lines = result.output.strip().splitlines()
    assert result.exit_code == code, result.output
    assert len(lines) == 1 and lines[0].startswith(start), result.output


def test_history_and_changes_commands(sessions, settings, stance_engine, runner, db_url):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    result = invoke(runner, db_url, "history", "zelenskyy", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["stance"] for r in rows] == ["support", "neutral", "oppose", "oppose", "oppose"]
    assert rows[0]["outlet"] == "wire" and rows[0]["url"].startswith("https://wire.example/")
    assert rows[0]["evidence"] == "Zelenskyy backs membership"
    assert rows == sorted(rows, key=lambda r: r["date"])
    result = invoke(
        runner,
        db_url,
        "history",
        "Zelenskyy",
        "--since",
        "2025-02-01",
        "--until",
        "2025-02-02",
        "--format",
        "jsonl",
    )
    dates = [json.loads(line)["date"][:10] for line in result.output.splitlines()]
    assert dates == ["2025-02-02", "2025-02-02"]
    table = invoke(runner, db_url, "history", "Zelenskyy")
    assert table.exit_code == 0 and "2025-01-01" in table.output and "support" in table.output

    result = invoke(runner, db_url, "changes", "--format", "json")
    [change] = json.loads(result.output)
    assert (change["actor"], change["old_stance"], change["new_stance"]) == (
        "Zelenskyy",
        "support",
        "oppose",
    )
    assert change["evidence"] == "Zelenskyy blocks it again"
    assert change["previous_evidence"] == "Zelenskyy backs membership"
    assert change["changed_at"].startswith("2025-02-02")
    later = invoke(runner, db_url, "changes", "--since", "2025-02-03", "--format", "json")
    assert json.loads(later.output) == []
    table = invoke(runner, db_url, "changes")
    assert table.exit_code == 0 and "2025-02-02" in table.output and "oppose" in table.output


def test_history_and_changes_one_line_errors(sessions, settings, stance_engine, runner, db_url):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    one_line_error(
        invoke(runner, db_url, "history", "Nobody Atall"), 2, "Error: unknown actor: Nobody Atall"
    )
    one_line_error(
        invoke(runner, db_url, "history", "Zelenskyy", "--since", "last week"),
        2,
        "Error: --since: not a date",
    )
    one_line_error(
        invoke(runner, db_url, "changes", "--until", "2025-13-45"), 2, "Error: --until: not a date"
    )
    one_line_error(
        invoke(runner, db_url, "changes", "--actor", "Nobody"), 2, "Error: unknown actor: Nobody"
    )


def test_an_outlet_update_does_not_make_old_evidence_late(sessions, settings, stance_engine):
    seed_flip(sessions)
    analyze_pending(settings, sessions, stance_engine)
    before = snapshot(sessions)
    with session_scope(sessions) as s:
        art = s.scalars(select(Article).where(Article.text == "Zelenskyy blocks it")).one()
        s.add(
            ArticleVersion(
                article_id=art.id, version=1, title=art.title, text=art.text,
                content_hash=art.content_hash, fetched_at=art.fetched_at,
            )
        )  # fmt: skip
        art.version, art.fetched_at = 2, art.fetched_at + timedelta(days=40)
    restance(settings, sessions, stance_engine)
    assert snapshot(sessions) == before


def test_history_and_changes_mark_live_and_backfill(sessions, settings, stance_engine, runner):
    db_url = settings.database_url
    add_article(sessions, "Zelenskyy backs membership", D, fetched=D + timedelta(days=400))
    add_article(sessions, "Zelenskyy blocks strongly", D + timedelta(days=30),
                fetched=D + timedelta(days=400))  # fmt: skip
    add_article(sessions, "Zelenskyy backs strongly", D + timedelta(days=399))
    analyze_pending(settings, sessions, stance_engine)
    changes = json.loads(invoke(runner, db_url, "changes", "--format", "json").output)
    assert [(c["new_stance"], c["kind"]) for c in changes] == [
        ("oppose", "backfill"),
        ("support", "live"),
    ]
    assert all(c["reason"]["rule"] == "confidence" for c in changes)
    live = json.loads(invoke(runner, db_url, "changes", "--live", "--format", "json").output)
    old = json.loads(invoke(runner, db_url, "changes", "--backfill", "--format", "json").output)
    assert [c["kind"] for c in live] == ["live"] and [c["kind"] for c in old] == ["backfill"]
    table = invoke(runner, db_url, "changes")
    assert table.exit_code == 0 and "backfill" in table.output and "live" in table.output
    rows = json.loads(invoke(runner, db_url, "history", "Zelenskyy", "--format", "json").output)
    assert [r["change"] for r in rows] == [
        None,
        "support → oppose (backfill)",
        "oppose → support (live)",
    ]
    exported = invoke(runner, db_url, "export", "--what", "changes", "--format", "json")
    assert [c["backfill"] for c in json.loads(exported.output)] == [True, False]


def test_replays_at_once_on_sqlite_take_turns(sqlite_url, tmp_path):
    """Two crawls finishing together replay at once: on SQLite each replay takes the write
    lock before it reads, so the second reads what the first committed (it used to read an
    actor's state as missing and fail inserting it: "UNIQUE constraint failed:
    actor_states.actor", a crawl process dying under the scheduler)."""
    import sqlite3
    import threading
    import time

    from stancewatch.analyze.runner import _replay_queue
    from stancewatch.analyze.statements import analyze_batch
    from stancewatch.db import make_engine, session_factory
    from stancewatch.settings import Settings

    settings = Settings(database_url=sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    add_article(sessions, "Fico blocks strongly", D)
    with session_scope(sessions) as s:  # statements and the actor queue, not yet replayed
        analyze_batch(s, PhraseAnalyzer(), list(s.scalars(select(Article.id))))
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another replay holds the write lock ...
    failed: list[BaseException] = []

    def replay_now() -> None:
        try:
            _replay_queue(settings, sessions, AnalyzeSummary())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failed.append(exc)

    worker = threading.Thread(target=replay_now)
    worker.start()
    time.sleep(1.0)  # ... while this one starts
    # ... and commits Fico's first state meanwhile
    other.execute(
        "INSERT INTO actor_states (actor, stance, since, updated_at) VALUES (?, ?, ?, ?)",
        ("Fico", "oppose", D.isoformat(), D.isoformat()),
    )
    other.execute("COMMIT")
    other.close()
    worker.join(30)
    assert not worker.is_alive() and failed == []
    with session_scope(sessions) as s:
        assert s.scalars(select(ActorState.actor)).all() == ["Fico"]
        assert s.scalar(select(func.count()).select_from(ActorQueue)) == 0
    engine.dispose()
