"""Tracked actors from actors.toml, validated when loaded, with one-line messages.

People carry their roles with dates (Scholz -> Merz, Biden -> Trump): while in a role that
``speaks_for`` a country or organisation, what they say counts for it too.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from stancewatch.errors import ConfigError

KINDS = ("person", "country", "organisation")
#: Words that, after a country's demonym, name its government.
INSTITUTIONS = (
    "Foreign Ministry", "Ministry of Foreign Affairs", "MFA", "Foreign Office", "Defence Ministry",
    "Defense Ministry", "Ministry of Defence", "government", "authorities", "leadership", "side",
    "delegation", "embassy", "officials", "diplomats", "administration", "cabinet", "presidency",
    # legislatures speak for their country too ("Lithuanian Seimas adopts a resolution")
    "parliament", "lawmakers", "MPs", "parliamentarians", "Seimas", "Sejm", "Saeima", "Riigikogu",
    "Bundestag", "Verkhovna Rada", "Rada", "State Duma", "Duma", "Storting", "Folketing", "Riksdag",
    "Eduskunta", "National Assembly", "Senate", "Congress",
)  # fmt: skip


@dataclass(frozen=True)
class Role:
    title: str
    speaks_for: str | None = None
    start: date | None = None
    end: date | None = None

    def held_on(self, when: datetime | None) -> bool:
        """True when the role was held on ``when`` (any time, when the date is unknown)."""
        if when is None:
            return True
        day = when.date()
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    country: str | None = None
    roles: tuple[Role, ...] = ()
    tags: tuple[str, ...] = field(default=())
    #: "Russian": "the Russian Foreign Ministry", "Russian officials" stand for the country.
    demonyms: tuple[str, ...] = ()

    def institution_aliases(self) -> list[str]:
        """The demonym before each institution word ("Russian Foreign Ministry")."""
        return [f"{d} {word}" for d in self.demonyms for word in INSTITUTIONS]

    def speaks_for(self, when: datetime | None) -> list[str]:
        """Countries or organisations this person spoke for on ``when``."""
        return [r.speaks_for for r in self.roles if r.speaks_for and r.held_on(when)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "metonyms": list(self.metonyms),
            "country": self.country,
            "roles": [
                {
                    "title": r.title,
                    "speaks_for": r.speaks_for,
                    "from": r.start.isoformat() if r.start else None,
                    "until": r.end.isoformat() if r.end else None,
                }
                for r in self.roles
            ],  # fmt: skip
            "tags": list(self.tags),
            "demonyms": list(self.demonyms),
        }


def _iso_date(value: Any, label: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{label}: not a date: {value!r} (use YYYY-MM-DD)") from None


def _strings(raw: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{label}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _actor(raw: dict[str, Any], index: int, origin: str) -> Actor:
    name = raw.get("name")
    label = f"{origin}: actor #{index + 1}" + (f" ({name!r})" if name else "")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: missing name")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{label}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    roles = []
    for r in raw.get("roles", []):
        if not isinstance(r, dict) or not r.get("title"):
            raise ConfigError(f"{label}: every role needs a title")
        roles.append(Role(str(r["title"]), r.get("speaks_for"), _iso_date(r.get("from"), label),
                          _iso_date(r.get("until"), label)))  # fmt: skip
    return Actor(
        name=name.strip(),
        kind=kind,
        aliases=_strings(raw, "aliases", label),
        metonyms=_strings(raw, "metonyms", label),
        country=raw.get("country"),
        roles=tuple(roles),
        tags=_strings(raw, "tags", label),
        demonyms=_strings(raw, "demonyms", label),
    )


def institution_aliases(actors: list[Actor]) -> dict[str, list[str]]:
    """Each actor's demonym-and-institution aliases, less those another actor names itself by
    ("Russian Foreign Ministry" is the ministry's own name, not one of Russia's aliases)."""
    claimed = {
        alias.casefold(): a.name for a in actors for alias in (a.name, *a.aliases, *a.metonyms)
    }
    return {
        a.name: [x for x in a.institution_aliases() if claimed.get(x.casefold(), a.name) == a.name]
        for a in actors
    }


def plain(text: str) -> str:
    """Case-folded and without accents ("Orbán" -> "orban")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


