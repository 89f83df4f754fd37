"""Dedup quality on a planted set: recall of copies, false merges of distinct articles.

Builds N distinct articles (Zipf-distributed vocabulary, like news prose), plants copies with
small edits, reworded headlines, extra paragraphs and different boilerplate, plus exact copies
and URL variants, and runs them through the same functions the pipelines use. Reports recall
for planted pairs whose true shingle Jaccard is >= 0.8, false merges as a share of distinct
articles, and exact/URL-variant detection. Prints figures; asserts nothing.

    python bench/dedup_quality.py [--articles 3000]
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta

import numpy as np

from stancewatch.crawl.canonical import canonical_url
from stancewatch.crawl.dedup import content_hash, minhash_of, shingles, to_bytes
from stancewatch.crawl.near_index import NearDuplicateIndex

PERMS, SHINGLE, THRESHOLD, MIN_J = 128, 3, 0.5, 0.7
BOILERPLATE = [
    "Follow us on Telegram and subscribe to our newsletter.",
    "Read more: the latest news from Ukraine and the world.",
    "Share this article on Facebook, X and WhatsApp.",
]


def make_vocab(rng: np.random.Generator, size: int = 20000) -> tuple[list[str], np.ndarray]:
    letters = list("abcdefghijklmnopqrstuvwxyz")
    words = ["".join(rng.choice(letters, size=int(rng.integers(2, 10)))) for _ in range(size)]
    ranks = np.arange(1, size + 1)
    p = 1 / ranks**1.05
    return words, p / p.sum()


def article(rng: np.random.Generator, vocab, p, words: int) -> str:
    paras = []
    left = words
    while left > 0:
        n = min(left, int(rng.integers(40, 90)))
        paras.append(" ".join(rng.choice(vocab, size=n, p=p)) + ".")
        left -= n
    return "\n\n".join(paras)


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a, SHINGLE), shingles(b, SHINGLE)
    return len(sa & sb) / len(sa | sb)


def plant(text: str, rng: random.Random, vocab) -> tuple[str, str]:
    """A copy: edited words, maybe an extra paragraph, different boilerplate."""
    words = text.split(" ")
    kind = rng.choice(["edit", "extra", "boiler", "edit+extra"])
    if "edit" in kind:
        for _ in range(max(1, len(words) // rng.choice([60, 100, 200]))):
            words[rng.randrange(len(words))] = rng.choice(vocab)
    copy = " ".join(words)
    if "extra" in kind:
        copy += "\n\n" + " ".join(rng.choice(vocab) for _ in range(rng.randint(20, 60))) + "."
    if kind == "boiler":
        copy = rng.choice(BOILERPLATE) + "\n\n" + copy + "\n\n" + rng.choice(BOILERPLATE)
    return copy, kind


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--copies", type=int, default=600)
    args = ap.parse_args()
    nrng, rng = np.random.default_rng(5), random.Random(5)
    vocab, p = make_vocab(nrng)
    now = datetime.now(UTC)
    index = NearDuplicateIndex(PERMS, THRESHOLD, timedelta(days=30))
    texts = [article(nrng, vocab, p, int(nrng.integers(400, 900))) for _ in range(args.articles)]
    hashes: dict[str, int] = {}
    false_merges = 0
    for i, text in enumerate(texts):
        packed = to_bytes(minhash_of(text, PERMS, SHINGLE))
        if index.best_match(packed, MIN_J) is not None:
            false_merges += 1
        index.add(i, packed, now)
        hashes[content_hash(text)] = i
    found = eligible = found_all = 0
    by_kind: dict[str, list[int]] = {}
    for _ in range(args.copies):
        i = rng.randrange(len(texts))
        copy, kind = plant(texts[i], rng, vocab)
        match = index.best_match(to_bytes(minhash_of(copy, PERMS, SHINGLE)), MIN_J)
        hit = match is not None and match[0] == i
        found_all += hit
        if jaccard(texts[i], copy) >= 0.8:
            eligible += 1
            found += hit
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += hit
            by_kind[kind][1] += 1
    exact = sum(
        hashes.get(content_hash(texts[i].replace("\n\n", "\n").upper() + "  ")) == i
        for i in range(0, len(texts), 10)
    )
    variants = [("https://x.org/a/1.html?utm_source=tw#c", "https://x.org/a/1.html"),
                ("https://x.org/a/1/amp/", "https://x.org/a/1/"),
                ("https://X.org:443/a/1.html?fbclid=1", "https://x.org/a/1.html")]  # fmt: skip
    url_ok = sum(canonical_url(a) == canonical_url(b) for a, b in variants)
    print(f"distinct articles: {len(texts)}  planted copies: {args.copies}")
    print(
        f"recall (pairs with Jaccard >= 0.8): {found}/{eligible} = {found / max(1, eligible):.3f}"
    )
    for kind, (h, n) in sorted(by_kind.items()):
        print(f"  {kind:<11} {h}/{n}")
    print(
        f"recall over all planted copies: {found_all}/{args.copies} = {found_all / args.copies:.3f}"
    )
    print(f"false merges among distinct articles: {false_merges}/{len(texts)} = "
          f"{false_merges / len(texts):.4f}")  # fmt: skip
    print(f"exact copies (case/spacing changed) found: {exact}/{len(range(0, len(texts), 10))}")
    print(f"URL variants canonicalised to one: {url_ok}/{len(variants)}")


if __name__ == "__main__":
    main()
