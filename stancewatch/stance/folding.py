"""Lower-casing that keeps offsets: the rules read ``fold``-ed text, and their patterns are
compiled (``ci``) to run on it."""

from __future__ import annotations

import re
from typing import Any


def fold(text: str) -> str:
    """Lower case of the same length, so offsets into it are offsets into ``text`` (the few
    characters whose lower case is longer are left as they are), with the typographic
    apostrophe read as "'" ("don’t", "Kyiv’s"): the rules spell it one way."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("’", "'") if "’" in low else low


class Folded(str):
    """An article's text that carries its ``fold``, computed once for all the rules, and what
    ``classify`` read in its spans: a span read by several steps (a clause that is the whole
    sentence, read again for the model) is read once. Both are pure functions of the text and
    the span's offsets, so the memo cannot change a reading; it lives as long as the text."""

    low: str
    #: ``classify``'s verdict of a span, by (start, end)
    verdicts: dict[tuple[int, int], Any]
    #: the cues' matches in a span (``classify._matches``), by (start, end)
    cue_matches: dict[tuple[int, int], Any]

    def __new__(cls, text: str) -> Folded:
        obj = super().__new__(cls, text)
        obj.low = fold(text)
        obj.verdicts = {}
        obj.cue_matches = {}
        return obj


def low_of(text: str, lo: int, hi: int) -> str:
    """``fold(text[lo:hi])``, sliced from the fold when the text carries one."""
    return text.low[lo:hi] if isinstance(text, Folded) else fold(text[lo:hi])


def ci(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive pattern to run on ``fold``-ed text: its letters are lower-
    cased and it is compiled case-sensitively. Ignore-case matching in ``re`` lower-cases each
    character as it compares and loses the literal-prefix scan; this is several times faster."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern.startswith("(?P<", i):
            j = pattern.index(">", i)
            out.append(pattern[i : j + 1])
            i = j + 1
        else:
            out.append(pattern[i].lower())
            i += 1
    return re.compile("".join(out))
