"""Fingerprints and the near-duplicate index: copies are found, distinct stories are not merged."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from stancewatch.crawl.dedup import content_hash, from_bytes, minhash_of, to_bytes
from stancewatch.crawl.near_index import NearDuplicateIndex

WORDS = (
    "ukraine nato membership alliance summit kyiv president minister talks security guarantee "
    "war peace invitation allies europe washington berlin budapest moscow said would could "
    "after before during statement official foreign defence support oppose reform accession "
    "path future army border sanctions energy aid package vote parliament government"
).split()


def story(rng: random.Random, n: int = 250) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 40)) for _ in range(n))


def sig(text: str):
    return minhash_of(text, 128, 3)


def test_normalised_hash_ignores_case_punctuation_and_spacing():
    a = "Zelensky: “NATO is our goal” — he said.\n\nMore  text."
    b = "zelensky NATO is our goal he said more text"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(a + " Extra")


def test_signature_roundtrip_is_four_bytes_per_permutation():
    mh = sig("a b c d e f g")
    packed = to_bytes(mh)
    assert len(packed) == 128 * 4
    assert (from_bytes(packed) == mh.hashvalues).all()


def test_copies_are_found_and_distinct_stories_are_not():
    rng = random.Random(7)
    now = datetime.now(UTC)
    index = NearDuplicateIndex(128, 0.5, timedelta(days=30))
    originals = [story(rng) for _ in range(200)]
    for i, text in enumerate(originals):
        assert index.best_match(to_bytes(sig(text)), 0.7) is None or i > 0
        index.add(i, to_bytes(sig(text)), now)
    found = 0
    for i, text in enumerate(originals[:50]):
        words = text.split()
        words[10:14] = ["reworded", "headline", "words", "here"]  # small edit
        copy = " ".join(words) + " " + " ".join(WORDS[:15])  # and an extra paragraph
        match = index.best_match(to_bytes(sig(copy)), 0.7)
        found += match is not None and match[0] == i
    assert found >= 48
    false = sum(index.best_match(to_bytes(sig(story(rng))), 0.7) is not None for _ in range(200))
    assert false == 0


def test_window_evicts_old_articles():
    rng = random.Random(3)
    now = datetime.now(UTC)
    index = NearDuplicateIndex(128, 0.5, timedelta(days=7))
    old = story(rng)
    index.add(1, to_bytes(sig(old)), now - timedelta(days=10))
    index.add(2, to_bytes(sig(story(rng))), now)
    assert index.evict(now) == 1
    assert len(index) == 1
    assert index.best_match(to_bytes(sig(old)), 0.7) is None
