"""The change rule of the tracker, on plain records (no database, no engine)."""

from __future__ import annotations

import itertools
import random
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


def test_old_coverage_discovered_late_does_not_flip():
    base = ev(300, "support", 0.9)
    old = ev(0, "oppose", 0.99, known_after=400)  # a 2024 piece found a year later
    result = track([base, old], RULE)
    assert result.changes == []
    assert result.states["Zelenskyy"].stance == "support"
    assert result.states["Zelenskyy"].statement == base.ref


def test_late_coverage_never_changes_even_when_newer_than_the_stance():
    # Published after the baseline, but only found long after: recorded, never flips.
    result = track([ev(0, "support"), ev(100, "oppose", 0.99, known_after=60)], RULE)
    assert result.changes == []


def test_late_baseline_gives_way_to_timely_evidence_from_before_it_was_known():
    late = ev(0, "oppose", 0.9, known_after=700)
    timely = ev(300, "support", 0.9)
    result = track([late, timely], RULE)
    assert result.changes == []  # replay gives what live analysis gave: a support baseline
    assert result.states["Zelenskyy"].stance == "support"


def test_late_baseline_known_before_new_evidence_is_a_real_baseline():
    late = ev(0, "oppose", 0.9, known_after=10)
    [change] = track([late, ev(20, "support", 0.9)], RULE).changes
    assert (change.old_stance, change.new_stance) == ("oppose", "support")


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
