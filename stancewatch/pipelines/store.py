"""Step 5: store the article, one transaction per article (new article or new version)."""

from __future__ import annotations

from stancewatch.crawl.items import ArticleItem
from stancewatch.pipelines.base import Step
from stancewatch.pipelines.drops import ExactDuplicate


class StorePipeline(Step):
    stage = "store"

    def open_spider(self) -> None:
        spider = self.spider
        self.source_id = spider.store.source_id(spider.source.name, spider.source.kind)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            store = self.spider.store
            if item.update_of is not None:
                store.update(item.update_of, item)
                item.article_id = item.update_of
                self.count("stored/updated")
                return item
            article_id = store.insert(item, self.source_id)
            if article_id is None:  # another writer stored the same URL a moment ago
                self.count("duplicates/exact_url")
                raise ExactDuplicate(
                    "canonical URL", item.url, store.by_canonical(item.canonical_url) or 0
                )
            item.article_id = article_id
            self.count("stored/new")
            if item.duplicate_of_id is not None:
                self.count("stored/near_duplicate")
        return item
