"""The change rule: each actor's established stance, and the changes strong enough to alert.

Pure logic over plain records, so it can be replayed: the same evidence always gives the same
states and changes, whether it arrives in one ``restance`` or over many ``analyze`` runs, and
whatever the settings of the runs that stored it.

Per actor, in publication-time order (ties broken by article and offset), for all coverage
alike, whenever it was found:

* the first support/oppose statement is the **baseline**, not a change;
* a statement of the other stance is **strong** when its confidence is at least
  ``rule.confidence``, or when statements of that stance from at least ``rule.min_stories``
  distinct stories (near-duplicate copies share a story) fall inside ``rule.window``;
* strong evidence changes the stance unless the actor already changed inside the window
  (at most one change per actor per window); evidence gathered before a change never counts
  toward flipping back, so a flip straight back needs the same strength again;
* neutral statements never change anything.

**Backfill and live.** Coverage fetched more than ``rule.late_after`` after its publication
(``Settings.late_coverage_days``) is *late*. A change is **backfill** (history, never alerted)
unless it could be known in time: the evidence that decided it and the old stance it replaces
were all known within ``late_after`` of the change. A stance that timely coverage established or
confirmed is *live*: late coverage never flips it (old news does not overturn what the news of
the day said); a late statement that would have flipped it is returned in ``blocked``.
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
    #: Coverage fetched more than this after its publication is late (its changes are backfill,
    #: and it cannot flip a live stance); None: nothing is late.
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
    #: The article the statement is in (0: unknown), so a change can name the evidence.
    article: int = 0
    span: tuple[int, int] = (0, 0)

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
    #: Which part of the rule allowed it: "confidence" (one strong statement) or "stories".
    rule: str = "confidence"
    #: All evidence of the new stance inside the window when it changed, oldest first.
    pending: tuple[Evidence, ...] = ()
    #: The decisive evidence (one per story), oldest first.
    decisive: tuple[Evidence, ...] = ()
    backfill: bool = False
    #: A late statement that would have flipped a live stance: recorded, not applied.
    blocked: bool = False

    @property
    def event_key(self) -> str:
        """The piece of evidence that decided it: shared by a person and those they speak for."""
        last = self.decisive[-1] if self.decisive else None
        if last is None or not last.article:
            return f"statement:{self.statement}"
        return f"{last.article}:{last.span[0]}:{last.span[1]}"


@dataclass
class ActorTrack:
    """The running state of one actor."""

    actor: str
    stance: str | None = None
    since: datetime | None = None
    statement: int | None = None
    #: The latest statement of the current stance: "what the actor said before" in an alert.
    latest: int | None = None
    #: Publication time of the newest support/oppose evidence seen.
    latest_at: datetime | None = None
    #: When the current stance was first known (its earliest-fetched statement so far).
    known_at: datetime | None = None
    #: Timely coverage established or confirmed the current stance: late coverage cannot flip it.
    live: bool = False
    last_change_at: datetime | None = None
    #: Opposite evidence inside the window, oldest first, and how many per story: a busy
    #: actor has thousands of statements a window, so nothing here may cost a pass over them.
    pending: deque[Evidence] = field(default_factory=deque)
    stories: Counter[int] = field(default_factory=Counter)

    def establish(self, ev: Evidence, rule: ChangeRule, known_at: datetime | None = None) -> None:
        self.stance, self.since, self.statement, self.latest = (
            ev.stance,
            ev.published,
            ev.ref,
            ev.ref,
        )
        self.known_at = known_at or ev.known_at
        self.live = not ev.is_late(rule)
        self.pending, self.stories = deque(), Counter()

    def confirm(self, ev: Evidence, rule: ChangeRule) -> None:
        """Evidence of the current stance: the latest quote, and maybe known earlier or live."""
        self.latest = ev.ref
        if self.known_at is None or ev.known_at < self.known_at:
            self.known_at = ev.known_at
        self.live = self.live or not ev.is_late(rule)


@dataclass
class TrackResult:
    states: dict[str, ActorTrack]
    changes: list[Change]
    #: Late statements that would have flipped a live stance (``Change.blocked``).
    blocked: list[Change] = field(default_factory=list)


def sort_key(ev: Evidence) -> tuple:
    return (ev.published, ev.order, ev.actor)


def track(evidence: Iterable[Evidence], rule: ChangeRule) -> TrackResult:
    """Replay ``evidence`` (any order) and return every actor's state and all changes."""
    by_actor: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        if ev.stance in POSITIONS:
            by_actor[ev.actor].append(ev)
    result = TrackResult({}, [])
    for actor in sorted(by_actor):
        state = ActorTrack(actor)
        for ev in sorted(by_actor[actor], key=sort_key):
            change = step(state, ev, rule)
            if change is not None:
                (result.blocked if change.blocked else result.changes).append(change)
        result.states[actor] = state
    result.changes.sort(key=lambda c: (c.changed_at, c.actor))
    result.blocked.sort(key=lambda c: (c.changed_at, c.actor))
    return result


