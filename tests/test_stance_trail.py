"""The verdict trail: classify and the engine say why as a structure; the cue line renders it."""

from __future__ import annotations

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine
from stancewatch.stance.classify import JUDGEMENTS, classify
from stancewatch.stance.folding import Folded
from stancewatch.stance.trail import Fired, Reading, Trail


def _reading(text: str) -> Reading:
    verdict = classify(Folded(text), 0, len(text))
    assert verdict is not None, text
    return verdict.reading


def test_a_composed_reading_keeps_each_cue_in_order():
    r = _reading("Kyiv rejected calls to abandon its bid to join NATO")
    assert [f.name for f in r.fired] == ["oppose", "calls-for", "give-up"]
    assert r.head == "oppose" and r.alone is None
    assert str(r) == "oppose>calls-for>give-up"


def test_a_negation_is_the_cue_s_tag_and_a_rhetorical_question_turns_the_reading():
    r = _reading("Why should Ukraine not join NATO?")
    assert r.fired == (Fired("should-join", ("negated",)),) and r.turns == ("rhetorical",)
    assert r.alone == "should-join"
    assert str(r) == "should-join+negated+rhetorical"


def test_what_is_sought_in_exchange_is_not_the_holder_s_own_act():
    r = _reading("He is ready to leave office in exchange for NATO membership")
    assert r.sought and r.head is None and str(r) == "sought"
    inner = Reading((Fired("join"),), sought=True)
    assert inner.head is None and inner.label == "sought:join" and str(inner) == "sought:join"


def test_a_judgement_after_the_head_judges_it():
    r = _reading("giving up on NATO membership would be a betrayal")
    assert r.head == "give-up" and r.judged_by(JUDGEMENTS)
    assert not Reading.of("give-up").judged_by(JUDGEMENTS)


def test_a_trail_renders_attribution_reading_and_carrier():
    t = Trail("speech", reading=Reading.of("not-ready")).carried("Olaf Scholz")
    assert str(t) == "speech:not-ready (via Olaf Scholz)"
    assert str(Trail("speech", role="reports-others")) == "speech+reports-others"
    model = Trail.of_model("v2", ("rule:oppose", "u:ready"))
    assert model.is_model and str(model) == "model:v2[rule:oppose, u:ready]"
    assert model.as_dict() == {
        "how": "model",
        "model": "v2",
        "features": ["rule:oppose", "u:ready"],
    }


def test_every_statement_s_cue_is_its_trail_rendered():
    engine = StanceEngine(load_actors())
    text = ("Scholz says Ukraine is not ready to join NATO\n\n"
            "German Chancellor Olaf Scholz said Ukraine's membership is not on the agenda.")  # fmt: skip
    statements = engine.analyze(text)
    assert statements
    for s in statements:
        assert s.cue == str(s.trail)
        assert s.as_dict()["trail"]["how"] == s.trail.how
    carried = [s for s in statements if s.trail.via is not None]
    assert carried and all(s.cue.endswith(f"(via {s.trail.via})") for s in carried)
