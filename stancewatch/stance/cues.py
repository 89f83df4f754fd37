"""The cue registry: every cue the rules read, as data (``stancewatch/data/cues.toml``).

Each cue is one entry: its name, its polarity, its pattern (built from the shared named parts
of ``[parts]`` with ``{part}`` placeholders), its properties, and sentences that must match
it (``examples``) and must not (``counter_examples``). A part is a pattern, or the names of an
actor of the packaged ``actors.toml`` (``{ actor = "Russia", metonyms = true, office =
"president" }``: its name and aliases, its metonyms, and the people who have held that office
for it), so a name added there reaches the cues. The file is read and checked once, when
the rules are imported: an unknown key or property, a duplicate name, an unknown part, a
pattern that does not compile, an example that does not match or a counter-example that does
are refused with a ``ValueError`` that names the cue and the sentence.

A cue's triggers (substrings one of which a clause must hold for its pattern to be tried) are
derived from its pattern: literal text every match must contain (see ``derive_triggers``). An
entry may give ``triggers`` by hand instead, with ``triggers_why`` saying why; every example's
match must then hold one of them.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from stancewatch.actors import Actor, load_actors
from stancewatch.stance.folding import ci, fold
from stancewatch.stance.offices import office_words

try:  # the parser ``re`` itself uses; Python 3.11 names it re._parser
    import re._constants as _sre  # type: ignore[import-not-found]
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _sre
    import sre_parse as _sre_parse

#: What each property means to the rules (classify.py, engine.py, lexicon.Scan).
PROPERTIES: dict[str, str] = {
    "self-negated": "carries its own negation: never flipped by a negator; tried first where cues overlap",
    "strong": "decides with confidence 0.9 (other cues 0.75)",
    "relaxed": "scanned through a copy without its leading assertions (lexicon.Scan): faster for it",
    "composable": "takes the cue right after it as its object (rejected calls to abandon the bid)",
    "takes-object": "may take something other than membership as its object, and is then idle",
    "evaluative": "already judges membership: a judgement does not compose with it",
    "gapped": "its pattern lets words in between: a negator there negates the cue",
    "charge": "what someone is blamed for: its own cue, not the object of the blame",
    "judgement": "judges the cue before it; alone, it judges membership itself",
    "speaker-own": "states the speaker's own position whoever is named in it",
    "progress": "progress towards NATO: alone beside a condition it is conditional backing or nothing",
    "names-substitute": "names the substitute itself: a substitute after another cue is left to composition",
}
POLARITIES = {"support": 1, "oppose": -1}
_KEYS = {"name", "polarity", "pattern", "properties", "examples", "counter_examples", "triggers",
         "triggers_why"}  # fmt: skip
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_-]*)\}")
#: At most this many strings in a cross product of literals (they grow fast), and in a cue's
#: derived triggers.
_MAX_TRIGGERS = 48
_MAX_UNION = 200


@dataclass(frozen=True)
class Cue:
    name: str
    polarity: int  # 1 support, -1 oppose
    pattern: str  # with its parts filled in, as written (``regex`` is its ``ci`` form)
    regex: re.Pattern[str]
    properties: frozenset[str]
    triggers: tuple[str, ...]
    triggers_derived: bool
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True)
class CueRegistry:
    cues: tuple[Cue, ...]  # in the file's order
    parts: Mapping[str, str]

    def having(self, prop: str) -> frozenset[str]:
        """The names of the cues with property ``prop``."""
        if prop not in PROPERTIES:
            raise ValueError(f"unknown cue property {prop!r}")
        return frozenset(c.name for c in self.cues if prop in c.properties)

    def __getitem__(self, name: str) -> Cue:
        for c in self.cues:
            if c.name == name:
                return c
        raise KeyError(name)


def load_cues(path: Path | None = None, actors: Sequence[Actor] | None = None) -> CueRegistry:
    """The packaged registry, or the one in ``path``; actor parts name ``actors`` (default: the
    packaged actors.toml)."""
    if path is None:
        text = resources.files("stancewatch.data").joinpath("cues.toml").read_text("utf-8")
        where = "cues.toml"
    else:
        text, where = path.read_text("utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return parse_cues(data, where, actors)


def parse_cues(
    data: Mapping[str, Any], where: str = "cues", actors: Sequence[Actor] | None = None
) -> CueRegistry:
    """Build and check the registry from the parsed file; actor parts name ``actors``
    (default: the packaged actors.toml, read only when a part names an actor)."""
    unknown = set(data) - {"parts", "cue"}
    if unknown:
        raise ValueError(f"{where}: unknown table {sorted(unknown)[0]!r} (expected parts, cue)")
    parts = _parts(data.get("parts", {}), where, actors)
    entries = data.get("cue", [])
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{where}: no [[cue]] entries")
    cues: list[Cue] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        cue = _cue(entry, n, parts, where)
        if cue.name in seen:
            raise ValueError(f"{where}: cue {cue.name!r}: duplicate name")
        seen.add(cue.name)
        cues.append(cue)
    return CueRegistry(tuple(cues), parts)


def _parts(raw: Any, where: str, actors: Sequence[Actor] | None) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: [parts] must be a table of strings")
    parts: dict[str, str] = {}
    for name, value in raw.items():
        if not _PLACEHOLDER.fullmatch("{" + name + "}"):
            raise ValueError(
                f"{where}: part {name!r}: a name is lower-case letters, digits, - or _"
            )
        if isinstance(value, dict):
            if actors is None:
                actors = load_actors()
            parts[name] = _actor_part(value, actors, f"{where}: part {name!r}")
            continue
        parts[name] = _text(value, f"{where}: part {name!r}")
    for name, value in parts.items():  # parts may use earlier parts, never themselves
        parts[name] = _expand(value, parts, f"{where}: part {name!r}", (name,))
    return parts


def fill_parts(pattern: str, parts: Mapping[str, str], what: str) -> str:
    """``pattern`` with its ``{part}`` placeholders filled from ``parts`` (a ``ValueError``
    naming ``what`` for an unknown part): how the cues, and lexicon's patterns that name an
    actor, take the names of actors.toml."""
    return _expand(pattern, parts, what)


def _expand(pattern: str, parts: Mapping[str, str], what: str, using: tuple[str, ...] = ()) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in parts:
            raise ValueError(f"{what}: unknown part {{{name}}} (known: {', '.join(sorted(parts))})")
        if name in using:
            raise ValueError(f"{what}: part {{{name}}} uses itself")
        return _expand(parts[name], parts, what, using + (name,))

    return _PLACEHOLDER.sub(one, pattern)


_ACTOR_PART_KEYS = {"actor", "metonyms", "office"}


def _actor_part(value: Mapping[str, Any], actors: Sequence[Actor], what: str) -> str:
    """An actor part: ``actor_names`` of the entry's keys as one ``names_group``."""
    unknown = set(value) - _ACTOR_PART_KEYS
    if unknown:
        raise ValueError(f"{what}: unknown key {sorted(unknown)[0]!r} (expected actor, metonyms, office)")  # fmt: skip
    if value.get("metonyms", False) not in (True, False):
        raise ValueError(f"{what}: metonyms must be true or false")
    name = value.get("actor")
    return names_group(
        actor_names(actors, name, metonyms=value.get("metonyms", False),
                    office=value.get("office"), what=what)
    )  # fmt: skip


