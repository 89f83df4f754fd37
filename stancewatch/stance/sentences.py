"""Sentence spans that survive headlines, dashes, quotes and non-breaking spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stancewatch.stance.lexicon import (
    QUOTE_TAIL,
)

# A sentence ends at . ! ? … (and closing quotes) before a space and an upper-case letter,
# digit or opening quote; lines always end sentences (headlines have no full stop).
_BOUNDARY = re.compile(r"""[.!?…]["'”»’)]*[ \t\u00a0]+(?=["'“«‘(]?[A-ZА-ЯІЇЄҐ0-9])""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|Prof|No|vs|etc|U\.S|U\.K|e\.g|i\.e)|\b[A-Z])\.$"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph: int


def split(text: str) -> list[Span]:
    """Sentences as (start, end) offsets into ``text``, with their paragraph number."""
    spans: list[Span] = []
    pos = 0
    for paragraph, line in enumerate(text.split("\n")):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = 0
        for m in _BOUNDARY.finditer(line):
            end = m.start() + 1  # just after the full stop (the pattern starts with it)
            word_start = line.rfind(" ", 0, end) + 1  # the abbreviation is the last word
            if _ABBREV.search(line[word_start:end].rstrip("\"'”»’)")):
                continue
            if (
                line[m.start()] in "?!"
                and m.group()[1:2] in ('"', "”", "’", "»")
                and QUOTE_TAIL.match(line, m.end())
            ):
                continue
            _add(spans, line, line_start, cut, end, paragraph)
            cut = m.end()
        _add(spans, line, line_start, cut, len(line), paragraph)
    return spans


def _add(spans: list[Span], line: str, offset: int, a: int, b: int, paragraph: int) -> None:
    while a < b and line[a].isspace():
        a += 1
    while b > a and line[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append(Span(offset + a, offset + b, paragraph))