def step(state: ActorTrack, ev: Evidence, rule: ChangeRule) -> Change | None:
    """Apply one support/oppose statement to ``state``; return the change it makes, if any."""
    state.latest_at = ev.published
    if state.stance is None:
        state.establish(ev, rule)
        return None
    if ev.stance == state.stance:
        state.confirm(ev, rule)
        return None
    if ev.is_late(rule) and state.live:
        return _blocked(state, ev, rule)
    return _opposite(state, ev, rule)


def _prune(state: ActorTrack, now: datetime, rule: ChangeRule) -> None:
    """Drop pending evidence older than the window before ``now`` (it comes in time order)."""
    horizon = now - rule.window
    while state.pending and state.pending[0].published < horizon:
        old = state.pending.popleft()
        state.stories[old.story] -= 1
        if not state.stories[old.story]:
            del state.stories[old.story]


def _strong(ev: Evidence, stories: int, rule: ChangeRule) -> str | None:
    """The part of the rule ``ev`` meets with ``stories`` distinct stories, or None."""
    if ev.confidence >= rule.confidence:
        return "confidence"
    return "stories" if stories >= rule.min_stories else None


def _opposite(state: ActorTrack, ev: Evidence, rule: ChangeRule) -> Change | None:
    """Evidence of the other stance: gather it, and change when it is strong enough."""
    _prune(state, ev.published, rule)
    state.pending.append(ev)
    state.stories[ev.story] += 1
    if state.last_change_at is not None and ev.published - state.last_change_at < rule.window:
        return None  # one change per actor per window: no alert storm in a mixed week
    allowed = _strong(ev, len(state.stories), rule)
    if allowed is None:
        return None  # not strong yet: one high-confidence statement or enough stories
    decisive = _decisive(state.pending, ev)
    change = _change(state, ev, rule, allowed, decisive)
    state.establish(ev, rule, known_at=_known(ev, allowed, decisive))
    state.last_change_at = ev.published
    return change


def _blocked(state: ActorTrack, ev: Evidence, rule: ChangeRule) -> Change | None:
    """A late statement against a live stance: never counted; returned if it would have won."""
    _prune(state, ev.published, rule)
    stories = set(state.stories) | {ev.story}
    allowed = _strong(ev, len(stories), rule)
    if allowed is None:
        return None
    decisive = _decisive(state.pending, ev)
    return _change(state, ev, rule, allowed, decisive, blocked=True)


def _change(
    state: ActorTrack,
    ev: Evidence,
    rule: ChangeRule,
    allowed: str,
    decisive: list[Evidence],
    *,
    blocked: bool = False,
) -> Change:
    assert state.stance is not None and state.known_at is not None
    known = max(state.known_at, _known(ev, allowed, decisive))
    late = rule.late_after is not None and known - ev.published > rule.late_after
    return Change(
        actor=state.actor,
        old_stance=state.stance,
        new_stance=ev.stance,
        changed_at=ev.published,
        statement=ev.ref,
        previous_statement=state.latest,
        statements=tuple(p.ref for p in decisive),
        stories=len({p.story for p in decisive}),
        rule=allowed,
        pending=(*state.pending, *(() if state.pending and state.pending[-1] is ev else (ev,))),
        decisive=tuple(decisive),
        backfill=late or blocked,
        blocked=blocked,
    )


def _known(ev: Evidence, allowed: str, decisive: list[Evidence]) -> datetime:
    """When the evidence that allowed a change was all known: the one strong statement, or
    every story the story count needed."""
    return ev.known_at if allowed == "confidence" else max(p.known_at for p in decisive)


def pending_summary(state: ActorTrack, rule: ChangeRule) -> dict | None:
    """The evidence building up against ``state``'s stance, for the read side (None: none)."""
    if state.pending and state.latest_at is not None:
        _prune(state, state.latest_at, rule)  # what fell out of the window builds nothing
    if not state.pending:
        return None
    last = state.pending[-1]
    held = state.last_change_at is not None and last.published - state.last_change_at < rule.window
    return {
        "stance": last.stance,
        "stories": len(state.stories),
        "needed": rule.min_stories,
        "window_days": rule.window.days,
        "first": state.pending[0].published.isoformat(),
        "last": state.pending[-1].published.isoformat(),
        "confidence": round(max(p.confidence for p in state.pending), 3),
        "needed_confidence": rule.confidence,
        #: Strong enough, but the actor changed less than a window ago: held until then.
        "held_until": (
            (state.last_change_at + rule.window).isoformat()
            if held and state.last_change_at is not None
            else None
        ),
    }


def _decisive(pending: Iterable[Evidence], ev: Evidence) -> list[Evidence]:
    """The statements that make ``ev`` strong: one per story, ``ev`` for its own."""
    per_story: dict[int, Evidence] = {}
    for p in pending:
        best = per_story.get(p.story)
        if p.story != ev.story and (best is None or p.confidence > best.confidence):
            per_story[p.story] = p
    return sorted([*per_story.values(), ev], key=sort_key)
