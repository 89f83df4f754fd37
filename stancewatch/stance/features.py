"""Features of one (sentence, holder) pair, for the learned stance model.

Why: the rules read the sentence shapes they were written for and stay silent on much real news
text (most misses on real pages are "neutral" because no rule fired). A linear model over plain
features carries over better; the rule's own verdict is one of its features, so the model learns
when to trust it. The features are strings (``"u:support"``, ``"rule:oppose"``): the model is a
dict lookup per feature, no numeric library at run time.

What a pair is described by:

- the rule engine's verdict for the holder (stance, cue, how it was attributed) or ``rule:none``;
- how the holder is reached (named, metonym, office, a demonym, or only through the rules:
  speaker by pronoun, headline, a person's office);
- the holder's kind and whether it is Ukraine, Russia or NATO;
- negation and condition flags;
- word uni- and bigrams of the sentence, and the first letters of its longer words with the holder's mentions replaced by ``_h_`` and other
  actors by ``_ua_`` / ``_nato_`` / ``_ru_`` / ``_per_`` / ``_oth_``;
- the words in a window left and right of the holder's first mention;
- who the holder is (its name, country and the sides it speaks for on the date): real coverage
  of this question repeats its actors, and who speaks is the strongest single clue to what
  they say (an actor-majority guess alone scores 0.58 macro-F1 by grouped CV on real pages);
- the rules' verdict crossed with the verdicts the rules gave the sentence's other holders and
  with the holder's identity and kind: a holder the rules left out of a sentence in which
  another holder took a position is most often only mentioned;
- what the rules read in the sentence as a whole, whoever holds it (``reading_features``): its
  verdict and cue, whether the holder is named before or after that cue, and every cue that
  matched, negated or not. The rules often find the words of a position but not whose it is
  (an unusual attribution, a topic test refused); these let the model weigh those words
  (grouped CV on the real pages: +0.01 macro-F1 with them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stancewatch.actors import Actor
from stancewatch.stance.classify import Verdict
from stancewatch.stance.trail import Trail

_WORD = re.compile(r"\w+")
#: Named placeholders: the candidate country and the club are the topic, Russia the usual
#: opponent; everyone else is a person or another body.
_NAMED = {"Ukraine": "_ua_", "NATO": "_nato_", "Russia": "_ru_"}
_NEGATION = frozenset(
    "not no never t cannot against without nor neither refuse refused rejects rejected".split()
)
_CONDITION = frozenset("if only once after until unless before when conditions".split())
HOLDER = "_h_"
LEFT, RIGHT = 4, 5
#: A longer word is also read by its first letters: a crude stem, so that a form the training
#: sentences lack still weighs what its kin do (grouped CV: +0.005 macro-F1, held-out +0.006)
STEM = 5


def placeholder(actor: Actor) -> str:
    """The token another actor's mention becomes."""
    return _NAMED.get(actor.name) or ("_per_" if actor.kind == "person" else "_oth_")


def reading_features(verdict: Verdict | None, cues: Sequence[tuple[str, int]]) -> list[str]:
    """The sentence's own reading by the rules (``classify`` over the whole sentence) and the
    cues matched in it (``classify.cues_in``): the same for every holder of the sentence."""
    feats = [f"hit:{name}" for name, _ in cues]
    feats += [f"hitpol:{p}" for p in sorted({p for _, p in cues})]
    if verdict is None:
        return [*feats, "sent:none"]
    label = verdict.reading.label
    return [
        *feats,
        f"sent:{verdict.stance}",
        f"sentcue:{label}",
        f"sentcue:{label}&{verdict.stance}",
    ]


def holder_reading(verdict: Verdict | None, at: int | None, holder: Actor, mine: str) -> list[str]:
    """The sentence's verdict as it bears on one holder: where the holder is named (its first
    mention at offset ``at``) against the deciding cue, whether the rules gave the holder a
    position (``mine``), and who the holder is: "Scholz said Ukraine cannot join" is
    Scholz's oppose and, for Ukraine, its presupposed bid."""
    if verdict is None:
        return ["sentpos:none"]
    where = "absent" if at is None else "before" if at < verdict.at else "after"
    stance = verdict.stance
    return [
        f"sentpos:{stance}&{where}",
        f"sent:{stance}&self:{mine}",
        f"sent:{stance}&is:{_NAMED.get(holder.name, '_')}",
    ]


