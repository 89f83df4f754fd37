"""Hide the secrets in URLs (database URLs, apprise URLs) before they reach a log or a screen."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^@/?#]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<key>(?<=[?&;])(?:[A-Za-z_\-]*(?:pass|password|pwd|token|secret|key|apikey|api_key|webhook|auth)[^=&]*))=(?P<v>[^&#]*)",
    re.IGNORECASE,
)
#: Pieces shorter than this are not replaced inside free text (they would hit ordinary words).
MIN_PIECE = 4


def _looks_like_host(host: str) -> bool:
    """True for names a reader may see (``smtp.example.org``, ``localhost``, an IP address).

    Token-style apprise URLs put a secret where the host goes (``slack://xoxb-1-2-abc/#news``,
    ``slack://T000/B000/XXXX``); such a "host" has no dot and is hidden.
    """
    if host.startswith("["):  # an IPv6 literal
        return True
    name = host.split(":", 1)[0]
    return name == "localhost" or "." in name


def redact_url(url: str) -> str:
    """Return ``url`` with passwords, tokens and query secrets replaced by ``***``.

    ``mailtos://user:pass@host`` keeps the user and the host and drops the password; for
    token-style URLs (``slack://T000/B000/XXXX``) every path part is hidden, and so is the
    "host" when it is not a host name, since the tokens *are* the URL.
    """
    text = url.strip()
    m = _USERINFO.match(text)
    if m:
        user = m.group("userinfo").split(":", 1)[0]
        shown = f"{user}:***" if ":" in m.group("userinfo") else "***"
        text = m.group("scheme") + shown + "@" + text[m.end() :]
    text = _QUERY_SECRET.sub(lambda q: f"{q.group('key')}=***", text)
    scheme, sep, rest = text.partition("://")
    if sep and not m:
        head, qmark, tail = rest.partition("?")
        parts = head.split("/")
        host = parts[0] if _looks_like_host(parts[0]) or not parts[0] else "***"
        hidden = ["***" for p in parts[1:] if p]
        head = "/".join([host, *hidden])
        text = scheme + sep + head + (qmark + tail if qmark else "")
    return text


def secret_pieces(url: str) -> list[str]:
    """The parts of a URL that are secret on their own: password, tokens, query secrets.

    Both the raw and the percent-decoded form are returned, since libraries log either.
    """
    pieces: list[str] = []
    m = _USERINFO.match(url)
    if m and ":" in m.group("userinfo"):
        pieces.append(m.group("userinfo").split(":", 1)[1])
    _, sep, rest = url.partition("://")
    if sep and not m:
        head = rest.split("?", 1)[0]
        parts = head.split("/")
        if parts and parts[0] and not _looks_like_host(parts[0]):
            pieces.append(parts[0])
        pieces.extend(p for p in parts[1:] if p)
    pieces.extend(q.group("v") for q in _QUERY_SECRET.finditer(url) if q.group("v"))
    decoded = [unquote(p) for p in pieces]
    return [p for p in dict.fromkeys(pieces + decoded) if p]


def scrub(text: str, pieces: Iterable[str]) -> str:
    """Replace each secret piece (longest first) in ``text`` by ``***``."""
    out = text
    for piece in sorted(set(pieces), key=len, reverse=True):
        if len(piece) >= MIN_PIECE and piece in out:
            out = out.replace(piece, "***")
    return out


def redact_text(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each URL (and its password / token parts) in ``text``."""
    out = text
    for url in sorted(secrets, key=len, reverse=True):
        if url and url in out:
            out = out.replace(url, redact_url(url))
        out = scrub(out, secret_pieces(url))
    return out
