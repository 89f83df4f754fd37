"""The rules' words as data (stancewatch/stance/lexicon.py): the verbs of saying are one list
that every reader of speech builds from."""

from __future__ import annotations

import pytest

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine, lexicon
from stancewatch.stance.sentences import split


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
