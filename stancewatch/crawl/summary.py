"""A crawl's outcome from Scrapy's stats: counts, and the reason a crawl found nothing.

A crawl that ends with nothing is never silent. The status says which kind of nothing:
``ok`` (new or updated articles), ``empty`` (the site answered, nothing new: with why),
``blocked`` (robots.txt, 403, bot protection), ``gone`` (the feed, sitemap or listing answers
404/410: a wrong or moved address), ``too_large`` (the pages are above ``max_download_size``),
``down`` (timeouts, refused connections, 5xx), ``failed`` (nothing fetched for another reason).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from stancewatch.crawl.failures import BLOCKED, GONE, TOO_LARGE
from stancewatch.models.status import RunStatus

P = "stancewatch/"


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


@dataclass
class CrawlSummary:
    source: str
    status: str = RunStatus.FAILED
    reason: str | None = None
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    duplicates_exact: int = 0
    duplicates_near: int = 0
    skipped: int = 0
    errors: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(source: str, stats: dict[str, Any]) -> CrawlSummary:
    """Turn one crawler's stats into a summary with a status and a reason."""
    get = lambda key: int(stats.get(P + key, 0))  # noqa: E731
    skipped = _prefixed(stats, P + "skipped/")
    index_errors = _prefixed(stats, P + "errors/index/")
    article_errors = _prefixed(stats, P + "errors/article/")
    cpu = {k: round(float(v), 1) for k, v in stats.items() if k.startswith(P + "cpu_ms/")}
    s = CrawlSummary(
        source=source,
        pages_fetched=int(stats.get("response_received_count", 0)),
        articles_new=get("stored/new"),
        articles_updated=get("stored/updated"),
        duplicates_exact=get("duplicates/exact_url") + get("duplicates/exact_text"),
        duplicates_near=get("stored/near_duplicate"),
        skipped=sum(skipped.values()),
        errors=sum(index_errors.values()) + sum(article_errors.values()),
        details={
            "skipped": skipped,
            "index_errors": index_errors,
            "article_errors": article_errors,
            "links_seen": get("links/seen"),
            "links_known": get("links/known"),
            "index_not_modified": get("index/not_modified"),
            # feed, sitemap and listing pages answered (fetched or not modified): pages walked
            "index_pages": get("index/walked"),
            "robots_forbidden": int(stats.get("robotstxt/forbidden", 0)),
            # requests out of the source's scope (file://, another port or site), by reason
            "refused": _prefixed(stats, P + "refused/"),
            # sitemap entries beyond sitemap_max_urls(_per_crawl): counted, not followed
            "sitemap_capped": _prefixed(stats, P + "sitemap/capped/"),
            # links dropped before a request was made (links/refused/scheme, sitemap/...)
            "links_refused": {
                k[len(P) :]: int(v)
                for k, v in stats.items()
                if k.startswith(P) and "/refused/" in k
            },
            # the oldest publication date among the articles stored: how far back it reaches
            "oldest_published": stats.get(P + "oldest_published"),
            # Scrapy's: "finished" when the crawl ran out of pages, "shutdown" when stopped
            "finish_reason": stats.get("finish_reason"),
            "cpu_ms": {k[len(P + "cpu_ms/") :]: v for k, v in cpu.items()},
        },
    )
    s.status, s.reason = _verdict(s, stats)
    return s


def _top(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} x{v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _verdict(s: CrawlSummary, stats: dict[str, Any]) -> tuple[str, str | None]:
    get = lambda key: int(stats.get(P + key, 0))  # noqa: E731
    d = s.details
    if s.articles_new or s.articles_updated:
        return RunStatus.OK, None
    index_ok = get("index/fetched")
    if index_ok == 0 and get("index/not_modified") == 0:
        errors = d["index_errors"]
        if not errors:
            return RunStatus.FAILED, "no index page was fetched"
        if set(errors) & BLOCKED:
            return RunStatus.BLOCKED, f"blocked: {_top(errors)}"
        if set(errors) <= GONE:
            return RunStatus.GONE, f"gone: the start URL is not found ({_top(errors)})"
        if set(errors) == {TOO_LARGE}:
            return RunStatus.TOO_LARGE, f"index page too large (max_download_size): {_top(errors)}"
        return RunStatus.DOWN, f"site down or unreachable: {_top(errors)}"
    if get("index/not_modified") and not index_ok:
        return RunStatus.EMPTY, "nothing new: index pages not modified since the last crawl"
    if get("index/not_a_feed") or get("index/not_a_sitemap"):
        return RunStatus.EMPTY, "the start URL is not a feed/sitemap (wrong URL or a block page?)"
    if get("index/feed_empty") and not get("links/seen"):
        return RunStatus.EMPTY, "feed empty: no entries"
    if get("index/no_matching_links") and not get("links/seen"):
        return RunStatus.EMPTY, "no article links matched the pattern"
    fetched = get("article/fetched")
    if get("links/seen") and not fetched:
        if d["article_errors"]:
            errors = d["article_errors"]
            if set(errors) == {TOO_LARGE}:
                return RunStatus.TOO_LARGE, f"article pages too large: {_top(errors)}"
            kind = RunStatus.BLOCKED if set(errors) & BLOCKED else RunStatus.DOWN
            return kind, f"article pages failed: {_top(errors)}"
        return (
            RunStatus.EMPTY,
            f"nothing new: all {get('links/known')} linked articles already stored",
        )
    if fetched and s.skipped == fetched:
        return RunStatus.EMPTY, f"every page skipped: {_top(d['skipped'])}"
    if s.duplicates_exact or get("article/unchanged"):
        return RunStatus.EMPTY, "nothing new: only duplicates of stored articles"
    if d["article_errors"]:
        return RunStatus.EMPTY, f"article pages failed: {_top(d['article_errors'])}"
    if not get("links/seen"):
        return RunStatus.EMPTY, "no article links found on the index pages"
    return RunStatus.EMPTY, "nothing new"
