"""Actor mentions: one compiled pattern over every alias, never inside another word.

Longest alias first, so "Biden administration" (the United States) wins over "Biden". Short
and all-capital aliases ("US", "EU") match case-sensitively; the rest ignore case ("kyiv").
A trailing ``*`` in an alias matches any word ending (inflected Cyrillic names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stancewatch.actors import Actor


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: Actor
    metonym: bool


def _pattern(alias: str) -> str:
    stem = alias.rstrip("*")
    body = re.escape(stem).replace(r"\ ", r"[\s\u00a0]+")
    if alias.endswith("*"):
        body += r"\w*"
    if alias.isupper() or len(stem) <= 3:
        return body
    return f"(?i:{body})"


class ActorMatcher:
    def __init__(self, actors: list[Actor]) -> None:
        self._by_key: dict[str, tuple[Actor, bool]] = {}
        entries: list[tuple[str, Actor, bool]] = []
        for actor in actors:
            for alias in (actor.name, *actor.aliases):
                entries.append((alias, actor, False))
            for alias in actor.metonyms:
                entries.append((alias, actor, True))
        entries.sort(key=lambda e: -len(e[0].rstrip("*")))
        groups = []
        for i, (alias, actor, metonym) in enumerate(entries):
            groups.append(f"(?P<a{i}>{_pattern(alias)})")
            self._by_key[f"a{i}"] = (actor, metonym)
        self._regex = re.compile(r"(?<![\w-])(?:" + "|".join(groups) + r")(?![\w-])")

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        found = []
        for m in self._regex.finditer(text, start, len(text) if end is None else end):
            key = m.lastgroup
            assert key is not None
            actor, metonym = self._by_key[key]
            found.append(Mention(m.start(), m.end(), actor, metonym))
        return found
