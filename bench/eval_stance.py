"""Score the stance engine on a labelled set, the way a held-out judge would.

For each line ``{"text", "actor", "stance"}``: run the engine on ``text``, take the statement
whose actor is ``actor`` (no statement = neutral), and report accuracy, macro-F1 over support /
oppose / neutral, per-label precision/recall/F1, and the misses. Prints; asserts nothing.

    python bench/eval_stance.py [../shared/eval/stance_dev.jsonl] [--actors FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine

LABELS = ("support", "oppose", "neutral")
DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stance_dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--actors", default=None)
    ap.add_argument("--quiet", action="store_true", help="figures only, no misses")
    args = ap.parse_args()
    engine = StanceEngine(load_actors(args.actors))
    rows = [
        json.loads(line)
        for line in args.path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pairs, misses = [], []
    started = time.perf_counter()
    for row in rows:
        found = {s.actor: s for s in engine.analyze(row["text"])}
        hit = found.get(row["actor"])
        predicted = hit.stance if hit else "neutral"
        pairs.append((row["stance"], predicted))
        if predicted != row["stance"]:
            misses.append((row, predicted, hit.cue if hit else "-"))
    elapsed = time.perf_counter() - started
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    f1s = []
    print(f"{len(pairs)} pairs from {args.path.name}  ({elapsed * 1000 / len(pairs):.2f} ms each)")
    for label in LABELS:
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label != g for g, p in pairs)
        fn = sum(g == label != p for g, p in pairs)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        print(f"  {label:<8} precision {prec:.3f}  recall {rec:.3f}  F1 {f1:.3f}  (n={tp + fn})")
    print(f"accuracy {accuracy:.3f}   macro-F1 {sum(f1s) / len(f1s):.3f}")
    if not args.quiet:
        print(f"misses ({len(misses)}):")
        for row, predicted, cue in misses:
            print(f"  {row.get('id', '?'):<5} {row['actor']:<22} gold {row['stance']:<7} got {predicted:<7} "
                  f"cue {cue}: {row['text'][:110]}")  # fmt: skip


if __name__ == "__main__":
    main()
