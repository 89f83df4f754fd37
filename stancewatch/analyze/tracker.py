"""The change rule: each actor's established stance, and the changes strong enough to alert.

Pure logic over plain records, so it can be replayed: the same evidence always gives the same
states and changes, whether it arrives in one ``restance`` or over many ``analyze`` runs.

Per actor, in publication-time order (ties broken by article and offset):

* the first support/oppose statement is the **baseline**, not a change;
* a statement of the other stance is **strong** when its confidence is at least
  ``rule.confidence``, or when statements of that stance from at least ``rule.min_stories``
  distinct stories (near-duplicate copies share a story) fall inside ``rule.window``;
* strong evidence changes the stance unless the actor already changed inside the window
  (at most one change per actor per window); evidence gathered before a change never counts
  toward flipping back, so a flip straight back needs the same strength again;
* neutral statements never change anything;
* **late coverage** (fetched more than ``rule.late_after`` after its publication, by default the
  window; ``Settings.late_coverage_days``) is recorded but
  never changes a stance. It may stand in as a *provisional* baseline for an actor nobody had
  seen yet; a timely statement published before that late article was known replaces it
  silently, because at that time the system could not have known the late one.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

POSITIONS = ("support", "oppose")


@dataclass(frozen=True)
class ChangeRule:
    """Thresholds of the change rule (from ``Settings.change_*``, where the defaults live)."""

    confidence: float
    min_stories: int
    window: timedelta
    #: Coverage fetched more than this after its publication is late; None: nothing is late
    #: (the demo replays 2024-2025 coverage on purpose).
    late_after: timedelta | None

    @classmethod
    def from_settings(cls, settings) -> ChangeRule:  # type: ignore[no-untyped-def]
        return cls(
            confidence=settings.change_confidence,
            min_stories=settings.change_min_stories,
            window=timedelta(days=settings.change_window_days),
            late_after=(
                timedelta(days=settings.late_coverage_days)
                if settings.late_coverage_days > 0
                else None
            ),
        )


@dataclass(frozen=True)
class Evidence:
    """One stored statement as the tracker sees it.

    ``ref`` identifies the statement to the caller (a row id), ``story`` its story (the
    first stored copy's article id); ``order`` breaks ties between
    statements published at the same moment and must not depend on row ids, so that a
    replay after ``restance`` (new ids) orders them the same way.
    """

    ref: int
    actor: str
    stance: str
    confidence: float
    published: datetime
    known_at: datetime
    story: int
    order: tuple = ()

    def is_late(self, rule: ChangeRule) -> bool:
        return rule.late_after is not None and self.known_at - self.published > rule.late_after


@dataclass(frozen=True)
class Change:
    """A stance change: ``statements`` are the evidence that decided it (one per story)."""

    actor: str
    old_stance: str
    new_stance: str
    changed_at: datetime
    statement: int
    previous_statement: int | None
    statements: tuple[int, ...]
    stories: int


@dataclass
class ActorTrack:
    """The running state of one actor."""

    actor: str
    stance: str | None = None
    since: datetime | None = None
    statement: int | None = None
    #: The latest statement of the current stance: "what the actor said before" in an alert.
    latest: int | None = None
    provisional: bool = False
    known_at: datetime | None = None
    last_change_at: datetime | None = None
    #: Opposite evidence inside the window, oldest first, and how many per story: a busy
    #: actor has thousands of statements a window, so nothing here may cost a pass over them.
    pending: deque[Evidence] = field(default_factory=deque)
    stories: Counter[int] = field(default_factory=Counter)

    def establish(self, ev: Evidence, provisional: bool = False) -> None:
        self.stance, self.since, self.statement, self.latest = (
            ev.stance,
            ev.published,
            ev.ref,
            ev.ref,
        )
        self.provisional, self.known_at = provisional, ev.known_at
        self.pending, self.stories = deque(), Counter()


@dataclass
class TrackResult:
    states: dict[str, ActorTrack]
    changes: list[Change]


def sort_key(ev: Evidence) -> tuple:
    return (ev.published, ev.order, ev.actor)


def track(evidence: Iterable[Evidence], rule: ChangeRule) -> TrackResult:
    """Replay ``evidence`` (any order) and return every actor's state and all changes."""
    by_actor: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        if ev.stance in POSITIONS:
            by_actor[ev.actor].append(ev)
    states: dict[str, ActorTrack] = {}
    changes: list[Change] = []
    for actor in sorted(by_actor):
        state = ActorTrack(actor)
        for ev in sorted(by_actor[actor], key=sort_key):
            change = step(state, ev, rule)
            if change is not None:
                changes.append(change)
        states[actor] = state
    changes.sort(key=lambda c: (c.changed_at, c.actor))
    return TrackResult(states, changes)


def step(state: ActorTrack, ev: Evidence, rule: ChangeRule) -> Change | None:
    """Apply one support/oppose statement to ``state``; return the change it makes, if any."""
    if ev.is_late(rule):
        if state.stance is None:
            state.establish(ev, provisional=True)
        return None
    if state.stance is None:
        state.establish(ev)
        return None
    if state.provisional:
        if state.known_at is not None and ev.published < state.known_at:
            state.establish(ev)  # the late baseline was not known yet when this came out
            return None
        state.provisional = False
    if ev.stance == state.stance:
        state.latest = ev.ref
        return None
    return _opposite(state, ev, rule)


def _opposite(state: ActorTrack, ev: Evidence, rule: ChangeRule) -> Change | None:
    """Evidence of the other stance: gather it, and change when it is strong enough."""
    horizon = ev.published - rule.window
    pending, stories = state.pending, state.stories
    while pending and pending[0].published < horizon:  # evidence comes in time order
        old = pending.popleft()
        stories[old.story] -= 1
        if not stories[old.story]:
            del stories[old.story]
    pending.append(ev)
    stories[ev.story] += 1
    if state.last_change_at is not None and ev.published - state.last_change_at < rule.window:
        return None  # one change per actor per window: no alert storm in a mixed week
    if ev.confidence < rule.confidence and len(stories) < rule.min_stories:
        return None  # not strong yet: one high-confidence statement or enough stories
    decisive = _decisive(pending, ev)
    assert state.stance is not None
    change = Change(
        actor=state.actor,
        old_stance=state.stance,
        new_stance=ev.stance,
        changed_at=ev.published,
        statement=ev.ref,
        previous_statement=state.latest,
        statements=tuple(p.ref for p in decisive),
        stories=len({p.story for p in decisive}),
    )
    state.establish(ev)
    state.last_change_at = ev.published
    return change


def _decisive(pending: Iterable[Evidence], ev: Evidence) -> list[Evidence]:
    """The statements that make ``ev`` strong: one per story, ``ev`` for its own."""
    per_story: dict[int, Evidence] = {}
    for p in pending:
        best = per_story.get(p.story)
        if p.story != ev.story and (best is None or p.confidence > best.confidence):
            per_story[p.story] = p
    return sorted([*per_story.values(), ev], key=sort_key)