def actor_names(
    actors: Sequence[Actor],
    name: Any,
    metonyms: bool = False,
    office: str | None = None,
    what: str = "actor part",
) -> list[str]:
    """The names of actor ``name`` in ``actors``: its name and aliases, with ``metonyms`` its
    metonyms ("Moscow", "the Kremlin"), with ``office`` the aliases of every person who has
    held that office for it ("president": Putin, Medvedev). Every rule that names an actor
    takes its names from here, so a name added to actors.toml reaches them all."""
    by_name = {a.name: a for a in actors}
    actor = by_name.get(name) if isinstance(name, str) else None
    if actor is None:
        raise ValueError(f"{what}: no actor {name!r} in actors.toml")
    names = [actor.name, *actor.aliases]
    if metonyms:
        names += actor.metonyms
    if office is not None:
        holders = [
            p
            for p in actors
            if any(r.speaks_for == actor.name and office in office_words(r) for r in p.roles)
        ]
        if not holders:
            raise ValueError(f"{what}: nobody in actors.toml held the office {office!r} for {actor.name}")  # fmt: skip
        names += [a for p in holders for a in p.aliases]
    return names


def names_group(names: Iterable[str], latin: bool = True) -> str:
    """``names`` as one group, longest first, each escaped; a trailing ``*`` of a name
    matches any ending, as in actors.toml. With ``latin`` (the cues are English phrases)
    names in another script ("Москва", "Путін*") are left out."""
    forms = sorted({n for n in names if not latin or latin_script(n)}, key=lambda n: (-len(n), n))
    return "(" + "|".join(name_pattern(n) for n in forms) + ")"


