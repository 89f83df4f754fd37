"""The learned stance model: a multinomial logistic regression read from plain JSON.

Why: see ``features.py``. Weights ship as ``stancewatch/data/stance_model.json`` (written by
``tools/train_stance.py`` from the labelled files, byte for byte reproducible), not a pickle:
inference is pure Python, a dict lookup and three sums per feature, so nothing but the standard
library is imported at run time and the file can be read and diffed.

File layout: ``{"version", "labels": [3 labels], "weights": {feature: [w per label]}}``; a
feature missing from ``weights`` weighs nothing (rare or near-zero weights are dropped).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from stancewatch.stance.trail import Trail

MODEL_FILE = "stance_model.json"


@dataclass(frozen=True)
class Prediction:
    stance: str
    confidence: float  # the softmax probability of ``stance``
    top: tuple[str, ...]  # the features that pushed ``stance`` most over the runner-up


def _best(scores: list[float]) -> tuple[int, float]:
    """The first label of highest score and its softmax probability (built-ins on the three
    scores, no key function: the engine asks this for every holder)."""
    top = max(scores)
    return scores.index(top), 1.0 / sum([math.exp(x - top) for x in scores])


def _strongest(pushes: dict[str, float], n: int) -> list[str]:
    """The ``n`` features that push most, ties by name. The values are sorted in C first and
    only those at or above the n-th largest are ranked by the Python key (a few, not ~40)."""
    if len(pushes) > n:
        floor = sorted(pushes.values(), reverse=True)[n - 1]
        pushes = {f: v for f, v in pushes.items() if v >= floor}
    return sorted(pushes, key=lambda f: (-pushes[f], f))[:n]


class StanceModel:
    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.labels: tuple[str, ...] = tuple(data["labels"])
        self.weights: dict[str, list[float]] = data["weights"]
        #: by (label, runner-up): each feature's weight for the label over the runner-up's,
        #: where it is positive (``predict`` explains with them), filled when first asked
        self._pushes: dict[tuple[int, int], dict[str, float]] = {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        """The model in ``path``, or the one shipped in the package."""
        if path is None:
            text = resources.files("stancewatch.data").joinpath(MODEL_FILE).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))

    def scores(self, features: list[str], base: Sequence[float] = (0.0, 0.0, 0.0)) -> list[float]:
        """Each label's score: ``base`` (the scores of features shared by several calls) plus
        the weights of ``features``."""
        get = self.weights.get
        s0, s1, s2 = base
        for f in features:
            w = get(f)
            if w is not None:
                s0 += w[0]
                s1 += w[1]
                s2 += w[2]
        return [s0, s1, s2]

    def decide(
        self, features: list[str], base: Sequence[float] = (0.0, 0.0, 0.0)
    ) -> tuple[str, float]:
        """The most probable label and its probability, without the explanation (cheap: the
        engine asks for every holder and explains only the statements it keeps)."""
        best, probability = _best(self.scores(features, base))
        return self.labels[best], probability

    def predict(
        self, features: list[str], explain: int = 3, scores: list[float] | None = None
    ) -> Prediction:
        """The most probable label, its probability and the ``explain`` features that decided
        it (largest weight for it over the runner-up's); ``scores`` when already known."""
        s = self.scores(features) if scores is None else scores
        best, probability = _best(s)
        second = max((i for i in range(3) if i != best), key=s.__getitem__)
        pushes: dict[str, float] = {}
        over = self._pushes_over(best, second)
        for f in features:
            push = over.get(f)
            if push is not None:
                pushes[f] = pushes.get(f, 0.0) + push
        pushes.pop("bias", None)
        return Prediction(self.labels[best], probability, tuple(_strongest(pushes, explain)))

    def _pushes_over(self, best: int, second: int) -> dict[str, float]:
        """The positive pushes of label ``best`` over ``second``, computed once per pair: the
        explanation looks up one number per feature, not three and a subtraction."""
        table = self._pushes.get((best, second))
        if table is None:
            table = {f: w[best] - w[second] for f, w in self.weights.items()}
            table = self._pushes[best, second] = {f: p for f, p in table.items() if p > 0}
        return table

    def trail(self, prediction: Prediction) -> Trail:
        """The model, its version and what decided it ("model:v1[rule:oppose, u:ready]")."""
        return Trail.of_model(self.version, prediction.top)
