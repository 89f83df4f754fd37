"""Why a request failed, as a short counter name: the crawl summary and run record use it to
tell a site that blocks us from one that is down."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure

from stancewatch.crawl.scope import OutOfScope

#: Reasons that mean "the site refuses us" rather than "the site is down".
BLOCKED = {"robots_txt", "http_401", "http_403", "http_451", "http_429", "bot_protection"}
#: Reasons that mean "nothing is at this address (any more)": wrong or moved, not down.
GONE = {"http_404", "http_410"}
#: The reason of a page above ``max_download_size`` (Scrapy cancels its download).
TOO_LARGE = "too_large"
_BOT_MARKERS = (b"captcha", b"cf-chl", b"just a moment", b"are you a robot", b"access denied",
                b"bot protection", b"verify you are human", b"ddos-guard")  # fmt: skip


def failure_reason(failure: Failure) -> str:
    """Classify a failed request."""
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        body = response.body[:20_000].lower() if response is not None else b""
        status = response.status if response is not None else 0
        if status in (403, 429, 503) and any(m in body for m in _BOT_MARKERS):
            return "bot_protection"
        return f"http_{status}"
    if isinstance(exc, OutOfScope):
        return exc.reason  # redirect_scheme, redirect_other_port, offsite, ...
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "robots_txt"
        return "ignored"
    if isinstance(exc, DownloadTimeoutError | twisted_errors.TimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return TOO_LARGE if "max" in str(exc).lower() else "cancelled"
    if isinstance(
        exc,
        DownloadConnectionRefusedError
        | CannotResolveHostError
        | twisted_errors.ConnectionRefusedError
        | twisted_errors.DNSLookupError
        | twisted_errors.ConnectError,
    ):
        return "connection_failed"
    if isinstance(exc, ResponseDataLossError | DownloadFailedError):
        return "download_failed"
    return type(exc).__name__.lower()
