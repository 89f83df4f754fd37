"""The stance gate: every labelled set in bench/corpus/ keeps its accuracy floor, and no line's
prediction changes unless the snapshot is rewritten in the same commit.

A rule change that moves lines on purpose runs ``python bench/update_snapshot.py`` and commits
the snapshot with it; the snapshot's diff then says which lines the change flipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.append(str(BENCH))

from eval_stance import CORPUS, keys, score  # noqa: E402
from update_snapshot import read_floors, read_snapshot, sets  # noqa: E402

SETS = sets()
REGENERATE = "python bench/update_snapshot.py (and commit the snapshot with the rule change)"


@pytest.fixture(scope="module")
def results():
    engine = StanceEngine(load_actors())
    return {name: score(rows, engine, with_families=False) for name, rows in SETS.items()}


def test_the_corpus_holds_the_three_sets():
    assert {"stance_dev", "stance_real", "stance_written"} <= set(SETS)


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_line_says_where_it_comes_from(name):
    """A real text keeps its address; a written sentence says it was written."""
    for n, row in enumerate(SETS[name], 1):
        origin = row.get("source_url") or row.get("seed") or row.get("source") == "written"
        assert origin, f"{name} line {n}: no source_url, seed or source = written"
        assert not (row.get("source") == "written" and row.get("source_url")), (name, n)
        assert row["stance"] in ("support", "oppose", "neutral"), (name, n)


@pytest.mark.parametrize("name", sorted(SETS))
def test_keys_are_unique(name):
    assert len(set(keys(SETS[name]))) == len(SETS[name])


@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_keeps_its_floor(name, results):
    floors = read_floors()
    assert name in floors, f"no floor for {name} in {CORPUS / 'floors.toml'}: run {REGENERATE}"
    accuracy = results[name].accuracy
    assert accuracy >= floors[name], (
        f"{name}: accuracy {accuracy:.4f} is below its floor {floors[name]:.2f}"
    )


@pytest.mark.parametrize("name", sorted(SETS))
def test_no_prediction_changed_since_the_snapshot(name, results):
    was = read_snapshot(name)
    assert was is not None, f"no snapshot for {name}: run {REGENERATE}"
    now = results[name].predictions
    gold = dict(zip(keys(SETS[name]), (r["stance"] for r in SETS[name]), strict=True))
    flipped = [k for k in now if k in was and was[k] != now[k]]
    added, gone = sorted(set(now) - set(was)), sorted(set(was) - set(now))
    if flipped or added or gone:
        better = sum(now[k] == gold[k] for k in flipped) - sum(was[k] == gold[k] for k in flipped)
        lines = [f"  {k}: gold {gold[k]}, was {was[k]}, now {now[k]}" for k in flipped]
        pytest.fail(
            f"{name}: {len(flipped)} predictions changed ({better:+d} correct), "
            f"{len(added)} lines not in the snapshot, {len(gone)} gone from the set\n"
            + "\n".join(lines)
            + (f"\n  new: {' '.join(added[:20])}" if added else "")
            + (f"\n  gone: {' '.join(gone[:20])}" if gone else "")
            + f"\nIf the change is meant, regenerate: {REGENERATE}",
            pytrace=False,
        )
