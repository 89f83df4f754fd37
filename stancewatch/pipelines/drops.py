"""Why an item was dropped, as exception classes: Scrapy counts
``item_dropped_reasons_count/<class>`` and the crawl summary reads those stats."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NotAnArticle(DropItem):
    """The page holds no article (tag page, gallery, error page, too little text)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"not an article ({reason}): {url}", log_level="INFO")
        self.reason = reason


class ExactDuplicate(DropItem):
    """Same canonical URL or same normalised text as a stored article."""

    def __init__(self, what: str, url: str, article_id: int) -> None:
        super().__init__(
            f"exact duplicate ({what}) of article {article_id}: {url}", log_level="INFO"
        )


class Unchanged(DropItem):
    """A re-fetched article whose text did not change."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unchanged: {url}", log_level="DEBUG")