class ActorNames:
    """Every way the actors are named -> the actor's canonical name: the one resolver of a
    name a user, a label or a stored row gives (the CLI, the web, the export, the training
    script and the stance benchmark all resolve through it, so "Zelensky", "Orban" and
    "Зеленського" mean the same actor everywhere).

    A name resolves, in any case: to the actor it names; else to the actor owning it as an
    alias, metonym or demonym-and-institution alias; else the same without accents; else to
    an alias ending in ``*`` it starts with ("Зеленськ*", as the stance engine reads it); else,
    for a person, by surname ("J. D. Vance" is "JD Vance").
    """

    def __init__(self, actors: Iterable[Actor]) -> None:
        actors = list(actors)
        #: the actors it was built from (build it once per actors list: ~7 ms for 400 actors)
        self.actors: tuple[Actor, ...] = tuple(actors)
        self._exact: dict[str, str] = {a.name.casefold(): a.name for a in actors}
        self._plain: dict[str, str] = {}
        self._prefixes: list[tuple[str, str]] = []
        for a in actors:
            for alias in (*a.aliases, *a.metonyms, *a.institution_aliases()):
                key = alias.casefold()
                if key.endswith("*"):
                    self._prefixes.append((key[:-1], a.name))
                    continue
                self._exact.setdefault(key, a.name)
        for key, name in self._exact.items():
            self._plain.setdefault(plain(key), name)

    def resolve(self, name: str, kind: str | None = None) -> str | None:
        """The canonical name ``name`` stands for, or None; ``kind`` "person" also tries the
        surname of a name of several words."""
        key = " ".join(name.split()).casefold()
        if not key:
            return None
        found = self._exact.get(key) or self._plain.get(plain(key))
        if found is None:
            found = next((n for prefix, n in self._prefixes if key.startswith(prefix)), None)
        if found is None and kind == "person" and " " in key:
            found = self._plain.get(plain(key).split()[-1])
        return found


def parse_actors(text: str, origin: str) -> list[Actor]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {origin}: {exc}") from None
    entries = data.get("actors")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no [[actors]] entries")
    actors = [_actor(raw, i, origin) for i, raw in enumerate(entries)]
    names: dict[str, str] = {}
    for a in actors:
        if a.name.casefold() in names:
            raise ConfigError(f"{origin}: actor name {a.name!r} appears twice")
        names[a.name.casefold()] = a.name
    owner: dict[str, str] = {}
    for a in actors:
        for alias in (a.name, *a.aliases, *a.metonyms):
            key = alias.casefold()
            if owner.get(key, a.name) != a.name:
                raise ConfigError(
                    f"{origin}: alias {alias!r} belongs to both {owner[key]!r} and {a.name!r}"
                )
            owner[key] = a.name
    for country, generated in institution_aliases(actors).items():
        for alias in generated:
            key = alias.casefold()
            if owner.get(key, country) != country:
                raise ConfigError(
                    f"{origin}: alias {alias!r} belongs to both {owner[key]!r} and {country!r}"
                )
            owner[key] = country
    known = set(names.values())
    for a in actors:
        for r in a.roles:
            if r.speaks_for and r.speaks_for not in known:
                raise ConfigError(
                    f"{origin}: actor {a.name!r}: speaks_for {r.speaks_for!r} is not an actor"
                )
    return actors


def load_actors(path: str | None = None) -> list[Actor]:
    """The actors of ``path``, or of the actors.toml shipped in the package."""
    if path is None:
        text = resources.files("stancewatch.data").joinpath("actors.toml").read_text("utf-8")
        return parse_actors(text, "actors.toml (packaged)")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"actors file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read actors file {p}: {exc}") from None
    return parse_actors(text, str(p))
