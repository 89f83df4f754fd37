"""Score the stance engine on a labelled set, the way a held-out judge would.

For each line ``{"text", "actor", "stance"}``: run the engine on ``text``, take the statement
whose actor is ``actor`` (no statement = neutral), and report accuracy, macro-F1 over support /
oppose / neutral, per-label precision/recall/F1, and the misses. Prints; asserts nothing.

    python bench/eval_stance.py [../shared/eval/stance_dev.jsonl] [--actors FILE]
    python bench/eval_stance.py ../shared/eval/stance_real.jsonl --cv 5 [--baseline]

``--cv K``: K-fold cross-validation grouped by ``source_url`` (all lines of a page in one
fold; pages sorted by a hash of their address and dealt round-robin, so the folds are fixed).
What is fitted (the stance model, tools/train_stance.py) is retrained on the other folds plus
the written sentences and scored on the held-out fold. ``--baseline``: the same folds for a
TF-IDF + logistic regression over the text with the holder's mentions replaced by a
placeholder (scikit-learn, bench only), to show what the engine adds. ``--model``: score the
engine with the packaged stance model (off by default, as in the package).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine

LABELS = ("support", "oppose", "neutral")
DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stance_dev.jsonl"
TOOLS = Path(__file__).resolve().parent.parent / "tools"


def folds(rows: list[dict], k: int) -> list[int]:
    """The fold of each row: pages sorted by the SHA-1 of their address, dealt round-robin."""
    pages = sorted({r.get("source_url") or r["id"] for r in rows},
                   key=lambda u: hashlib.sha1(u.encode()).hexdigest())  # fmt: skip
    fold_of = {u: i % k for i, u in enumerate(pages)}
    return [fold_of[r.get("source_url") or r["id"]] for r in rows]


def report(pairs: list[tuple[str, str]], title: str) -> float:
    """Per-label precision / recall / F1, accuracy and macro-F1; returns the macro-F1."""
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    f1s = []
    print(title)
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
    return sum(f1s) / len(f1s)


def cross_validate(
    rows: list[dict],
    k: int,
    actors_path: str | None = None,
    written: bool = True,
    baseline: bool = False,
) -> list[tuple[str, str]]:
    """(gold, predicted) for every row, each predicted by what was fitted without its page's
    fold."""  # fmt: skip
    sys.path.insert(0, str(TOOLS))
    import train_stance as ts

    from stancewatch.stance.model import StanceModel

    actors = load_actors(actors_path)
    extra = ts.read_rows(ts.WRITTEN) if written else []
    fold = folds(rows, k)
    predicted: list[str] = ["neutral"] * len(rows)
    rules = StanceEngine(actors)
    names = ts.resolver(actors)
    for f in range(k):
        train = [r for r, g in zip(rows, fold, strict=True) if g != f]
        test = [i for i, g in enumerate(fold) if g == f]
        if baseline:
            for i, p in zip(
                test, _baseline(train + extra, [rows[i] for i in test], rules), strict=True
            ):
                predicted[i] = p
            continue
        data = ts.examples(rules, train, ts.REAL_WEIGHT) + ts.examples(
            rules, extra, ts.WRITTEN_WEIGHT
        )
        engine = StanceEngine(actors, model=StanceModel(ts.fit(data)))
        for i in test:
            predicted[i] = predict(engine, rows[i], names)[0]
    return [(r["stance"], p) for r, p in zip(rows, predicted, strict=True)]


def _masked(row: dict, rules: StanceEngine) -> str:
    """The text with the holder's mentions as HOLDER (the baseline's input)."""
    import train_stance as ts

    holder = ts.holder_of(ts.resolver(rules.actors.values()), row["actor"], row.get("actor_kind"))
    text = row["text"]
    for m in reversed(rules.matcher.find(text, when=ts.published(row))):
        if m.actor.name == holder:
            text = text[: m.start] + " HOLDER " + text[m.end :]
    return text


def _baseline(train: list[dict], test: list[dict], rules: StanceEngine) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    x = vec.fit_transform([_masked(r, rules) for r in train])
    clf = LogisticRegression(C=10.0, max_iter=2000, solver="lbfgs")
    clf.fit(x, [r["stance"] for r in train])
    return list(clf.predict(vec.transform([_masked(r, rules) for r in test])))


def predict(engine: StanceEngine, row: dict, names: dict[str, str]) -> tuple[str, str]:
    """The stance and cue of the statement whose actor the row's holder resolves to (the
    last one when there are several), on the row's date; no statement is neutral."""
    import train_stance as ts

    holder = ts.holder_of(names, row["actor"], row.get("actor_kind"))
    found = {s.actor: s for s in engine.analyze(row["text"], ts.published(row))}
    hit = found.get(holder)
    return (hit.stance, hit.cue) if hit else ("neutral", "-")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--actors", default=None)
    ap.add_argument("--quiet", action="store_true", help="figures only, no misses")
    ap.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV grouped by page")
    ap.add_argument("--no-written", action="store_true", help="CV: train on real folds only")
    ap.add_argument("--baseline", action="store_true", help="CV: TF-IDF + LR baseline")
    ap.add_argument("--model", action="store_true", help="the engine with the packaged model")
    args = ap.parse_args()
    rows = [
        json.loads(line)
        for line in args.path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.cv:
        pairs = cross_validate(rows, args.cv, args.actors, not args.no_written, args.baseline)
        what = "baseline TF-IDF+LR" if args.baseline else "engine + model"
        report(
            pairs, f"{len(pairs)} pairs from {args.path.name}, {what}, grouped {args.cv}-fold CV"
        )
        return
    sys.path.insert(0, str(TOOLS))
    import train_stance as ts

    actors = load_actors(args.actors)
    engine = StanceEngine(actors, use_model=args.model)
    names = ts.resolver(actors)
    pairs, misses = [], []
    started = time.perf_counter()
    for row in rows:
        predicted, cue = predict(engine, row, names)
        pairs.append((row["stance"], predicted))
        if predicted != row["stance"]:
            misses.append((row, predicted, cue))
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