def latin_script(name: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def name_pattern(name: str) -> str:
    if name.endswith("*"):
        return re.escape(name[:-1]) + r"\w*"
    return re.escape(name)


def _text(value: Any, what: str) -> str:
    """A string, or a list of strings written on several lines and joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "".join(value)
    raise ValueError(f"{what}: expected a string or a list of strings")


def _entry_strings(entry: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{what}: {key} must be a list of non-empty strings")
    return tuple(value)


def _cue(entry: Any, n: int, parts: Mapping[str, str], where: str) -> Cue:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise ValueError(f"{where}: cue #{n} has no name")
    name = entry["name"]
    what = f"{where}: cue {name!r}"
    unknown = set(entry) - _KEYS
    if unknown:
        raise ValueError(f"{what}: unknown key {sorted(unknown)[0]!r}")
    polarity = entry.get("polarity")
    if polarity not in POLARITIES:
        raise ValueError(f"{what}: polarity must be support or oppose, not {polarity!r}")
    props = _entry_strings(entry, "properties", what)
    for p in props:
        if p not in PROPERTIES:
            raise ValueError(f"{what}: unknown property {p!r} (known: {', '.join(PROPERTIES)})")
    if "pattern" not in entry:
        raise ValueError(f"{what}: no pattern")
    pattern = _expand(_text(entry["pattern"], f"{what}: pattern"), parts, what)
    try:
        regex = ci(pattern)
    except re.error as exc:
        raise ValueError(f"{what}: pattern does not compile: {exc}") from None
    if regex.search(""):
        raise ValueError(f"{what}: pattern matches the empty string")
    examples = _entry_strings(entry, "examples", what)
    counter = _entry_strings(entry, "counter_examples", what)
    if not examples:
        raise ValueError(f"{what}: no examples (at least one sentence must match it)")
    for ex in examples:
        if not regex.search(fold(ex)):
            raise ValueError(f"{what}: example does not match: {ex!r}")
    for ex in counter:
        if m := regex.search(fold(ex)):
            raise ValueError(f"{what}: counter-example matches ({m.group()!r}): {ex!r}")
    if "triggers" in entry:
        triggers = _entry_strings(entry, "triggers", what)
        if not isinstance(entry.get("triggers_why"), str) or not entry["triggers_why"].strip():
            raise ValueError(f"{what}: triggers kept by hand need triggers_why (why not derived)")
        for ex in examples:
            for m in regex.finditer(fold(ex)):
                if not any(t in m.group() for t in triggers):
                    raise ValueError(f"{what}: no trigger in the match {m.group()!r} of: {ex!r}")
        derived = False
    else:
        if "triggers_why" in entry:
            raise ValueError(f"{what}: triggers_why without triggers")
        found = derive_triggers(regex.pattern)
        if found is None:
            raise ValueError(f"{what}: no literal text every match holds: give triggers by hand")
        triggers, derived = found, True
    return Cue(name, POLARITIES[polarity], pattern, regex, frozenset(props), triggers, derived,
               examples, counter)  # fmt: skip


# -- triggers derived from a pattern ----------------------------------------------------------

_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)}


def derive_triggers(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which every match of ``pattern`` contains (sorted), or None when
    none are found. Read from the parsed pattern: a run of literal items (letters, small
    classes such as ``[sz]``, optional or alternative literals) gives the cross product of its
    strings; a sequence needs every item, so the cheapest run or item stands for it (see
    ``_cost``); an alternation needs one of its branches'."""
    found = _required(list(_sre_parse.parse(pattern)))
    return tuple(sorted(found)) if found else None


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    best: frozenset[str] | None = None

    def offer(candidate: Iterable[str]) -> None:
        nonlocal best
        found = _minimal(candidate)
        if not found or not all(s.strip(_PUNCT) for s in found):
            return  # a space or a comma is no trigger
        if best is None or _cost(found) <= _cost(best):
            best = found

    runs: list[set[str]] = []  # the runs of literal items ending here, one per start
    in_word = False  # the item before ends inside a word: no run starts at this one
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # matches no text: a run stays contiguous
        lits = _finite(op, av)
        if lits is None:
            runs, in_word = [], False
            if (need := _required_item(op, av)) is not None:
                offer(need)
            continue
        grown = [{a + b for a in run for b in lits} for run in runs]
        if not in_word:
            grown.append(set(lits))
        in_word = all(x[-1:].isalnum() for x in lits)
        # a string another one ends with stands for it in what follows
        runs = [
            {s for s in g if not any(t != s and s.endswith(t) for t in g)}
            for g in grown
            if len(g) <= _MAX_TRIGGERS
        ]
        for run in runs:  # every stretch of a run is needed: the cheapest (then last) wins
            offer(run)
    return best


#: Words so common that a trigger made of one would try its cue on most clauses: English
#: function words, and the words of nearly every sentence about the bid. The names here are
#: estimates of how often a word occurs, for choosing triggers, not names the rules match: a
#: name added to actors.toml reaches the cues through their parts without an entry here.
_COMMON = frozenset(
    "a an the to of for in on at by with without from as is are was were be been and or but not "
    "no if it its that this will would can could may shall must has have had do does did we "
    "they he she us our their his her all any more also said says "
    "nato the alliance alliance ukraine kyiv ukraine's kyiv's russia moscow putin the kremlin "
    "kremlin war membership member accession join joining invitation bid".split()
)


_PUNCT = " ,.;:'-"


def _cost(triggers: frozenset[str]) -> float:
    """How often a set of triggers would let its cue be tried, roughly: the sum over its
    strings of the product over their words (and commas) of how common each one is. A common
    word, or part of one ("withou", "nato"), is frequent; another is rarer the longer it is
    (up to 8 characters; past that it hardly matters). Summed in sorted order with ``fsum``,
    so that ties do not depend on the set's iteration order (``PYTHONHASHSEED``)."""
    terms = []
    for t in sorted(triggers):
        often = 0.5 ** sum(c in ",;:" for c in t)  # punctuation is rarer than a word
        for word in t.strip(_PUNCT).split():
            word = word.strip(_PUNCT)
            if any(word in w for w in _COMMON):
                often *= 0.3
            else:
                often *= 1 / max(min(len(word), 8), 1) ** 3
        terms.append(often)
    return math.fsum(terms)


def _minimal(strings: Iterable[str]) -> frozenset[str]:
    """Without the strings that contain another one (a text holding them holds it)."""
    s = set(strings)
    return frozenset(x for x in s if not any(y != x and y in x for y in s))


def _required_item(op: Any, av: Any) -> frozenset[str] | None:
    if op == _sre.SUBPATTERN:
        return _required(list(av[-1]))
    if op == _sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            need = _required(list(branch))
            if not need:
                return None
            union |= need
        return _minimal(union) if len(union) <= _MAX_UNION else None
    if op in _REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    return None


def _finite(op: Any, av: Any) -> set[str] | None:
    """Every string the item can match, when they are few and literal."""
    if op == _sre.LITERAL:
        return {chr(av)}
    if op == _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind == _sre.LITERAL:
                chars.add(chr(value))
            elif kind == _sre.RANGE and value[1] - value[0] < 10:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:
                return None  # a category, a negated class, a wide range
        return chars
    if op == _sre.SUBPATTERN:
        return _finite_seq(list(av[-1]))
    if op == _sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            lits = _finite_seq(list(branch))
            if lits is None:
                return None
            out |= lits
        return out if len(out) <= _MAX_TRIGGERS else None
    if op in _REPEATS and av[1] <= 2:
        inner = _finite_seq(list(av[2]))
        if inner is None:
            return None
        out, layer = set(), {""}
        for k in range(av[1] + 1):
            if k >= av[0]:
                out |= layer
            layer = {a + b for a in layer for b in inner}
        return out if len(out) <= _MAX_TRIGGERS else None
    return None


def _finite_seq(items: list[tuple[Any, Any]]) -> set[str] | None:
    out = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        lits = _finite(op, av)
        if lits is None:
            return None
        out = {a + b for a in out for b in lits}
        if len(out) > _MAX_TRIGGERS:
            return None
    return out
