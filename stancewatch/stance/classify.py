"""Classify a clause: support, oppose or neutral, with the cue that decided it.

Cues come from ``lexicon``; a negator in the few words before a cue flips it ("do not
support"), and so does a substitute after it ("renounces substitutes for membership" backs the
real thing). Cues that carry their own negation ("not ready to", "cannot become") are not
flipped again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from stancewatch.stance.lexicon import (
    CLAUSE_BREAK,
    CONDITION,
    CUES,
    EXCHANGE,
    FALSE_NEGATION,
    MEMBERSHIP_WORD,
    NAMES_JOINED,
    NEG_RAISING,
    NEG_RAISING_HINTS,
    NEGATOR,
    NEW_CLAUSE,
    NO_FRAME,
    OTHER_OBJECT,
    REFORMS,
    REGISTRY,
    RHETORICAL,
    SELF_NEGATED,
    STOP_BEFORE,
    SUBSTITUTE,
    TRIGGER_RE,
    TRIGGERED,
    WITHHELD,
    Folded,
    Scan,
    low_of,
)
from stancewatch.stance.trail import Fired, Reading

#: Cue properties (stancewatch/data/cues.toml; cues.PROPERTIES says what each one means).
#: Cues that take another cue as their object.
COMPOSABLE = REGISTRY.having("composable")
#: Cues of backing or opposing that may take something other than membership as object.
TAKES_OBJECT = REGISTRY.having("takes-object")
#: Cues that already judge membership: a judgement does not compose with them.
EVALUATIVE = REGISTRY.having("evaluative")
#: Cues whose pattern lets words in between: a negator there negates the cue.
GAPPED = REGISTRY.having("gapped")
#: What someone is blamed for: its own cue, not the object of the blame.
CHARGES = REGISTRY.having("charge")
#: Cues that judge the cue before them; alone, they judge membership itself.
JUDGEMENTS = REGISTRY.having("judgement")
#: Progress towards NATO: alone beside a condition, conditional backing or no position.
PROGRESS = REGISTRY.having("progress")
#: Cues that name the substitute themselves ("instead of membership").
NAMES_SUBSTITUTE = REGISTRY.having("names-substitute")
_STRONG = REGISTRY.having("strong")
#: Patterns with a leading word boundary, scanned through a relaxed copy (``lexicon.Scan``):
#: the same matches, found 1.5-4x faster on the bench's clauses.
_CONDITION = Scan(CONDITION, relax=True)
_NO_FRAME = Scan(NO_FRAME, relax=True)


@dataclass(frozen=True)
class Verdict:
    stance: str
    reading: Reading  # the cues that decided it (their trail: ``trail.py``)
    confidence: float
    at: int  # offset of the deciding cue in the text


def _window_before(text: str, start: int, words: int) -> str:
    """The last ``words`` words before ``start``."""
    return " ".join(text[:start].rsplit(None, words)[-words:])


def _window_after(text: str, end: int, words: int) -> str:
    """The first ``words`` words after ``end``."""
    return " ".join(text[end:].split(None, words)[:words])


#: A cue's vote: polarity, the cues it reads (one, or composed), confidence, offset.
_Vote = tuple[int, tuple[Fired, ...], float, int]


def _compose(clause: str, kept: list[tuple[int, int, str, int]], votes: list[_Vote]) -> list[_Vote]:
    """A verb of wanting or refusing takes the cue right after it as its object: "rejected
    calls to abandon the bid" is support, "backs dropping the bid" is oppose. The product of
    the polarities, folded from the right, is the stance."""
    out: list[_Vote] = []
    i = len(kept) - 1
    while i >= 0:
        polarity, cue, confidence, at = votes[i]
        while (
            i > 0
            and _composes(kept[i - 1][2], cue[0].name)
            and _adjacent(clause, kept[i - 1], kept[i], cue[0].name in JUDGEMENTS)
        ):
            i -= 1
            head = votes[i]
            polarity, cue = head[0] * polarity, head[1] + cue
            # a composed reading is more specific than either cue alone
            confidence, at = min(0.95, max(confidence, head[2]) + 0.02), head[3]
        out.append((polarity, cue, confidence, at))
        i -= 1
    out.reverse()
    return out


def _composes(h: str, t: str) -> bool:
    """Cue ``h`` takes cue ``t`` (the head of what follows it) as its object ("rejects calls
    to abandon"), or ``t`` judges ``h`` ("giving up on NATO would be a betrayal")."""
    if t in CHARGES:
        return False  # "blamed X for provoking the war": the charge is not blame's object
    if h in JUDGEMENTS or t in JUDGEMENTS:
        # a judgement judges an act ("giving up would be a betrayal"), not another judgement
        # ("a dangerous illusion")
        return (t if h in JUDGEMENTS else h) not in EVALUATIVE
    return h in COMPOSABLE


def _adjacent(
    clause: str, a: tuple[int, int, str, int], b: tuple[int, int, str, int], judges: bool
) -> bool:
    """Close enough, with no list or clause boundary between, for ``b`` to be ``a``'s object;
    and, unless ``b`` judges ``a`` with its object ("giving up on membership would be a
    betrayal"), ``a`` has no object of its own before ``b``: in "will not abandon NATO
    membership nor accept alternatives" membership is what is abandoned, the second act
    stands apart."""
    gap = clause[a[1] : b[0]]
    if len(gap) > 50 or CLAUSE_BREAK.search(NAMES_JOINED.sub(" ", gap)):
        return False
    return judges or not MEMBERSHIP_WORD.search(gap)


def _idle(lower: str, cue: tuple[int, int, str, int]) -> bool:
    """A cue that gives no position here: its object is something else ("backs Ukraine's
    territorial integrity"), or it is withheld ("stopped short of endorsing")."""
    start, end, name, _ = cue
    if name in TAKES_OBJECT and OTHER_OBJECT.match(lower, end):
        return True
    return bool(WITHHELD.search(_window_before(lower, start, 4)))


def _neg_raising(span: str) -> bool:
    """A negated belief or a doubt in ``span``; its literal hints are tested first, in C: the
    pattern's look-behinds make its scan slow."""
    return any(hint in span for hint in NEG_RAISING_HINTS) and bool(NEG_RAISING.search(span))


def _matches(lower: str) -> list[tuple[int, int, str, int]]:
    """(start, end, name, polarity) of every match of every cue in ``lower``, in CUES order
    (self-negated cues first); only the cues one of whose triggers is there are tried."""
    found: list[tuple[int, int, str, int]] = []
    wanted: set[int] = set()
    for trigger in set(TRIGGER_RE.findall(lower)):
        wanted |= TRIGGERED[trigger]
    for i in sorted(wanted):
        name, regex, polarity, _ = CUES[i]
        found.extend((m.start(), m.end(), name, polarity) for m in regex.finditer(lower))
    return found


def _matches_in(text: str, lo: int, hi: int, lower: str) -> list[tuple[int, int, str, int]]:
    """``_matches(lower)`` for ``lower``, the fold of ``text[lo:hi]``: memoized on a folded
    text, for the caller to copy before changing it."""
    if not isinstance(text, Folded):
        return _matches(lower)
    found = text.cue_matches.get((lo, hi))
    if found is None:
        found = text.cue_matches[lo, hi] = _matches(lower)
    return found


def read_sentence(text: str, lo: int, hi: int) -> tuple[Verdict | None, list[tuple[str, int]]]:
    """What the rules read in ``text[lo:hi]`` as a whole, whoever holds it: its verdict, and
    every cue that matches there with its polarity, as (``name``, p) or (``name~``, -p) when
    a negator is in the three words before it, whether or not it was composed, idle or
    attributed. The learned model reads both in a sentence where the rules found some holder
    no position (``features.reading_features``); the cues are matched once for both."""
    lower = low_of(text, lo, hi)
    found = _matches_in(text, lo, hi, lower)
    cues = set()
    for start, _, name, polarity in found:
        if name not in SELF_NEGATED and NEGATOR.search(_window_before(lower, start, 3)):
            cues.add((name + "~", -polarity))
        else:
            cues.add((name, polarity))
    return classify(text, lo, hi, found), sorted(cues)


def classify(
    text: str, lo: int, hi: int, found: list[tuple[int, int, str, int]] | None = None
) -> Verdict | None:
    """The stance ``text[lo:hi]`` expresses, or None when no cue is there; ``found``: the
    cues' matches in it (``_matches``), when the caller has them already. A folded text
    remembers the verdict of each span it was asked for (``Folded.verdicts``)."""
    if not isinstance(text, Folded):
        return _classify(text, lo, hi, found)
    key = (lo, hi)
    if key in text.verdicts:
        verdict: Verdict | None = text.verdicts[key]
        return verdict
    verdict = text.verdicts[key] = _classify(text, lo, hi, found)
    return verdict


def _classify(
    text: str, lo: int, hi: int, found: list[tuple[int, int, str, int]] | None
) -> Verdict | None:
    """``classify`` without the memo."""
    lower = low_of(text, lo, hi)
    exchange = EXCHANGE.search(lower) if "for" in lower else None
    if exchange is not None and exchange.start() > 0:
        given = classify(text, lo, lo + exchange.start())
        if given is None:
            # "ready to leave office in exchange for NATO membership": what is sought
            sought = classify(text, lo + exchange.end(), hi)
            if sought is not None:
                return replace(sought, reading=replace(sought.reading, sought=True))
            if MEMBERSHIP_WORD.search(lower, exchange.end()):
                return Verdict("support", Reading(sought=True), 0.75, lo + exchange.end())
        return given
    clause = text[lo:hi]
    found = (_matches_in(text, lo, hi, lower) if found is None else found).copy()
    if all(f[2] in PROGRESS for f in found) and (cond := _CONDITION.search(lower)):
        # a condition for progress: conditional backing when it is reforms, else no position
        if not REFORMS.search(lower):
            return None
        return Verdict("support", Reading.of("conditional"), 0.7, lo + cond.start())
    if not found:
        return None
    # Overlapping cues: the longer one wins ("not ready to" over "ready").
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, int]] = []
    for f in found:
        if kept and f[0] < kept[-1][1]:
            if f[1] - f[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = f
            continue
        kept.append(f)
    kept = [k for k in kept if not _idle(lower, k)]
    if not kept:
        return None
    votes: list[_Vote] = []
    previous_end = 0
    for start, end, name, polarity in kept:
        tags: list[str] = []
        confidence = 0.9 if name in _STRONG else 0.75
        # the words before the cue, but not into the cue before it ("never allow X to vote for")
        before = _window_before(lower[previous_end:], start - previous_end, 4)
        # a new subject after a comma starts a new clause: "has not changed, we are against"
        before = NEW_CLAUSE.split(before)[-1]
        stopped = bool(STOP_BEFORE.search(before))
        inner = lower[start:end] if name in GAPPED else ""  # "will never join"
        before = before + " " + inner
        if NEGATOR.search(before):  # only then look for negators that negate nothing
            before = FALSE_NEGATION.sub(" ", before)
        # a negated belief or an excluding frame anywhere since the cue before: looked for
        # only when a negator is there at all (a cheap test in C)
        span_before = lower[previous_end:start]
        far = (
            "no" in span_before
            or "n't" in span_before
            or "never" in span_before
            or "doubt" in span_before
        ) and (_neg_raising(span_before) or bool(_NO_FRAME.search(span_before)))
        negated = stopped or bool(NEGATOR.search(before)) or far
        previous_end = end if name in COMPOSABLE else previous_end
        if name not in SELF_NEGATED and negated:
            polarity, confidence = -polarity, confidence - 0.05
            tags.append("negated")
        if SUBSTITUTE.search(_window_after(lower, end, 8)) and not any(
            k[2] in NAMES_SUBSTITUTE and k[0] >= end for k in kept
        ):  # with "instead of membership" as a cue of its own, the composition decides
            polarity, confidence = -polarity, 0.8
            tags.append("substitute")
        votes.append((polarity, (Fired(name, tuple(tags)),), confidence, lo + start))
    votes = _compose(clause, kept, votes)
    total = sum(v[0] for v in votes)
    if total == 0:
        # a tie: the strongest cue decides, and among equals the last word
        polarity, cue, confidence, at = max(votes, key=lambda v: (v[2], v[3]))
        confidence = min(confidence, 0.6)
    else:
        sign = 1 if total > 0 else -1
        polarity, cue, confidence, at = max(
            (v for v in votes if v[0] == sign), key=lambda v: (v[2], v[3])
        )
    reading = Reading(cue)
    if "why" in lower and RHETORICAL.match(lower):
        polarity, reading = -polarity, reading.turned("rhetorical")  # "why should it not join?"
    return Verdict("support" if polarity > 0 else "oppose", reading, round(confidence, 2), at)
