"""What keeps a hostile crawled page from acting through ours: links and response headers.

Stored URLs come from crawled sites; only ``http`` and ``https`` ones become links (a
``javascript:`` or ``data:`` URL would run in our origin when clicked). Every response carries
headers that forbid scripts, framing and content sniffing: the page needs no script at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup, escape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Links allowed to leave the page.
LINK_SCHEMES = frozenset({"http", "https"})

#: No scripts, no plugins, no framing; the inline stylesheet and the inline SVG chart only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}


def is_link_url(url: str | None) -> bool:
    """True for an absolute ``http(s)`` URL with a host; anything else is shown as text."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def external_link(url: str | None, text: str) -> Markup:
    """``<a href=url>text</a>`` for an http(s) URL; otherwise ``text`` alone, escaped.

    A Jinja filter: ``{{ s.url | external_link(s.outlet) }}``.
    """
    if not is_link_url(url):
        return escape(text)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text)


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every response (pages, API, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
