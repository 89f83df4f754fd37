"""The learned stance model: features, pure-Python inference, cues, and the shipped file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stancewatch.actors import Actor, load_actors
from stancewatch.stance import StanceEngine
from stancewatch.stance.features import SentenceTokens
from stancewatch.stance.model import StanceModel
from stancewatch.stance.trail import Reading, Trail

ROOT = Path(__file__).resolve().parent.parent
UA = Actor("Ukraine", "country")
SCHOLZ = Actor("Olaf Scholz", "person")
GERMANY = Actor("Germany", "country")


def _tokens(text: str, mentions: list[tuple[str, Actor]]) -> SentenceTokens:
    low = text.lower()
    spans = sorted((low.index(s.lower()), low.index(s.lower()) + len(s), a) for s, a in mentions)
    return SentenceTokens(low, 0, len(low), spans, {"german": GERMANY})


def test_the_holder_and_others_become_placeholders():
    t = _tokens("Scholz says Ukraine is not ready", [("Scholz", SCHOLZ), ("Ukraine", UA)])
    f = t.shared + t.features(SCHOLZ, "named", None)  # plain n-grams are shared, scored once
    assert {"u:_h_", "u:_ua_", "b:_h_ says", "R1:says", "L1:<s>", "rule:none", "flag:neg"} <= set(f)
    g = t.shared + t.features(
        UA, "named", ("oppose", Trail("subject", reading=Reading.of("not-ready")))
    )
    assert "u:_ua_" not in t.shared and "u:says" in t.shared
    assert {"u:_per_", "b:_per_ says", "rule:oppose", "rulecue:not-ready", "is:_ua_"} <= set(g)


def test_a_demonym_names_its_country():
    t = _tokens("The German chancellor backs the bid", [])
    assert [a.name for a in t.actors()] == ["Germany"]
    assert "L1:the" in t.features(GERMANY, "demonym", None)


def test_inference_sums_weights_and_explains():
    model = StanceModel({"version": "t1", "labels": ["support", "oppose", "neutral"],
                         "weights": {"bias": [0, 0, 1], "u:ready": [2, 0, 0],
                                     "flag:neg": [-1, 3, 0]}})  # fmt: skip
    assert model.scores(["bias", "u:ready", "unknown"]) == [2.0, 0.0, 1.0]
    p = model.predict(["bias", "u:ready", "flag:neg"])
    assert p.stance == "oppose" and p.top == ("flag:neg",)
    assert 0.5 < p.confidence < 1
    assert str(model.trail(p)) == "model:t1[flag:neg]"


def test_the_packaged_model_is_plain_json_and_small():
    path = ROOT / "stancewatch" / "data" / "stance_model.json"
    assert path.stat().st_size < 2_000_000
    model = StanceModel.load()
    assert model.labels == ("support", "oppose", "neutral")
    assert all(len(w) == 3 for w in model.weights.values())


def test_the_engine_with_the_model_keeps_the_rules_statements():
    actors = load_actors()
    rules, modelled = StanceEngine(actors), StanceEngine(actors, use_model=True)
    text = "Scholz said Germany does not support an invitation for Ukraine to join NATO now."
    by_rules = {s.actor: s for s in rules.analyze(text)}
    by_model = {s.actor: s for s in modelled.analyze(text)}
    for name, s in by_rules.items():
        assert by_model[name] == s
    for s in by_model.values():  # every statement names a rule or the model
        assert s.cue and (s.actor in by_rules or s.cue.startswith("model:"))


def test_inference_imports_no_numeric_library():
    code = (
        "import sys; from stancewatch.actors import load_actors; "
        "from stancewatch.stance import StanceEngine; "
        "StanceEngine(load_actors(), use_model=True).analyze('Scholz backs Ukraine in NATO'); "
        "assert not {'numpy', 'scipy', 'sklearn'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_retraining_reproduces_the_shipped_file(tmp_path):
    """About 7 s: the training script, from the labelled files, writes the shipped bytes (run
    as a script: it fixes the numeric kernels before numpy loads, which this process has)."""
    out = tmp_path / "model.json"
    subprocess.run([sys.executable, str(ROOT / "tools" / "train_stance.py"), "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True)  # fmt: skip
    assert out.read_bytes() == (ROOT / "stancewatch" / "data" / "stance_model.json").read_bytes()


def test_the_training_script_refuses_a_missing_actors_file_in_one_line(tmp_path):
    script = str(ROOT / "tools" / "train_stance.py")
    for args in (
        ["--actors", str(tmp_path / "none.toml")],
        ["--out", str(tmp_path / "no" / "m.json")],
    ):
        done = subprocess.run(
            [sys.executable, script, *args], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def _leaning_support() -> StanceModel:
    """A model that reads every holder as support, 0.6 sure (between the thresholds)."""
    return StanceModel({"version": "t2", "labels": ["support", "oppose", "neutral"],
                        "weights": {"u:_h_": [1.1, 0, 0]}})  # fmt: skip


def test_the_model_reads_where_the_rules_read_nothing():
    engine = StanceEngine(load_actors(), model=_leaning_support())
    got = {s.actor: s for s in engine.analyze("Scholz spoke in Berlin about Ukraine's NATO bid.")}
    assert got["Olaf Scholz"].stance == "support"
    assert got["Olaf Scholz"].cue.startswith("model:t2")


def test_the_model_needs_its_surest_reading_where_the_rules_read_something():
    engine = StanceEngine(load_actors(), model=_leaning_support())
    for text in (
        "Scholz declined to back Ukraine's NATO bid.",  # a cue the rules set aside
        "Scholz questioned Hungary's stance on Ukraine's NATO bid.",  # someone's position
        "Scholz on Ukraine's NATO bid: we are waiting for Washington",  # a headline's topic
    ):
        got = {s.actor: s.stance for s in engine.analyze(text)}
        assert got.get("Olaf Scholz", "neutral") == "neutral", text
