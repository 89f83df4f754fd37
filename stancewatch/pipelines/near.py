"""Step 4: near duplicates (syndicated or lightly edited copies) are linked to their story.

The copy is still stored, with ``duplicate_of_id`` pointing at the first stored article of the
story, so later stages count the story once whichever copy arrived first.
"""

from __future__ import annotations

from stancewatch.crawl.items import ArticleItem
from stancewatch.dedup.text import minhash_of, to_bytes
from stancewatch.pipelines.base import Step


class NearDuplicatePipeline(Step):
    stage = "near"

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        super().__init__(crawler)
        s = crawler.settings
        self.num_perm = s.getint("STANCEWATCH_MINHASH_PERMS", 128)
        self.shingle_size = s.getint("STANCEWATCH_SHINGLE_SIZE", 3)
        self.min_jaccard = s.getfloat("STANCEWATCH_NEAR_DUPLICATE_JACCARD", 0.7)

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
