"""Grouped K-fold cross-validation of what the stance engine fits to the labelled data.

All lines of a page (``source_url``) fall in one fold; pages are sorted by a hash of their
address and dealt round-robin, so the folds are fixed. What is fitted (the stance model,
``tools/train_stance.py``) is retrained on the other folds plus the written sentences and scored
on the held-out fold. ``baseline=True`` runs the same folds for a TF-IDF + logistic regression
over the text with the holder's mentions replaced by a placeholder (scikit-learn, bench only),
so the engine's value over a plain model is visible. Used by ``bench/eval_stance.py --cv K``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from stancewatch.actors import Actor, ActorNames
from stancewatch.stance import StanceEngine

LABELS = ("support", "oppose", "neutral")
TOOLS = Path(__file__).resolve().parent.parent / "tools"


def folds(rows: list[dict], k: int) -> list[int]:
    """The fold of each row: pages sorted by the SHA-1 of their address, dealt round-robin."""
    pages = sorted({r.get("source_url") or r["id"] for r in rows},
                   key=lambda u: hashlib.sha1(u.encode()).hexdigest())  # fmt: skip
    fold_of = {u: i % k for i, u in enumerate(pages)}
    return [fold_of[r.get("source_url") or r["id"]] for r in rows]


def per_label(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of each label over (gold, predicted) pairs."""
    out: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label != g for g, p in pairs)
        fn = sum(g == label != p for g, p in pairs)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = {"precision": prec, "recall": rec, "f1": f1, "n": tp + fn}
    return out


def report(pairs: list[tuple[str, str]], title: str) -> float:
    """Per-label precision / recall / F1, accuracy and macro-F1; returns the macro-F1."""
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    labels = per_label(pairs)
    print(title)
    for label, d in labels.items():
        print(f"  {label:<8} precision {d['precision']:.3f}  recall {d['recall']:.3f}  "
              f"F1 {d['f1']:.3f}  (n={d['n']})")  # fmt: skip
    macro = sum(d["f1"] for d in labels.values()) / len(labels)
    print(f"accuracy {accuracy:.3f}   macro-F1 {macro:.3f}")
    return macro


def cross_validate(
    rows: list[dict],
    k: int,
    actors: list[Actor],
    written: bool = True,
    baseline: bool = False,
) -> list[tuple[str, str]]:
    """(gold, predicted) for every row, each predicted by what was fitted without its page's
    fold."""  # fmt: skip
    sys.path.insert(0, str(TOOLS))
    import train_stance as ts

    from stancewatch.stance.model import StanceModel

    extra = ts.read_rows(ts.WRITTEN) if written else []
    fold = folds(rows, k)
    predicted: list[str] = ["neutral"] * len(rows)
    rules = StanceEngine(actors)
    names = ActorNames(actors)
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

    holder = ts.holder_of(ActorNames(rules.actors.values()), row)
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


def predict(engine: StanceEngine, row: dict, names: ActorNames) -> tuple[str, str]:
    """The stance and cue of the statement whose actor the row's holder resolves to (the
    last one when there are several), on the row's date; no statement is neutral."""
    import train_stance as ts

    holder = ts.holder_of(names, row)
    found = {s.actor: s for s in engine.analyze(row["text"], ts.published(row))}
    hit = found.get(holder)
    return (hit.stance, hit.cue) if hit else ("neutral", "-")
