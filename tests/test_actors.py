"""actors.toml: the packaged actors, validation with one-line messages, and the command."""

from __future__ import annotations

import json

import pytest

from stancewatch.actors import ActorNames, load_actors, parse_actors
from stancewatch.cli import cli
from stancewatch.errors import ConfigError


def test_packaged_actors_cover_the_seeds():
    actors = {a.name: a for a in load_actors()}
    assert len(actors) >= 60
    for name in ("Volodymyr Zelenskyy", "Donald Trump", "Olaf Scholz", "Friedrich Merz", "Robert Fico",
                 "Germany", "Hungary", "NATO", "Russia", "Taras Kachka", "Andrii Sybiha"):  # fmt: skip
        assert name in actors
    assert "Kremlin" in actors["Russia"].metonyms and "Kyiv" in actors["Ukraine"].metonyms
    assert {"Zelensky", "Zelenskiy"} <= set(actors["Volodymyr Zelenskyy"].aliases)
    assert any(a.startswith("Зеленськ") for a in actors["Volodymyr Zelenskyy"].aliases)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[[actors]\n", "invalid TOML"),
        ('[[actors]]\nkind = "person"\n', "actor #1: missing name"),
        ('[[actors]]\nname = "X"\nkind = "robot"\n', "actor #1 ('X'): unknown kind 'robot'"),
        ('[[actors]]\nname = "A"\nkind = "country"\naliases = ["Z"]\n'
         '[[actors]]\nname = "B"\nkind = "country"\naliases = ["Z"]\n', "alias 'Z' belongs to both 'A' and 'B'"),
        ('[[actors]]\nname = "P"\nkind = "person"\n[[actors.roles]]\ntitle = "PM"\nfrom = "soon"\n',
         "not a date: 'soon'"),
    ],
)  # fmt: skip
def test_bad_actor_files_are_one_line_errors(tmp_path, toml, message):
    path = tmp_path / "actors.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_actors(str(path))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_actors_command(runner, tmp_path):
    result = runner.invoke(cli, ["actors", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    scholz = next(r for r in rows if r["name"] == "Olaf Scholz")
    assert scholz["roles"][0]["until"] == "2025-05-06"
    missing = runner.invoke(cli, ["--actors", str(tmp_path / "none.toml"), "actors"])
    assert missing.exit_code == 2
    assert missing.output.strip() == f"Error: actors file not found: {tmp_path / 'none.toml'}"


def test_a_demonym_before_an_institution_names_the_country():
    from stancewatch.stance import StanceEngine

    engine = StanceEngine(load_actors())
    found = engine.analyze(
        "The Russian Foreign Ministry said Ukraine's NATO membership would be a direct threat."
    )
    assert {s.actor: s.stance for s in found}.get("Russia") == "oppose"
    # the demonym alone is an adjective, not the country
    assert [m.actor.name for m in engine.matcher.find("Russian drones hit Kharkiv")] == []


def test_packaged_actors_carry_dated_roles_and_offices_resolve_on_the_date():
    from datetime import datetime

    from stancewatch.stance.matcher import ActorMatcher

    actors = load_actors()
    assert len(actors) >= 180
    for a in actors:
        for r in a.roles:
            assert r.start is None or r.end is None or r.start < r.end, (a.name, r)
    matcher = ActorMatcher(actors)

    def named(text, when):
        return [m.actor.name for m in matcher.find(text, when=when)]

    assert named("the German chancellor", datetime(2010, 6, 1)) == ["Angela Merkel"]
    assert named("the German chancellor", datetime(2023, 6, 1)) == ["Olaf Scholz"]
    assert named("the German chancellor", datetime(2025, 9, 1)) == ["Friedrich Merz"]
    assert named("Ukraine's president", datetime(2009, 1, 1)) == ["Viktor Yushchenko"]
    assert named("Ukraine's president", datetime(2012, 1, 1)) == ["Viktor Yanukovych"]
    assert named("Ukraine's president", datetime(2016, 1, 1)) == ["Petro Poroshenko"]
    assert named("NATO's secretary general", datetime(2008, 4, 3)) == ["Jaap de Hoop Scheffer"]
    assert named("NATO chief", datetime(2012, 5, 20)) == ["Anders Fogh Rasmussen"]


def test_an_organisation_speaks_for_its_country_and_its_own_name_beats_a_demonym_alias():
    from stancewatch.stance import StanceEngine

    actors = {a.name: a for a in load_actors()}
    # "Russian Foreign Ministry" is the ministry's name, not one of Russia's generated aliases
    assert actors["Russian Foreign Ministry"].speaks_for(None) == ["Russia"]
    found = StanceEngine(list(actors.values())).analyze(
        "The Verkhovna Rada called on NATO member states to support Ukraine's accession"
    )
    assert {s.actor: s.stance for s in found} == {"Verkhovna Rada": "support", "Ukraine": "support"}


def test_one_resolver_reads_every_spelling_of_an_actor():
    """``ActorNames`` is what the CLI, the web, the export, training and the stance benchmark
    resolve a name through: the name, an alias, a metonym, a demonym-and-institution alias,
    the same without accents, a ``*`` prefix alias, and for a person the surname."""
    actors = parse_actors(
        """
[[actors]]
name = "Viktor Orbán"
kind = "person"
aliases = ["Viktor Orbán", "Orbán", "Орбан*"]

[[actors]]
name = "Hungary"
kind = "country"
demonyms = ["Hungarian"]
aliases = ["Hungary"]
metonyms = ["Budapest"]
""",
        "test",
    )
    names = ActorNames(actors)
    assert names.resolve("viktor  ORBÁN") == "Viktor Orbán"
    assert names.resolve("Orban") == "Viktor Orbán"  # without the accent
    assert names.resolve("Орбана") == "Viktor Orbán"  # a case ending, by the prefix alias
    assert names.resolve("Budapest") == "Hungary"
    assert names.resolve("Hungarian Foreign Ministry") == "Hungary"
    assert names.resolve("PM Viktor Orban", "person") == "Viktor Orbán"  # by surname
    assert names.resolve("PM Viktor Orban") is None  # the surname only for a person
    assert names.resolve("Slovakia") is None
    assert names.resolve("  ") is None
