"""Offices named instead of people: "Norway's foreign minister", "the Polish president",
"Prime Minister of Hungary".

Headlines often name the office and not the person. Who holds it depends on the date
(the Polish president was Duda until August 2025, Nawrocki since), so an office alias maps
to every (person, role) that ever held it, and the matcher picks the holder on the article's
publication date; without a date, the current holder (the role with no end).

Offices are derived from the ``roles`` of ``actors.toml``: nothing to add by hand when a
person with a dated role is added there. An office nobody tracked held then ("the Estonian
prime minister" with no Estonian prime minister in the file) stands for its country, as
"Estonia's government" would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from stancewatch.actors import INSTITUTIONS, Actor, Role

#: Title patterns (the country follows "of"), and the words a headline uses for the office.
_OFFICES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^Vice President of "), ("vice president",)),
    (re.compile(r"^President of "), ("president",)),
    (re.compile(r"^Prime Minister of "), ("prime minister", "premier", "PM")),
    (
        re.compile(r"^(Minister of Foreign Affairs|Foreign Minister) of "),
        ("foreign minister", "FM", "top diplomat", "minister of foreign affairs"),
    ),
    (
        re.compile(r"^(Minister of (National )?Defen[cs]e|Defen[cs]e Minister) of "),
        ("defence minister", "defense minister"),
    ),
    (re.compile(r"^Chancellor of "), ("chancellor",)),
    (re.compile(r"^Secretary of State$"), ("secretary of state",)),
    (re.compile(r"^Foreign Secretary$"), ("foreign secretary",)),
    (re.compile(r"Secretary General$"), ("secretary general", "secretary-general", "chief")),
)
_INSTITUTION_WORDS = {w.lower() for w in INSTITUTIONS}


def office_words(role: Role) -> tuple[str, ...]:
    """The words for ``role``'s office, or () when it is no office a headline names alone."""
    for pattern, words in _OFFICES:
        if pattern.search(role.title):
            return words
    return ()


def _country_forms(country: Actor) -> tuple[list[str], list[str]]:
    """Names of a country that take "'s" ("Norway", "US") and adjectives ("Norwegian")."""
    names = [country.name] + [
        a
        for a in country.aliases
        if len(a.split()) <= 2
        and a.split()[-1].lower() not in _INSTITUTION_WORDS
        and a != country.name
    ]
    return names, [*country.demonyms, *names]


def office_aliases(
    actors: list[Actor],
) -> dict[str, tuple[Actor, list[tuple[Actor, Role]]]]:
    """Alias ("Norwegian foreign minister") -> (the country, every (person, role) that held
    that office)."""
    # the sides an office speaks for: countries, and organisations ("NATO's secretary general")
    countries = {a.name: a for a in actors if a.kind in ("country", "organisation")}
    out: dict[str, tuple[Actor, list[tuple[Actor, Role]]]] = {}
    for country in countries.values():
        for _, words in _OFFICES:
            for form in _forms(country, words):
                out.setdefault(form, (country, []))
    for person in actors:
        if person.kind != "person":
            continue
        for role in person.roles:
            side = countries.get(role.speaks_for or "")
            words = office_words(role)
            if side is None or not words:
                continue
            for form in _forms(side, words):
                out.setdefault(form, (side, []))[1].append((person, role))
    return out


def _forms(country: Actor, words: tuple[str, ...]) -> list[str]:
    """ "Norwegian foreign minister", "Norway's foreign minister", "foreign minister of Norway"."""
    names, adjectives = _country_forms(country)
    forms = [f"{a} {w}" for a in adjectives for w in words]
    forms += [f"{n}'s {w}" for n in names for w in words]
    forms += [f"{w} of {n}" for n in names for w in words if " of " not in w]
    return forms


def holder(candidates: Sequence[tuple[Actor, Role]], when: datetime | None) -> Actor | None:
    """The one person who held the office on ``when`` (None: now), or None if not one."""
    held = {
        person.name: person
        for person, role in candidates
        if (role.held_on(when) if when is not None else role.end is None)
    }
    return next(iter(held.values())) if len(held) == 1 else None
