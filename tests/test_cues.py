"""The cue registry (stancewatch/data/cues.toml): it loads, it is what the rules use, and a
broken entry is refused with a message that names the cue and the sentence."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from stancewatch.actors import Actor, load_actors, parse_actors
from stancewatch.stance import classify, engine, lexicon
from stancewatch.stance.cues import PROPERTIES, derive_triggers, load_cues, parse_cues
from stancewatch.stance.folding import ci, fold

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "corpus"

GOOD = {
    "parts": {"nato": "(NATO|the Alliance)", "join": "join(s|ed|ing)?"},
    "cue": [
        {
            "name": "backs",
            "polarity": "support",
            "pattern": r"\b(backs?|backed) {nato}\b",
            "properties": ["strong", "composable"],
            "examples": ["Poland backs NATO membership for Ukraine"],
            "counter_examples": ["Poland backs the plan"],
        },
        {
            "name": "never-join",
            "polarity": "oppose",
            "pattern": ["\\bnever ", "{join}\\b"],
            "properties": ["self-negated"],
            "examples": ["Ukraine will never join"],
        },
    ],
}


def broken(**changes):
    """GOOD with the first cue's fields changed (None removes one)."""
    data = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            data["cue"][0].pop(key)
        else:
            data["cue"][0][key] = value
    return data


def test_the_packaged_registry_loads_and_every_cue_has_an_example():
    reg = load_cues()
    assert len(reg.cues) == len({c.name for c in reg.cues}) >= 50
    for cue in reg.cues:
        assert cue.polarity in (1, -1), cue.name
        assert cue.examples, cue.name
        assert "{" not in cue.pattern.replace("{0,", "").replace("{1,", ""), cue.name
        for ex in cue.examples:
            assert cue.regex.search(fold(ex)), (cue.name, ex)
        for ex in cue.counter_examples:
            assert not cue.regex.search(fold(ex)), (cue.name, ex)
    # the parts are filled in: "{nato}" in the file is NATO by the names actors.toml gives it
    assert "{nato}" not in reg["invite"].pattern
    assert r"|the\ Alliance|" in reg.parts["nato"] and reg.parts["nato"] in reg["invite"].pattern


def test_the_rules_read_their_cue_properties_from_the_registry():
    reg = lexicon.REGISTRY
    assert [c[0] for c in lexicon.CUES] == sorted(
        (c.name for c in reg.cues), key=lambda n: n not in lexicon.SELF_NEGATED
    ) and lexicon.CUES[0][0] in lexicon.SELF_NEGATED
    assert classify.COMPOSABLE == reg.having("composable") >= {"support", "oppose"}
    assert classify._STRONG == reg.having("strong")
    assert classify.GAPPED == reg.having("gapped")
    assert engine.SPEAKER_OWN == reg.having("speaker-own") == {"should-join", "no-veto"}
    assert lexicon.TRIGGERS["support"] == reg["support"].triggers
    with pytest.raises(ValueError, match="unknown cue property 'strongest'"):
        reg.having("strongest")


