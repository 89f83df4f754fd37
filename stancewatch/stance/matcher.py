"""Actor mentions: fast on long texts, never inside another word.

The text is split into word tokens once (one C-level regex pass); each token looks up the
aliases that start with it in a dict, and the longest alias whose following tokens match wins,
so "Biden administration" (the United States) beats "Biden". Short and all-capital aliases
("US", "EU") match case-sensitively; the rest ignore case ("kyiv"). A trailing ``*`` in an alias
matches any word ending (inflected Cyrillic names: "Зеленськ*" finds "Зеленського").

Why not one big regex alternation: with ~400 aliases it cost ~45 ms per 800-word article; the
token lookup costs well under 1 ms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from stancewatch.actors import Actor
from stancewatch.stance.lexicon import Folded, fold

_TOKEN = re.compile(r"\w+")
_GAP = re.compile(r"^[\s.\-’']{1,3}$")  # what may stand between two words of one alias
PREFIX_KEY = 4


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: Actor
    metonym: bool


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]  # casefolded, or exact when case-sensitive
    exact: bool
    prefix: bool  # the last word is a prefix
    actor: Actor
    metonym: bool


class ActorMatcher:
    def __init__(self, actors: list[Actor]) -> None:
        self._by_first: dict[str, list[_Alias]] = defaultdict(list)
        self._by_prefix: dict[str, list[_Alias]] = defaultdict(list)
        for actor in actors:
            for alias, metonym in [(a, False) for a in (actor.name, *actor.aliases)] + [
                (a, True) for a in (*actor.metonyms, *actor.institution_aliases())
            ]:
                self._add(alias, actor, metonym)
        for table in (self._by_first, self._by_prefix):
            for entries in table.values():
                entries.sort(key=lambda a: -len(a.words))

    def _add(self, alias: str, actor: Actor, metonym: bool) -> None:
        prefix = alias.endswith("*")
        stem = re.sub(
            r"^the\s+", "", alias.rstrip("*"), flags=re.I
        )  # "the Kremlin": key on "Kremlin"
        exact = stem.isupper() or len(stem) <= 3
        words = tuple(w if exact else w.lower() for w in _TOKEN.findall(stem))
        if not words:
            return
        entry = _Alias(words, exact, prefix, actor, metonym)
        if prefix and len(words) == 1:
            self._by_prefix[words[0][:PREFIX_KEY].lower()].append(entry)
        else:
            self._by_first[words[0].lower()].append(entry)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        stop = len(text) if end is None else end
        # the engine's text carries its lower case; fold() keeps offsets for the rare
        # characters whose lower case is longer
        lowered = text.low if isinstance(text, Folded) else fold(text)
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, stop)]
        first, prefix = self._by_first, self._by_prefix
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            a, b = tokens[i]
            folded = lowered[a:b]
            if folded not in first and folded[:PREFIX_KEY] not in prefix:
                i += 1
                continue
            hit = self._match_at(text, lowered, tokens, i)
            if hit is None:
                i += 1
                continue
            alias, last = hit
            b = tokens[last][1]
            if not _hyphenated(text, a, b):
                found.append(Mention(a, b, alias.actor, alias.metonym))
            i = last + 1
        return found

    def _match_at(
        self, text: str, lowered: str, tokens: list[tuple[int, int]], i: int
    ) -> tuple[_Alias, int] | None:
        a, b = tokens[i]
        folded = lowered[a:b]
        candidates = self._by_first.get(folded, []) + self._by_prefix.get(folded[:PREFIX_KEY], [])
        best: tuple[_Alias, int] | None = None
        for alias in candidates:
            last = i + len(alias.words) - 1
            if last >= len(tokens) or (best is not None and last <= best[1]):
                continue
            ok = True
            for k in range(len(alias.words)):
                ka, kb = tokens[i + k]
                word = text[ka:kb] if alias.exact else lowered[ka:kb]
                if not self._word_ok(alias, k, word) or (
                    k and not _GAP.match(text[tokens[i + k - 1][1] : ka])
                ):
                    ok = False
                    break
            if ok:
                best = (alias, last)
        return best

    @staticmethod
    def _word_ok(alias: _Alias, k: int, word: str) -> bool:
        want = alias.words[k]
        if alias.prefix and k == len(alias.words) - 1:
            return word.startswith(want)
        return word == want


def _hyphenated(text: str, a: int, b: int) -> bool:
    """Part of a hyphenated compound ("anti-NATO", "NATO-style") is not a mention."""
    before = a >= 2 and text[a - 1] == "-" and text[a - 2].isalnum()
    after = b + 1 < len(text) and text[b] == "-" and text[b + 1].isalnum()
    return before or after
