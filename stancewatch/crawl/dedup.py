"""Text fingerprints: a normalised-text hash for exact copies, MinHash for near copies."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.pipelines import ExactDuplicate, Step, Unchanged

_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """Case-folded words only: quotes, dashes, spacing and punctuation do not make a copy new."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    """sha256 of the normalised text: the exact-duplicate key."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int) -> set[bytes]:
    """Word ``size``-grams of the normalised text (the whole text when shorter)."""
    words = normalise(text).split()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash_of(text: str, num_perm: int, shingle_size: int) -> MinHash:
    """MinHash of the text's shingles (the same seed everywhere, so signatures compare)."""
    mh = MinHash(num_perm=num_perm, seed=1)
    mh.update_batch(list(shingles(text, shingle_size)))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    """Pack a signature as little-endian uint32 (datasketch's values fit in 32 bits)."""
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint64)


# Step 3 of the item pipelines: exact duplicates (same canonical URL or same normalised text)
# are not stored again. An article whose feed entry said it changed (``update_of``) passes when
# its text changed.


class ExactDuplicatePipeline(Step):
    stage = "exact"

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            item.content_hash = content_hash(item.title + "\n" + item.text)
            store = self.spider.store
            if item.update_of is not None:
                if store.content_hash_of(item.update_of) == item.content_hash:
                    store.touch(item.update_of)
                    self.count("article/unchanged")
                    raise Unchanged(item.url)
                return item
            match = store.exact_match(item.canonical_url, item.content_hash)
            if match is not None:
                article_id, what = match
                self.count(f"duplicates/exact_{what}")
                raise ExactDuplicate(
                    "canonical URL" if what == "url" else "same text", item.url, article_id
                )
        return item


# Step 4: near duplicates (syndicated or lightly edited copies) are linked to their story. The
# copy is still stored, with ``duplicate_of_id`` pointing at the first stored article of the
# story, so later stages count the story once whichever copy arrived first.


class NearDuplicatePipeline(Step):
    stage = "near"

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        super().__init__(crawler)
        s = crawler.settings  # set by the runner from ``Settings``: the defaults live there
        self.num_perm = s.getint("STANCEWATCH_MINHASH_PERMS")
        self.shingle_size = s.getint("STANCEWATCH_SHINGLE_SIZE")
        self.min_jaccard = s.getfloat("STANCEWATCH_NEAR_DUPLICATE_JACCARD")

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            signature = minhash_of(item.text, self.num_perm, self.shingle_size)
            item.signature = to_bytes(signature)
            if item.update_of is not None:
                return item
            store = self.spider.store
            match = store.index.best_match(item.signature, self.min_jaccard)
            if match is not None:
                item.duplicate_of_id = store.story_of(match[0])
                item.similarity = round(match[1], 4)
        return item