def test_every_match_in_the_corpus_holds_one_of_its_derived_triggers():
    """Derived triggers are sound: a cue whose trigger is missing from a clause cannot match."""
    texts = [
        fold(json.loads(line)["text"])
        for f in sorted(CORPUS.glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]
    assert len(texts) > 2000
    derived = [c for c in lexicon.REGISTRY.cues if c.triggers_derived]
    assert len(derived) == len(lexicon.REGISTRY.cues)  # none kept by hand today
    for cue in derived:
        for text in texts:
            for m in cue.regex.finditer(text):
                assert any(t in m.group() for t in cue.triggers), (cue.name, m.group())


def test_a_good_registry_builds_its_patterns_from_named_parts():
    reg = parse_cues(GOOD)
    backs, never = reg.cues
    assert backs.pattern == r"\b(backs?|backed) (NATO|the Alliance)\b"
    assert never.pattern == r"\bnever join(s|ed|ing)?\b"
    assert backs.polarity == 1 and never.polarity == -1
    assert reg.having("self-negated") == {"never-join"}
    assert never.triggers == ("never join",)
    assert "back nato" in backs.triggers and all(t.startswith("back") for t in backs.triggers)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (broken(properties=["strong", "loud"]), "cue 'backs': unknown property 'loud'"),
        (
            broken(examples=["Poland backs Ukraine"]),
            "cue 'backs': example does not match: 'Poland backs Ukraine'",
        ),
        (
            broken(counter_examples=["Hungary backed the Alliance"]),
            "cue 'backs': counter-example matches ('backed the alliance'): "
            "'Hungary backed the Alliance'",
        ),
        (broken(pattern=r"\b(backs?"), "cue 'backs': pattern does not compile"),
        (broken(pattern=r"\bbacks {club}"), "cue 'backs': unknown part {club}"),
        (broken(polarity="neutral"), "cue 'backs': polarity must be support or oppose"),
        (broken(examples=None), "cue 'backs': no examples"),
        (broken(pattern=None), "cue 'backs': no pattern"),
        (broken(colour="red"), "cue 'backs': unknown key 'colour'"),
        (
            broken(pattern=r"(?<=backs )\w+", counter_examples=None),
            "cue 'backs': no literal text every match holds",
        ),
        (broken(triggers=["back"]), "cue 'backs': triggers kept by hand need triggers_why"),
        (
            broken(triggers=["backed"], triggers_why="speed"),
            "cue 'backs': no trigger in the match 'backs nato' of: "
            "'Poland backs NATO membership for Ukraine'",
        ),
    ],
)
def test_a_broken_entry_is_refused_naming_the_cue_and_the_sentence(data, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_cues(data, "cues.toml")


def test_a_duplicate_name_is_refused():
    data = copy.deepcopy(GOOD)
    data["cue"].append(copy.deepcopy(data["cue"][0]))
    with pytest.raises(ValueError, match="cue 'backs': duplicate name"):
        parse_cues(data)


def test_triggers_kept_by_hand_are_used_when_they_hold_every_example():
    reg = parse_cues(broken(triggers=["back"], triggers_why="the derived ones are slower"))
    assert reg["backs"].triggers == ("back",) and not reg["backs"].triggers_derived


def test_a_part_that_uses_itself_is_refused():
    data = copy.deepcopy(GOOD)
    data["parts"]["nato"] = "(NATO|{nato})"
    with pytest.raises(ValueError, match=r"part 'nato': part \{nato\} uses itself"):
        parse_cues(data)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path):
    bad = tmp_path / "cues.toml"
    bad.write_text("[[cue]\nname = 'x'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(bad))):
        load_cues(bad)


def test_a_file_can_be_loaded_from_a_path(tmp_path):
    path = tmp_path / "cues.toml"
    path.write_text(
        "[[cue]]\nname = 'loss'\npolarity = 'support'\n"
        "pattern = '''\\b(great|huge) loss\\b'''\nexamples = ['a great loss for NATO']\n",
        encoding="utf-8",
    )
    reg = load_cues(path)
    assert reg["loss"].triggers == ("great loss", "huge loss")


@pytest.mark.parametrize(
    ("pattern", "triggers"),
    [
        # literal prefixes, the shortest that every match holds
        (r"\b(support(s|ed|ing)?|backs?|backed)\b", ("back", "support")),
        # a word class breaks the run; the rarer side of it stands for the whole
        (r"\b(reluctan\w+|wary) of\b", ("reluctan", "wary")),
        # optional words inside the run: every spelling
        (r"\bgr[ae]y zone\b", ("gray zone", "grey zone")),
        # a common word alone is a poor trigger: the rarer word after the gap is taken
        (r"\bwill\b(?:\W+\w+){0,2}?\W+(accede|invite)\b", ("accede", "invite")),
        # an alternation needs one trigger from every branch
        (r"\bno need\b|\bneedless\b", ("needless", "no need")),
    ],
)
def test_triggers_are_derived_from_the_pattern(pattern, triggers):
    assert derive_triggers(ci(pattern).pattern) == triggers


def test_no_triggers_when_a_branch_has_no_literal_text():
    assert derive_triggers(r"\bno need\b|\w+\s\w+") is None
    assert derive_triggers(r"(\w+\s+){1,3}") is None


def test_every_property_says_what_it_means():
    assert all(text.strip() for text in PROPERTIES.values())
    used = {p for c in lexicon.REGISTRY.cues for p in c.properties}
    assert used == set(PROPERTIES)  # no property is left unused


ACTORS = parse_actors(
    """
[[actors]]
name = "Russia"
kind = "country"
aliases = ["Russia", "Росі*"]
metonyms = ["Moscow", "the Kremlin"]

[[actors]]
name = "Vladimir Putin"
kind = "person"
aliases = ["Vladimir Putin", "Putin"]
[[actors.roles]]
title = "President of Russia"
speaks_for = "Russia"

[[actors]]
name = "Sergey Lavrov"
kind = "person"
aliases = ["Lavrov"]
[[actors.roles]]
title = "Minister of Foreign Affairs of Russia"
speaks_for = "Russia"
""",
    "test actors",
)


def with_russia(part, pattern=r"\bgift to {russia}\b", examples=("a gift to the Kremlin",)):
    data = copy.deepcopy(GOOD)
    data["parts"]["russia"] = part
    data["cue"][0].update(pattern=pattern, examples=list(examples), counter_examples=[])
    return data


def test_an_actor_part_is_the_actors_names_metonyms_and_office_holders():
    part = {"actor": "Russia", "metonyms": True, "office": "president"}
    reg = parse_cues(with_russia(part), actors=ACTORS)
    assert reg.parts["russia"] == r"(Vladimir\ Putin|the\ Kremlin|Moscow|Russia|Putin)"
    backs = reg["backs"]
    for text in ("a gift to Moscow", "a gift to Putin", "a gift to Russia"):
        assert backs.regex.search(fold(text)), text
    assert not backs.regex.search(fold("a gift to Lavrov"))  # a minister, not the president
    assert not backs.regex.search(fold("a gift to Росії"))  # the cues are English phrases
    plain = parse_cues(
        with_russia({"actor": "Russia"}, examples=["a gift to Russia"]), actors=ACTORS
    )
    assert plain.parts["russia"] == "(Russia)"


def test_the_packaged_parts_take_russia_and_nato_from_actors_toml():
    from stancewatch.actors import load_actors

    actors = {a.name: a for a in load_actors()}
    parts = lexicon.REGISTRY.parts
    russia = re.compile(parts["russia"])
    latin = re.compile(r"[\w '.-]+", re.ASCII)
    names = (*actors["Russia"].aliases, *actors["Russia"].metonyms, "Putin", "Medvedev")
    assert "Moscow" in names and "the Kremlin" in names
    for name in names:
        assert bool(russia.fullmatch(name)) == bool(latin.fullmatch(name)), name
    nato = re.compile(parts["nato"])
    for name in actors["NATO"].aliases:
        assert bool(nato.fullmatch(name)) == bool(latin.fullmatch(name)), name
    assert not nato.fullmatch("Summit Declaration")  # a metonym is no name to join


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"actor": "Rusia"}, "part 'russia': no actor 'Rusia' in actors.toml"),
        ({"actor": "Russia", "capital": True}, "part 'russia': unknown key 'capital'"),
        ({"actor": "Russia", "metonyms": "yes"}, "part 'russia': metonyms must be true or false"),
        (
            {"actor": "Russia", "office": "chancellor"},
            "part 'russia': nobody in actors.toml held the office 'chancellor' for Russia",
        ),
    ],
)
def test_a_broken_actor_part_is_refused_naming_it(part, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_cues(with_russia(part), "cues.toml", actors=ACTORS)


def test_an_example_an_actor_part_no_longer_names_is_refused():
    """Without the office, "Putin" is no name of Russia's: the cue's example says so."""
    data = with_russia({"actor": "Russia", "metonyms": True}, examples=["a gift to Putin"])
    with pytest.raises(ValueError, match="example does not match: 'a gift to Putin'"):
        parse_cues(data, actors=ACTORS)


def test_derived_triggers_do_not_depend_on_the_hash_seed():
    """The triggers are derived from the patterns by comparing costs; summed in set order, the
    ties fell differently per ``PYTHONHASHSEED`` and the engine's speed varied by 10%."""
    import os
    import subprocess
    import sys

    script = "from stancewatch.stance import lexicon; print(lexicon.TRIGGER_RE.pattern)"
    patterns = {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(patterns) == 1 and next(iter(patterns)).strip()


# -- the names of NATO, Ukraine and Russia come from actors.toml, in the cues and the lexicon --


def with_aliases(**extra: list[str]) -> list[Actor]:
    """The packaged actors, with the ``extra`` aliases of each (by name) added."""
    return [replace(a, aliases=(*a.aliases, *extra.get(a.name, ()))) for a in load_actors()]


#: Spellings the packaged actors.toml does not know, one for each actor the rules name.
EXTRA = with_aliases(Russia=["Rossiya"], Ukraine=["Ukrajina"], NATO=["OTAN"])


@pytest.fixture(scope="module")
def extra_registry():
    return load_cues(actors=EXTRA)


def test_the_packaged_ukraine_part_is_its_names_and_metonyms_from_actors_toml():
    ukraine = {a.name: a for a in load_actors()}["Ukraine"]
    part = re.compile(lexicon.REGISTRY.parts["ukraine"])
    latin = re.compile(r"[\w '.-]+", re.ASCII)
    names = (ukraine.name, *ukraine.aliases, *ukraine.metonyms)
    assert {"Kyiv", "Kiev"} <= set(names)
    for name in names:
        assert bool(part.fullmatch(name)) == bool(latin.fullmatch(name)), name


@pytest.mark.parametrize(
    ("cue", "text"),
    [
        ("invite", "The allies should invite Ukrajina"),
        ("invite", "Poland wants to bring Ukrajina into OTAN"),
        ("see-in", "She sees a place for Ukrajina in OTAN"),
        ("no-need", "OTAN is not for Ukrajina"),
        ("neutrality", "Ukraine should stay out of OTAN"),
        ("give-up", "Kyiv should forget about OTAN"),
        ("russia-say", "We must not let Rossiya veto it"),
        ("bad-eval", "That would be a gift to Rossiya"),
        ("war-risk", "It would mean fighting Rossiya"),
    ],
)
def test_an_alias_added_to_actors_toml_reaches_the_cues(extra_registry, cue, text):
    """The packaged rules do not read the spelling; built from actors that know it, the cue
    matches, and its derived triggers hold the match (else it would never be tried)."""
    low = fold(text)
    assert not lexicon.REGISTRY[cue].regex.search(low)
    built = extra_registry[cue]
    m = built.regex.search(low)
    assert m, built.pattern
    assert any(t in m.group() for t in built.triggers), (m.group(), built.triggers)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("NATO", "Ukraine wants to join OTAN"),
        ("NATO_LOW", "Ukraine wants to join OTAN"),
        ("GOAL_HINT", "Kyiv moves closer to OTAN"),
        ("NATO_GOAL", "Kyiv moves closer to OTAN"),
        ("NATO_PRESENCE", "OTAN troops in Ukraine"),
        ("LOOSE_TOPIC", "the OTAN summit"),
        ("TOPIC_BACK", "Orbán opposes Ukrajina's bid"),
        ("OTHER_OBJECT", " for Ukrajina."),
        ("UKRAINE_NAMED", "expansion into the Arctic and Ukrajina"),
    ],
)
def test_an_alias_added_to_actors_toml_reaches_the_lexicon(extra_registry, pattern, text):
    parts = lexicon.name_parts(EXTRA, extra_registry.parts)
    low = text if pattern == "NATO" else fold(text)  # NATO alone reads the text as written
    assert not getattr(lexicon, pattern).search(low)
    assert lexicon.named_rebuilt(pattern, parts).search(low)


