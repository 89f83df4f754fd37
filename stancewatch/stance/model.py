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
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MODEL_FILE = "stance_model.json"


@dataclass(frozen=True)
class Prediction:
    stance: str
    confidence: float  # the softmax probability of ``stance``
    top: tuple[str, ...]  # the features that pushed ``stance`` most over the runner-up


class StanceModel:
    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.labels: tuple[str, ...] = tuple(data["labels"])
        self.weights: dict[str, list[float]] = data["weights"]

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        """The model in ``path``, or the one shipped in the package."""
        if path is None:
            text = resources.files("stancewatch.data").joinpath(MODEL_FILE).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))

    def scores(self, features: list[str]) -> list[float]:
        get = self.weights.get
        s0 = s1 = s2 = 0.0
        for f in features:
            w = get(f)
            if w is not None:
                s0 += w[0]
                s1 += w[1]
                s2 += w[2]
        return [s0, s1, s2]

    def predict(self, features: list[str], explain: int = 3) -> Prediction:
        """The most probable label, its probability and the ``explain`` features that decided
        it (largest weight for it over the runner-up's)."""
        s = self.scores(features)
        best = max(range(3), key=s.__getitem__)
        second = max((i for i in range(3) if i != best), key=s.__getitem__)
        top_s = s[best]
        total = sum(math.exp(x - top_s) for x in s)
        pushes: dict[str, float] = {}
        for f in features:
            w = self.weights.get(f)
            if w is not None and f != "bias":
                pushes[f] = pushes.get(f, 0.0) + w[best] - w[second]
        top = sorted((f for f in pushes if pushes[f] > 0), key=lambda f: (-pushes[f], f))
        return Prediction(self.labels[best], 1.0 / total, tuple(top[:explain]))

    def cue(self, prediction: Prediction) -> str:
        """ "model:v1[rule:oppose, u:ready, ...]": the model, its version, what decided it."""
        return f"model:{self.version}[{', '.join(prediction.top)}]"
