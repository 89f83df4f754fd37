"""Duplicate detection: exact (normalised-text hash) and near (MinHash LSH over shingles)."""

from stancewatch.dedup.index import NearDuplicateIndex
from stancewatch.dedup.text import content_hash, minhash_of, normalise, shingles

__all__ = ["NearDuplicateIndex", "content_hash", "minhash_of", "normalise", "shingles"]
