"""The demo news site: one local server per outlet, playing back the seed coverage.

Used by the crawl tests, the benchmarks and ``stancewatch demo``::

    with DemoSite(phase=1) as site:
        site.url("cnbc", "/sitemap_news.xml")
        site.publish_phase(2)          # new articles on top of listings and feeds; ETags change
        site.sources_toml()            # a sources.toml pointing at this site
        site.requests                  # (outlet, method, path, status, headers) per request
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from stancewatch.demo.coverage import CoverageArticle, load_coverage, new_article, select
from stancewatch.demo.outlets import OUTLET_CLASSES, aggregator, cnbc, fakty
from stancewatch.demo.outlets.base import Outlet
from stancewatch.demo.outlets.censor import TAG
from stancewatch.demo.outlets.trouble import CASES, case_path
from stancewatch.demo.server import LocalServer, LogEntry, Request, Response, content_etag

_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
#: Paths of the pages that are not articles: robots.txt, feeds, sitemaps, listings.
_INDEX_PATHS = (
    "/robots.txt", TAG, cnbc.WORLD_FEED, cnbc.EUROPE_FEED, cnbc.SITEMAP, fakty.FEED,
    aggregator.FEED, "/feed/",
)  # fmt: skip


class DemoSite:
    """Outlets ``censor``, ``cnbc``, ``fakty``, ``aggregator`` and ``trouble`` on 127.0.0.1.

    ``phase``/``ids`` choose the coverage (phases ``<= phase``, plus explicit ids), or pass
    ``articles``. ``stuck_etag`` names outlets whose feeds keep their first ETag while their
    content changes (Last-Modified stays truthful; like nginx, a 304 needs every validator the
    client sent to match); on the outlets of ``etag_precedence`` an ``If-None-Match`` decides
    alone (RFC 9110), so a stuck ETag hides new entries even from a client that sends both.
    ``slow_seconds`` is how long the trouble ``slow`` page waits; ``delay`` holds back every
    answer of every outlet that long (requests queue up: tests of several crawl workers).
    ``coverage`` replaces the packaged coverage (the demo re-dates its live phases). The
    trouble outlet's ``robots`` can be replaced (``Disallow: /``: a site that blocks us).
    """

    def __init__(
        self,
        phase: int | None = 3,
        ids: list[str] | None = None,
        articles: list[CoverageArticle] | None = None,
        *,
        page_size: int = 20,
        slow_seconds: float = 30.0,
        stuck_etag: tuple[str, ...] | list[str] = (),
        etag_precedence: tuple[str, ...] | list[str] = (),
        delay: float = 0.0,
        coverage: list[CoverageArticle] | None = None,
    ) -> None:
        self._coverage = load_coverage() if coverage is None else coverage
        chosen = articles if articles is not None else select(self._coverage, phase, ids)
        self._articles: dict[str, CoverageArticle] = {a.id: a for a in chosen}
        self.page_size = page_size
        self.slow_seconds = slow_seconds
        self.stuck_etag = set(stuck_etag)
        self.etag_precedence = set(etag_precedence)
        self.delay = delay
        self._stuck: dict[tuple[str, str], str] = {}
        self._lock = threading.RLock()
        self.stopping = threading.Event()
        self.requests: list[LogEntry] = []
        self.outlets = {name: cls(self) for name, cls in OUTLET_CLASSES.items()}
        self._changed = {name: self._newest(name) for name in self.outlets}
        self._servers = {
            name: LocalServer(
                self._answer(outlet), name=name, log=self.requests.append, stopping=self.stopping
            )
            for name, outlet in self.outlets.items()
        }

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> DemoSite:
        self.stopping.clear()
        for server in self._servers.values():
            server.start()
        return self

    def stop(self) -> None:
        """Stop every outlet; sleeping or streaming handlers are woken and give up."""
        self.stopping.set()
        for server in self._servers.values():
            server.stop()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, outlet: Outlet) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            response = outlet.handle(request)
            response.delay = max(response.delay, self.delay)
            return response

        return answer

    # --- addresses -------------------------------------------------------------------------

    def port(self, outlet: str) -> int:
        return self._servers[outlet].port

    def url(self, outlet: str, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port(outlet)}{path}"

    def trouble_url(self, case: str) -> str:
        """The URL of one trouble case (for ``empty``: the empty feed)."""
        if case not in CASES:
            raise KeyError(f"unknown trouble case {case!r}; known: {', '.join(CASES)}")
        return self.url("trouble", case_path(case))

    def trouble_feed(self, case: str = "all") -> str:
        """A feed that lists exactly this case's page (``all``: every case)."""
        if case != "all" and case not in CASES:
            raise KeyError(f"unknown trouble case {case!r}; known: {', '.join(CASES)}")
        return self.url("trouble", f"/feed/{case}.xml")

    # --- state the outlets read ------------------------------------------------------------

    def article_requests(self, since: int = 0) -> list[LogEntry]:
        """Requests since the ``since``-th for pages other than feeds, sitemaps, listings and
        robots.txt: the article pages (and the trouble cases)."""
        return [r for r in self.requests[since:] if not r.path.startswith(_INDEX_PATHS)]

    def articles_of(self, outlet: str) -> list[CoverageArticle]:
        with self._lock:
            mine = [a for a in self._articles.values() if a.outlet == outlet]
        return sorted(mine, key=lambda a: a.published, reverse=True)

    def article(self, article_id: str) -> CoverageArticle:
        return self._articles[article_id]

    def changed_at(self, outlet: str) -> datetime:
        return self._changed[outlet]

    def stuck_etag_for(self, outlet: str, path: str, body: bytes) -> str | None:
        """The first ETag this path ever had, for outlets configured with a stuck ETag."""
        if outlet not in self.stuck_etag:
            return None
        with self._lock:
            return self._stuck.setdefault((outlet, path), content_etag(body))

    def _newest(self, outlet: str) -> datetime:
        times = [a.updated for a in self.articles_of(outlet)]
        return max(times, default=_EPOCH).replace(microsecond=0)

    def _touch(self, outlet: str) -> None:
        """Move the outlet's Last-Modified forward: at least one second, never backwards."""
        now = datetime.now(UTC).replace(microsecond=0)
        self._changed[outlet] = max(
            now, self._changed[outlet] + timedelta(seconds=1), self._newest(outlet)
        )

    # --- changes tests and the demo make ---------------------------------------------------

    def add_article(self, article: CoverageArticle | None = None, **fields: Any) -> CoverageArticle:
        """Publish an article (a ``CoverageArticle``, or fields: outlet, title, paragraphs, ...)."""
        if article is None:
            article = new_article(**fields, n=len(self._articles))
        with self._lock:
            if article.id in self._articles:
                raise ValueError(f"article {article.id!r} is already published")
            self._articles[article.id] = article
            self._touch(article.outlet)
        return article

    def publish_phase(self, phase: int) -> list[CoverageArticle]:
        """Publish the coverage of ``phase`` (and earlier phases not yet published)."""
        new = [a for a in self._coverage if a.phase <= phase and a.id not in self._articles]
        for a in sorted(new, key=lambda a: a.published):
            self.add_article(a)
        return new

    def update_article(
        self, article_id: str, new_paragraphs: list[str], modified: datetime | None = None
    ) -> CoverageArticle:
        """Change an article's body; its feed/sitemap entry shows the newer date."""
        with self._lock:
            old = self._articles[article_id]
            when = modified or datetime.now(UTC).replace(microsecond=0)
            new = old.with_changes(paragraphs=tuple(new_paragraphs), modified=when)
            self._articles[article_id] = new
            self._touch(old.outlet)
        return new

    # --- configuration for the crawler -----------------------------------------------------

    def sources_toml(
        self,
        interval: str = "30m",
        trouble: tuple[str, ...] | list[str] = (),
        max_pages: int | None = None,
        only: tuple[str, ...] | list[str] = (),
    ) -> str:
        """A sources.toml whose entries point at this site; ``trouble`` adds one per case
        (``all``: one feed of every case); ``only`` keeps the entries of these names."""
        pages = max_pages or 2 + len(self.articles_of("censor")) // self.page_size
        entries: list[dict[str, Any]] = [
            {"name": "censor-nato-membership", "kind": "listing", "start_urls": [self.url("censor", TAG)],
             "article_pattern": r"/en/(news|resonance)/\d+/", "pagination_pattern": r"/nato_membership/news/page/\d+",
             "max_pages": pages},
            {"name": "cnbc-world", "kind": "feed", "start_urls": [self.url("cnbc", "/id/100727362/device/rss/rss.html")],
             "article_pattern": r"/\d{4}/\d{2}/\d{2}/[^/]+\.html"},
            {"name": "cnbc-news-sitemap", "kind": "sitemap", "start_urls": [self.url("cnbc", "/sitemap_news.xml")],
             "article_pattern": r"/\d{4}/\d{2}/\d{2}/[^/]+\.html"},
            {"name": "fakty-en", "kind": "feed", "start_urls": [self.url("fakty", "/en/feed/")],
             "article_pattern": r"/en/ukraine/\d{8}-"},
            {"name": "aggregator", "kind": "feed", "start_urls": [self.url("aggregator", "/rss.xml")],
             "article_pattern": r"/news/"},
        ]  # fmt: skip
        for case in trouble:
            entries.append({"name": f"trouble-{case}", "kind": "feed", "start_urls": [self.trouble_feed(case)],
                            "article_pattern": r"/trouble/"})  # fmt: skip
        if only:
            unknown = set(only) - {e["name"] for e in entries}
            if unknown:
                raise KeyError(f"no demo source {', '.join(sorted(unknown))}")
            entries = [e for e in entries if e["name"] in only]
        return render_sources(entries, interval)


def render_sources(entries: list[dict[str, Any]], interval: str) -> str:
    """TOML text for source entries (JSON string escapes are valid TOML basic strings)."""
    lines = ["# Sources pointing at the local demo site (stancewatch.demo).", ""]
    for entry in entries:
        lines.append("[[sources]]")
        for key, value in {**entry, "interval": interval}.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)
