"""Step 3: exact duplicates (same canonical URL or same normalised text) are not stored again.

An article whose feed entry said it changed (``update_of``) passes when its text changed.
"""

from __future__ import annotations

from stancewatch.crawl.items import ArticleItem
from stancewatch.dedup.text import content_hash
from stancewatch.pipelines.base import Step
from stancewatch.pipelines.drops import ExactDuplicate, Unchanged


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
