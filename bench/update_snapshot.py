"""Rewrite the stance gate's snapshot: every labelled line's predicted stance, per set.

tests/test_stance_gate.py fails when a line's prediction differs from
``bench/corpus/snapshot/<set>.json`` (or when accuracy drops below ``bench/corpus/floors.toml``).
A rule change that flips lines on purpose runs this in the same commit, so that the diff of
the snapshot shows which lines it flipped. ``--raise-floors`` also raises each floor to
today's accuracy rounded down to two decimals; a floor is never lowered here (lowering one is a
decision to make by hand, in floors.toml, with the reason in the commit).

    python bench/update_snapshot.py [--raise-floors]
"""

from __future__ import annotations

import argparse
import json
import math
import tomllib
from pathlib import Path

from eval_stance import CORPUS, load, score

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine

SNAPSHOTS = CORPUS / "snapshot"
FLOORS = CORPUS / "floors.toml"
FLOORS_HEAD = """\
# Accuracy floors of the stance gate (tests/test_stance_gate.py), per labelled set in this
# folder, with the packaged actors: the figure when the floor was set, rounded down to two
# decimals. Raise with `python bench/update_snapshot.py --raise-floors`; lower only by hand,
# saying why in the commit.
"""


def sets() -> dict[str, list[dict]]:
    """Every labelled set of the corpus, by name (the file's stem)."""
    return {p.stem: load(p) for p in sorted(CORPUS.glob("*.jsonl"))}


def snapshot_path(name: str) -> Path:
    return SNAPSHOTS / f"{name}.json"


def read_snapshot(name: str) -> dict[str, str] | None:
    path = snapshot_path(name)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def read_floors() -> dict[str, float]:
    if not FLOORS.exists():
        return {}
    return dict(tomllib.loads(FLOORS.read_text(encoding="utf-8")).get("accuracy", {}))


def write_floors(floors: dict[str, float]) -> None:
    body = "".join(f"{name} = {value:.2f}\n" for name, value in sorted(floors.items()))
    FLOORS.write_text(FLOORS_HEAD + "\n[accuracy]\n" + body, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raise-floors", action="store_true", help="raise floors to today's figure")
    args = ap.parse_args()
    engine = StanceEngine(load_actors())
    SNAPSHOTS.mkdir(exist_ok=True)
    floors = read_floors()
    for name, rows in sets().items():
        result = score(rows, engine, with_families=False)
        before = read_snapshot(name) or {}
        flipped = [k for k, v in result.predictions.items() if k in before and before[k] != v]
        snapshot_path(name).write_text(
            json.dumps(result.predictions, indent=0, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        today = math.floor(result.accuracy * 100) / 100
        if name not in floors or (args.raise_floors and today > floors[name]):
            floors[name] = today
        print(f"{name}: {result.n} lines, accuracy {result.accuracy:.4f} (floor "
              f"{floors[name]:.2f}), {len(flipped)} flipped: {' '.join(flipped[:30])}")  # fmt: skip
    write_floors(floors)


if __name__ == "__main__":
    main()
