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
- word uni- and bigrams of the sentence with the holder's mentions replaced by ``_h_`` and other
  actors by ``_ua_`` / ``_nato_`` / ``_ru_`` / ``_per_`` / ``_oth_``;
- the words in a window left and right of the holder's first mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stancewatch.actors import Actor

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


def placeholder(actor: Actor) -> str:
    """The token another actor's mention becomes."""
    return _NAMED.get(actor.name) or ("_per_" if actor.kind == "person" else "_oth_")


class SentenceTokens:
    """A sentence cut once into words and actor mentions, re-read per holder.

    ``pieces`` holds plain words (str) and mentions (the actor, as a one-element tuple), so a
    holder's features only map placeholders, without tokenising the sentence again.
    """

    __slots__ = ("pieces",)

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

    @staticmethod
    def _words(
        pieces: list[str | tuple[Actor]], low: str, a: int, b: int, demonyms: dict[str, Actor]
    ) -> None:
        words = _WORD.findall(low, a, b)
        if demonyms and any(w in demonyms for w in words):
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

    def features(self, holder: Actor, how: str, rule: tuple[str, str] | None) -> list[str]:
        """The pair's features: ``rule`` is the rule engine's (stance, cue) for the holder."""
        name = holder.name
        words = [
            p if isinstance(p, str) else HOLDER if p[0].name == name else placeholder(p[0])
            for p in self.pieces
        ]
        feats = [
            "bias",
            f"how:{how}",
            f"kind:{holder.kind}",
            f"is:{_NAMED.get(name, '_')}",
        ]
        if rule is None:
            feats.append("rule:none")
        else:
            stance, cue = rule
            prefix, _, verdict = cue.partition(":")
            head = verdict.split(">")[0].split("+")[0].split(" (")[0]
            feats += [
                f"rule:{stance}",
                f"rulehow:{prefix.split('+')[0].split(' (')[0]}",
                f"rulecue:{head}",
                f"rulestance:{stance}&{holder.kind}",
            ]
            if " (via " in cue:
                feats.append("rule:via")
        neg = cond = False
        previous = "<s>"
        for w in words:
            feats.append(f"u:{w}")
            feats.append(f"b:{previous} {w}")
            previous = w
            if w in _NEGATION:
                neg = True
            elif w in _CONDITION:
                cond = True
        feats.append(f"b:{previous} </s>")
        if neg:
            feats.append("flag:neg")
        if cond:
            feats.append("flag:cond")
        if HOLDER in words:
            at = words.index(HOLDER)
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
