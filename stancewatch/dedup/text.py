"""Text fingerprints: a normalised-text hash for exact copies, MinHash for near copies."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

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