class SentenceTokens:
    """A sentence cut once into words and actor mentions, re-read per holder.

    ``pieces`` holds plain words (str) and mentions (the actor, as a one-element tuple), so a
    holder's features only map placeholders, without tokenising the sentence again.
    """

    __slots__ = ("cond", "neg", "pieces", "shared", "_at", "_mentions", "_words_of")

    def __init__(
        self,
        low: str,
        start: int,
        end: int,
        mentions: Sequence[tuple[int, int, Actor]],
        demonyms: dict[str, Actor],
    ) -> None:
        pieces: list[str | tuple[Actor]] = []
        pos = start
        for a, b, actor in mentions:
            if a < pos:
                continue
            self._words(pieces, low, pos, a, demonyms)
            pieces.append((actor,))
            pos = b
        self._words(pieces, low, pos, end, demonyms)
        self.pieces = pieces
        self.shared, self.neg, self.cond = self._shared(pieces)
        #: every piece as a word, mentions as their placeholder; a holder's view of the
        #: sentence only swaps in ``_h_`` at its own mentions (``_at``)
        self._words_of = [p if isinstance(p, str) else placeholder(p[0]) for p in pieces]
        self._mentions = [i for i, p in enumerate(pieces) if not isinstance(p, str)]
        self._at: dict[str, list[int]] = {}
        for i in self._mentions:
            self._at.setdefault(pieces[i][0].name, []).append(i)  # type: ignore[union-attr]

    @staticmethod
    def _shared(pieces: list[str | tuple[Actor]]) -> tuple[list[str], bool, bool]:
        """The n-grams of plain words, the same for every holder (scored once per sentence),
        and whether a negator or a condition word is there."""
        feats: list[str] = []
        previous: str | None = "<s>"
        neg = cond = False
        for p in pieces:
            if isinstance(p, tuple):
                previous = None
                continue
            feats.append(f"u:{p}")
            if len(p) > STEM:
                feats.append(f"p:{p[:STEM]}")  # "oppos": opposes, opposed, opposing, opposition
            if previous is not None:
                feats.append(f"b:{previous} {p}")
            previous = p
            if p in _NEGATION:
                neg = True
            elif p in _CONDITION:
                cond = True
        if previous is not None:
            feats.append(f"b:{previous} </s>")
        if neg:
            feats.append("flag:neg")
        if cond:
            feats.append("flag:cond")
        return feats, neg, cond

    @staticmethod
    def _words(
        pieces: list[str | tuple[Actor]], low: str, a: int, b: int, demonyms: dict[str, Actor]
    ) -> None:
        words = _WORD.findall(low, a, b)
        if demonyms and not demonyms.keys().isdisjoint(words):  # in C: most gaps hold none
            pieces.extend((demonyms[w],) if w in demonyms else w for w in words)
        else:
            pieces.extend(words)

    def actors(self) -> list[Actor]:
        """The actors named in the sentence, in order of first mention, once each."""
        seen: dict[str, Actor] = {}
        for p in self.pieces:
            if isinstance(p, tuple) and p[0].name not in seen:
                seen[p[0].name] = p[0]
        return list(seen.values())

    def features(
        self,
        holder: Actor,
        how: str,
        rule: tuple[str, Trail] | None,
        others: Sequence[str] = (),
        sides: Sequence[str] = (),
        topic: str = "rules",
    ) -> list[str]:
        """The pair's own features (with ``shared``, all of them): ``rule`` is the rule engine's
        (stance, trail) for the holder,
        ``others`` the stances the rules gave the sentence's other holders, ``sides`` what the
        holder speaks for on the date, ``topic`` whether the rules' topic test passed ("rules")
        or only the model's looser one ("loose")."""
        name = holder.name
        words = self._words_of
        own = self._at.get(name, ())
        if own:
            words = words.copy()
            for i in own:
                words[i] = HOLDER
        feats = [
            "bias",
            f"how:{how}",
            f"kind:{holder.kind}",
            f"is:{_NAMED.get(name, '_')}",
        ]
        mine = rule[0] if rule is not None else "none"
        feats += [f"actor:{name}", f"topic:{topic}", f"self:{mine}&actor:{name}",
                  f"self:{mine}&kind:{holder.kind}"]  # fmt: skip
        if holder.country:
            feats.append(f"country:{holder.country}")
        feats += [f"side:{side}" for side in sides]
        feats += [f"self:{mine}&other:{o}" for o in sorted(set(others)) or ["none"]]
        if rule is None:
            feats.append("rule:none")
        else:
            stance, trail = rule
            feats += [
                f"rule:{stance}",
                f"rulehow:{trail.how}",
                f"rulecue:{trail.reading.label if trail.reading else ''}",
                f"rulestance:{stance}&{holder.kind}",
            ]
            if trail.via is not None:
                feats.append("rule:via")
        # the n-grams that touch a mention (the plain ones are in ``shared``)
        last = len(words) - 1
        pieces = self.pieces
        for i in self._mentions:
            w = words[i]
            feats.append(f"u:{w}")
            feats.append(f"b:{words[i - 1] if i else '<s>'} {w}")
            if i == last:
                feats.append(f"b:{w} </s>")
            elif isinstance(pieces[i + 1], str):
                feats.append(f"b:{w} {words[i + 1]}")
        neg = self.neg
        if own:
            at = own[0]
            feats += [f"L:{w}" for w in words[max(0, at - LEFT) : at]]
            right = words[at + 1 : at + 1 + RIGHT]
            feats += [f"R:{w}" for w in right]
            feats.append(f"R1:{right[0] if right else '</s>'}")
            feats.append(f"L1:{words[at - 1] if at else '<s>'}")
            if len(right) > 1:
                feats.append(f"R2:{right[0]} {right[1]}")
            feats.append(f"pos:{'first' if at == 0 else 'early' if at < 4 else 'late'}")
            if neg:
                feats.append(f"neg&{'rule' if rule else 'norule'}")
        else:
            feats.append("pos:absent")
        return feats