def test_an_alias_added_to_actors_toml_reaches_the_look_behinds(extra_registry):
    """ "NATO members" are no membership talk: nor are the members of NATO by another name."""
    parts = lexicon.name_parts(EXTRA, extra_registry.parts)
    for pattern in ("MEMBERSHIP", "MEMBERSHIP_WORD"):
        for text in ("the otan members met", "the otan's members met"):
            assert getattr(lexicon, pattern).search(text), (pattern, text)
            assert not lexicon.named_rebuilt(pattern, parts).search(text), (pattern, text)


def test_the_case_sensitive_nato_reads_names_as_the_actor_matcher_does(extra_registry):
    """An all-capital name by its case ("OTAN", not "Otan"), the others in any case."""
    more = with_aliases(NATO=["OTAN", "the Atlantic Alliance"])
    nato = lexicon.named_rebuilt("NATO", lexicon.name_parts(more, load_cues(actors=more).parts))
    assert nato.search("join OTAN") and not nato.search("join Otan")
    assert nato.search("The Atlantic Alliance met") and nato.search("THE ATLANTIC ALLIANCE MET")
    assert lexicon.NATO.search("the North Atlantic Treaty Organisation")  # the British spelling


def test_the_lexicon_patterns_are_their_templates_filled_with_the_packaged_parts():
    assert {k: lexicon.PARTS[k] for k in lexicon.REGISTRY.parts} == dict(lexicon.REGISTRY.parts)
    assert {"NATO", "NATO_GOAL", "MEMBERSHIP", "TOPIC_BACK", "UKRAINE_NAMED"} <= set(lexicon.TEMPLATES)  # fmt: skip
    for name in lexicon.TEMPLATES:
        assert lexicon.named_rebuilt(name, lexicon.PARTS).pattern == getattr(lexicon, name).pattern
    assert engine._GOAL_HINT is lexicon.GOAL_HINT
