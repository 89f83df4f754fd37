"""The change rule of the tracker, on plain records (no database, no engine)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from stancewatch.analyze.tracker import ChangeRule, Evidence, track

RULE = ChangeRule(confidence=0.85, min_stories=2, window=timedelta(days=7),
                  late_after=timedelta(days=7))  # fmt: skip
T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
_refs = itertools.count(1)


def ev(
    day: float,
    stance: str,
    conf: float = 0.6,
    story: int | None = None,
    actor: str = "Zelenskyy",
    known_after: float = 0.1,
) -> Evidence:
    """A statement published ``day`` days after T0, fetched ``known_after`` days later."""
    ref = next(_refs)
    published = T0 + timedelta(days=day)
    return Evidence(
        ref=ref,
        actor=actor,
        stance=stance,
        confidence=conf,
        published=published,
        known_at=published + timedelta(days=known_after),
        story=ref if story is None else story,
        order=(ref,),
    )


def test_baseline_is_not_a_change():
    result = track([ev(0, "support", 0.95)], RULE)
    assert result.changes == []
    assert result.states["Zelenskyy"].stance == "support"


def test_one_high_confidence_opposite_statement_changes():
    base, flip = ev(0, "support"), ev(30, "oppose", 0.9)
    result = track([flip, base], RULE)  # input order does not matter
    [change] = result.changes
    assert (change.old_stance, change.new_stance) == ("support", "oppose")
    assert change.statement == flip.ref and change.previous_statement == base.ref
    assert change.changed_at == flip.published and change.stories == 1
    assert result.states["Zelenskyy"].stance == "oppose"


def test_one_weak_opposite_statement_does_not_change():
    result = track([ev(0, "support"), ev(30, "oppose", 0.6)], RULE)
    assert result.changes == []
    assert result.states["Zelenskyy"].stance == "support"


def test_two_weak_statements_from_distinct_stories_within_window_change():
    a, b = ev(30, "oppose", 0.6), ev(33, "oppose", 0.7)
    [change] = track([ev(0, "support"), a, b], RULE).changes
    assert change.statement == b.ref
    assert set(change.statements) == {a.ref, b.ref} and change.stories == 2


def test_two_weak_statements_further_apart_than_the_window_do_not_change():
    result = track([ev(0, "support"), ev(30, "oppose"), ev(40, "oppose")], RULE)
    assert result.changes == []


def test_two_copies_of_one_story_count_once():
    copies = [ev(30, "oppose", 0.6, story=77), ev(30.5, "oppose", 0.7, story=77)]
    assert track([ev(0, "support"), *copies], RULE).changes == []
    third = ev(32, "oppose", 0.6, story=78)
    [change] = track([ev(0, "support"), *copies, third], RULE).changes
    assert change.stories == 2


def test_old_coverage_discovered_late_takes_part_in_history_as_backfill():
    base = ev(300, "support", 0.9)
    old = ev(0, "oppose", 0.99, known_after=400)  # a 2024 piece found a year later
    result = track([base, old], RULE)
    # in publication order: oppose (found late), then support: a change the live system could
    # not have known when it happened, so history, not an alert
    [change] = result.changes
    assert (change.old_stance, change.new_stance, change.backfill) == ("oppose", "support", True)
    assert result.blocked == []
    assert result.states["Zelenskyy"].stance == "support"  # the newer stance stands
    assert result.states["Zelenskyy"].statement == base.ref


def test_a_backfill_builds_changes_in_publication_order_all_marked_backfill():
    archive = [
        ev(0, "support", 0.9, known_after=500),
        ev(100, "oppose", 0.9, known_after=400),
        ev(200, "support", 0.6, story=1, known_after=300),
        ev(201, "support", 0.6, story=2, known_after=299),
    ]
    result = track(archive, RULE)
    assert [(c.old_stance, c.new_stance, c.backfill) for c in result.changes] == [
        ("support", "oppose", True),
        ("oppose", "support", True),
    ]
    assert [c.rule for c in result.changes] == ["confidence", "stories"]
    assert result.changes[1].stories == 2 and len(result.changes[1].pending) == 2


def test_live_news_after_a_backfill_is_a_live_change():
    archive = [ev(0, "support", 0.9, known_after=500)]  # known at day 500
    live = ev(499, "oppose", 0.9, known_after=1.2)  # today's news, fetched a day later
    [change] = track([*archive, live], RULE).changes
    assert (change.new_stance, change.backfill) == ("oppose", False)


def test_late_coverage_never_flips_a_live_stance_and_is_recorded_as_blocked():
    # Published after the baseline, but only found long after: never flips, kept as blocked.
    late = ev(100, "oppose", 0.99, known_after=60)
    result = track([ev(0, "support"), late], RULE)
    assert result.changes == []
    [blocked] = result.blocked
    assert (blocked.blocked, blocked.backfill, blocked.statement) == (True, True, late.ref)
    assert result.states["Zelenskyy"].stance == "support"


def test_weak_late_coverage_against_a_live_stance_is_neither_applied_nor_recorded():
    result = track([ev(0, "support"), ev(100, "oppose", 0.6, known_after=60)], RULE)
    assert result.changes == [] and result.blocked == []


def test_late_baseline_then_timely_evidence_is_a_backfill_change():
    late = ev(0, "oppose", 0.9, known_after=700)
    timely = ev(300, "support", 0.9)
    result = track([late, timely], RULE)
    [change] = result.changes  # known only at day 700: history, not an alert
    assert (change.new_stance, change.backfill) == ("support", True)
    assert result.states["Zelenskyy"].stance == "support"


def test_late_baseline_known_before_new_evidence_is_a_real_baseline():
    late = ev(0, "oppose", 0.9, known_after=10)
    [change] = track([late, ev(20, "support", 0.9)], RULE).changes
    assert (change.old_stance, change.new_stance, change.backfill) == ("oppose", "support", False)


def test_the_rule_off_makes_nothing_backfill_and_the_same_changes():
    evidence = [ev(0, "support", 0.9, known_after=500), ev(100, "oppose", 0.9, known_after=400)]
    on = track(evidence, RULE).changes
    off = track(evidence, replace(RULE, late_after=None)).changes
    assert [(c.changed_at, c.new_stance) for c in on] == [(c.changed_at, c.new_stance) for c in off]
    assert [c.backfill for c in on] == [True] and [c.backfill for c in off] == [False]


def test_flip_flop_inside_a_window_gives_at_most_one_change():
    week = [
        ev(30, "oppose", 0.9),
        ev(31, "support", 0.9),
        ev(32, "oppose", 0.9),
        ev(33, "support", 0.95),
        ev(34, "oppose", 0.6),
        ev(35, "oppose", 0.6),
    ]
    result = track([ev(0, "support"), *week], RULE)
    assert len(result.changes) == 1
    assert result.changes[0].new_stance == "oppose"


def test_flip_back_needs_the_same_strength_again():
    changed = [ev(0, "support"), ev(30, "oppose", 0.9)]
    # Support evidence from before the change does not help to flip back.
    before = ev(29, "support", 0.6)
    result = track([*changed, before, ev(40, "support", 0.6)], RULE)
    assert len(result.changes) == 1
    result = track([*changed, ev(40, "support", 0.6), ev(41, "support", 0.6)], RULE)
    assert [c.new_stance for c in result.changes] == ["oppose", "support"]


def test_neutral_never_changes():
    neutral = [ev(10 + i, "neutral", 0.99) for i in range(5)]
    result = track([ev(0, "support"), *neutral], RULE)
    assert result.changes == []
    assert result.states["Zelenskyy"].stance == "support"
    assert "Zelenskyy" not in track(neutral, RULE).states


def test_actors_are_tracked_independently():
    items = [
        ev(0, "support", actor="Orban"),
        ev(0, "oppose", actor="Merz"),
        ev(20, "oppose", 0.9, actor="Orban"),
    ]
    result = track(items, RULE)
    assert [(c.actor, c.new_stance) for c in result.changes] == [("Orban", "oppose")]
    assert result.states["Merz"].stance == "oppose"


def test_replay_is_deterministic_whatever_the_input_order():
    rng = random.Random(5)
    items = [
        ev(rng.uniform(0, 200), rng.choice(["support", "oppose", "neutral"]), rng.random())
        for _ in range(300)
    ]
    first = track(items, RULE).changes
    for _ in range(3):
        rng.shuffle(items)
        assert track(items, RULE).changes == first
    assert first, "the random history should contain some changes"
    gaps = [b.changed_at - a.changed_at for a, b in itertools.pairwise(first)]
    assert all(g >= RULE.window for g in gaps)


def test_a_strong_timely_statement_is_live_even_with_late_evidence_pending():
    base = ev(0, "support", 0.9, known_after=25)  # a backfilled stance: not live
    late_weak = ev(29, "oppose", 0.6, known_after=20)  # pending, found late
    strong = ev(30, "oppose", 0.9)  # one strong statement, found in time, decides alone
    [change] = track([base, late_weak, strong], replace(RULE, min_stories=5)).changes
    assert (change.rule, change.backfill, change.stories) == ("confidence", False, 2)
