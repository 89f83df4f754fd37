"""Step 2: the canonical URL (tracking parameters, fragments, AMP, same-site rel=canonical)."""

from __future__ import annotations

from stancewatch.canonical import choose_canonical
from stancewatch.crawl.items import ArticleItem
from stancewatch.pipelines.base import Step


class CanonicalUrlPipeline(Step):
    stage = "canonical"

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            item.canonical_url = choose_canonical(item.url, item.declared_canonical)
        return item
