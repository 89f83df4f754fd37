"""The rules' words as data (stancewatch/stance/lexicon.py): the verbs of saying are one list
that every reader of speech builds from."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine, lexicon
from stancewatch.stance.sentences import split

STANCE = Path(__file__).resolve().parent.parent / "stancewatch" / "stance"


def test_every_form_of_saying_belongs_to_one_verb():
    forms = [f for fs in lexicon.SAYING.values() for f in fs]
    assert len(forms) == len(set(forms))
    assert set(lexicon.BELIEVING) <= set(lexicon.SAYING)
    assert set(lexicon.ASKING) <= set(lexicon.SAYING)


def test_a_reader_takes_only_forms_of_the_list():
    assert lexicon.saying("said", "told") == "said|told"
    with pytest.raises(ValueError, match="not a form in lexicon.SAYING: mumbled"):
        lexicon.saying("said", "mumbled")


def test_speech_reads_every_verb_but_asking():
    for verb, forms in lexicon.SAYING.items():
        for form in forms:
            found = lexicon.SPEECH.fullmatch(form)
            assert (found is None) == (verb in lexicon.ASKING), form
    assert lexicon.SPEECH.fullmatch("according to")


def test_denied_beliefs_are_the_neg_raising_verbs():
    assert lexicon.BELIEF_FORMS == {"believe", "believes", "believed", "think", "thinks",
                                    "consider", "considers", "see", "sees", "expect", "expects"}  # fmt: skip
    for verb in lexicon.BELIEVING:
        assert lexicon.NEG_RAISING.search(f"does not {verb} that"), verb


def test_a_quoted_question_and_its_asking_speaker_are_one_sentence():
    text = '"Why not?" Kuleba wondered. Ukraine will join.'
    spans = split(text)
    assert [text[s.start : s.end] for s in spans] == [
        '"Why not?" Kuleba wondered.',
        "Ukraine will join.",
    ]


@pytest.fixture(scope="module")
def engine():
    return StanceEngine(load_actors(), use_model=False)


def test_a_pronoun_speaker_reads_a_form_of_the_list(engine):
    text = "Zelensky spoke in Kyiv. He emphasized that Ukraine must be invited to join NATO."
    found = {s.actor: s.stance for s in engine.analyze(text)}
    assert found.get("Volodymyr Zelenskyy") == "support", found


#: The regexes the stance modules may compile themselves: plumbing, not rules about language
#: (tokens, cheap literal tests guarding a lexicon pattern, patterns built at run time from
#: actors.toml, the reading of its titles, the sentence splitter's boundaries). Each entry is
#: the module-level name (or function, class) that holds the call, once per call.
PLUMBING = {
    "engine": ["_CONTRAST_HINT", "_REGION_HINT", "_FIVE_WORDS",
               "_title_pattern", "StanceEngine"],
    "attribution": ["_LAST_WORD", "find_speaker"],
    "classify": [],
    "matcher": ["_TOKEN", "_GAP", "_NAME_NEXT", "ActorMatcher"],
    "offices": ["_OFFICES"] * 9,
    "sentences": ["_BOUNDARY", "_ABBREV"],
    "features": ["_WORD"],
    "model": [],
}  # fmt: skip
_RE_CALLS = {"compile", "match", "search", "findall", "sub", "fullmatch", "finditer", "split"}


def _regexes(path) -> list[str]:
    """Who holds each ``re.compile``, ``ci`` or ``re.<fn>("literal", ...)`` call of a module."""
    owners = []
    for top in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(top, ast.Assign | ast.AnnAssign):
            target = top.targets[0] if isinstance(top, ast.Assign) else top.target
            owner = target.id if isinstance(target, ast.Name) else "?"
        elif isinstance(top, ast.FunctionDef | ast.ClassDef):
            owner = top.name
        else:
            continue
        for node in ast.walk(top):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            is_re = isinstance(f, ast.Attribute) and getattr(f.value, "id", None) == "re"
            if (isinstance(f, ast.Name) and f.id == "ci") or (
                is_re
                and f.attr in _RE_CALLS
                and (f.attr == "compile" or isinstance(node.args[0], ast.Constant))
            ):
                owners.append(owner)
    return owners


@pytest.mark.parametrize("module", sorted(PLUMBING))
def test_rule_regexes_live_in_the_lexicon(module):
    """A pattern about language belongs in lexicon.py with a ``#:`` line saying what it reads;
    only plumbing stays in the module that uses it."""
    found = _regexes(STANCE / f"{module}.py")
    assert sorted(found) == sorted(PLUMBING[module]), (
        f"stance/{module}.py compiles {sorted(set(found) - set(PLUMBING[module]))}: "
        "move a rule about language to lexicon.py (or list plumbing in PLUMBING)"
    )


def test_every_lexicon_pattern_says_what_it_reads():
    lines = (STANCE / "lexicon.py").read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    bare = []
    for top in tree.body:
        if not isinstance(top, ast.Assign) or not isinstance(top.targets[0], ast.Name):
            continue
        name = top.targets[0].id
        value = getattr(lexicon, name, None)
        if not isinstance(value, re.Pattern) or name.startswith("_"):
            continue
        if not lines[top.lineno - 2].startswith("#:"):
            bare.append(name)
    assert not bare, f"lexicon patterns without a #: line: {bare}"
