"""Stance engine speed: articles of about 800 words per second, on one core.

Builds articles from the seed documents (shared/seeds/), 800 words each, varied by rotating
the paragraphs, and times ``StanceEngine.analyze`` over them. Prints; asserts nothing.

    python bench/stance_speed.py [--articles 500] [--rules-only]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stancewatch.actors import load_actors
from stancewatch.stance import StanceEngine

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def articles(n: int, words: int = 800) -> list[str]:
    paragraphs = [
        p.strip()
        for f in sorted(SEEDS.glob("*.txt"))
        for p in f.read_text().split("\n")
        if len(p.split()) > 8
    ]
    out = []
    for i in range(n):
        body, count, j = [], 0, i
        while count < words:
            p = paragraphs[j % len(paragraphs)]
            body.append(p)
            count += len(p.split())
            j += 7
        out.append(f"Headline {i}: NATO and Ukraine\n\n" + "\n".join(body))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--rules-only", action="store_true", help="without the learned model")
    args = ap.parse_args()
    engine = StanceEngine(load_actors(), use_model=not args.rules_only)
    texts = articles(args.articles)
    engine.analyze(texts[0])  # warm up
    cpu, wall = time.process_time(), time.perf_counter()
    statements = sum(len(engine.analyze(t)) for t in texts)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} articles of ~{words:.0f} words: {len(texts) / cpu:.0f} articles/s on one core "
          f"({cpu / len(texts) * 1000:.2f} ms CPU each, wall {wall:.2f} s), {statements} statements")  # fmt: skip


if __name__ == "__main__":
    main()
