"""Which URLs a source's crawl may fetch: ``http``/``https`` on the source's own site, nothing else.

A crawled page must never make the crawler read a local file (``file://``), talk to another
service (``ftp://``, another port), or wander to another site. One rule, :class:`SiteScope`,
decides for every request of a crawl, applied structurally:

- :class:`ScopeMiddleware` (downloader middleware, first in line) refuses every request out of
  scope, whatever made it: start URLs, feeds, sitemaps and their indexes, listings, article
  links, robots.txt, and the requests that redirects and meta refreshes create;
- :class:`ScopedRedirectMiddleware` (Scrapy's redirect middleware, checked) refuses a redirect
  out of scope where it is made, with the reason, instead of Scrapy's silent "keep the 3xx";
- the ``file``, ``ftp``, ``s3`` and ``data`` download handlers are switched off
  (:data:`DISABLED_HANDLERS`), so even a request that slipped past has nothing to read with.

"Same site" is the registered domain (``sources.registered_domain``, tldextract's:
``www.fakty.com.ua`` and ``fakty.com.ua`` are one site, ``evil.com.ua`` another). The port must be one of the start URLs' (80 and 443 both when they
use a default port, for http <-> https): a site on ``127.0.0.1:8080`` is that port only, and
a redirect to ``127.0.0.1:22`` or ``127.0.0.1:80`` is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from stancewatch.sources import registered_domain

log = logging.getLogger(__name__)

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Scrapy download handlers that read local files or speak other protocols: off.
DISABLED_HANDLERS: dict[str, None] = {"file": None, "ftp": None, "s3": None, "data": None}
#: Our middlewares in place of Scrapy's offsite filter (hostname only, skipped by
#: ``dont_filter``) and redirect middleware (which follows a redirect to another port).
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "stancewatch.crawl.scope.ScopeMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "stancewatch.crawl.scope.ScopedRedirectMiddleware": 600,
}


class OutOfScope(IgnoreRequest):
    """A request refused by :class:`SiteScope`; ``reason`` is the counter name."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"refused ({reason}): {url[:200]}")
        self.reason = reason


@dataclass(frozen=True)
class SiteScope:
    """The registered domains and ports a source's crawl may fetch."""

    domains: frozenset[str]
    ports: frozenset[int]

    @classmethod
    def of(cls, domains: Iterable[str], start_urls: Iterable[str]) -> SiteScope:
        """A source's scope: its domains' registered domains, and its start URLs' ports.

        A site on a default port may move between http and https (80 and 443); a site on an
        explicit port (``127.0.0.1:8080``) is that port only, not the 80 of the same host."""
        ports: set[int] = set()
        for url in start_urls:
            port = _port(urlsplit(url).scheme, url)
            if port in _DEFAULT_PORTS.values():
                ports.update(_DEFAULT_PORTS.values())
            elif port is not None:
                ports.add(port)
        return cls(frozenset(registered_domain(d) for d in domains if d), frozenset(ports))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (``scheme``, ``offsite``, ``other_port``), or None."""
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in SCHEMES:
            return "scheme"
        host = (parts.hostname or "").lower()
        if not host or registered_domain(host) not in self.domains:
            return "offsite"
        port = _port(parts.scheme.lower(), url)
        if port is None or port not in self.ports:
            return "other_port"
        return None


def _port(scheme: str, url: str) -> int | None:
    """The URL's port (its scheme's default when none is written); None when invalid."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return None
    return port if port is not None else _DEFAULT_PORTS.get(scheme.lower())


def _scope(spider: Spider | None) -> SiteScope | None:
    return getattr(spider, "scope", None)


def _refuse(crawler: Crawler, reason: str, url: str, where: str) -> OutOfScope:
    """Count and log a refusal; the exception reaches the request's errback."""
    if crawler.stats is not None:
        crawler.stats.inc_value(f"stancewatch/refused/{reason}")
    log.info("refused %s (%s): %s", where, reason, url[:200])
    return OutOfScope(reason, url)


class ScopeMiddleware:
    """Refuses every request out of the spider's :class:`SiteScope`, ``dont_filter`` or not."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        scope = _scope(self.crawler.spider)
        if scope is None:
            return
        why = scope.refusal(request.url)
        if why is not None:
            redirected = bool(request.meta.get("redirect_urls"))
            reason = f"redirect_{why}" if redirected else why
            raise _refuse(
                self.crawler, reason, request.url, "redirect" if redirected else "request"
            )


class ScopedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, but a ``Location`` out of scope is refused with its reason."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        location = response.headers.get(b"Location")
        scope = _scope(self.crawler.spider)
        if scope is not None and location and 300 <= response.status < 400:
            target = urljoin(request.url, safe_url_string(location))
            why = scope.refusal(target)
            if why is not None and not request.meta.get("dont_redirect"):
                raise _refuse(self.crawler, f"redirect_{why}", target, "redirect")
        result: Any = super().process_response(request, response)
        return result  # type: ignore[no-any-return]
