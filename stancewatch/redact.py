"""Hide the secrets in URLs (database URLs, apprise URLs) before they reach a log or a screen.

URLs are parsed into their parts, never matched as text: the user-info (every part of it: a
user name is a token in ``pushover://USER@TOKEN``), a host that is really a token
(``slack://T000/B000/XXXX``), the path of an apprise URL (its tokens), and every query value
whose name suggests a secret, apprise's header (``+Authorization=``), payload (``-key=``) and
mapping (``:key=``) arguments included. Query strings are split by hand rather than with
``parse_qsl``, which reads apprise's leading ``+`` as a space and loses the header's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

#: Query (or apprise header / payload) names whose value is a secret: ``pass``, ``token``,
#: ``apikey``, ``Authorization``, ``X-Api-Key``, ``Cookie``, ``signature``, ...
_SECRET_NAME = re.compile(
    r"pass|pwd|token|secret|key|auth|cookie|session|sig|credential|bearer|private|webhook|jwt",
    re.IGNORECASE,
)
#: Words of a header value that name its scheme, not its secret (``Bearer TOKEN``).
_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "digest", "apikey", "key"})
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
MASK = "***"
#: Pieces shorter than this are not replaced inside free text (they would hit ordinary words).
MIN_PIECE = 4
#: A user name at least this long is taken for a key and scrubbed from free text too.
MIN_TOKEN = 16


@dataclass(frozen=True)
class _Parts:
    """A URL cut where its secrets can be: ``scheme://userinfo@host/path?query``."""

    scheme: str
    userinfo: str | None
    host: str
    path: str
    query: str | None

    @classmethod
    def parse(cls, url: str) -> _Parts | None:
        scheme, sep, rest = url.strip().partition("://")
        if not sep or not scheme:
            return None
        head, qmark, query = rest.partition("?")
        netloc, slash, path = head.partition("/")
        userinfo, at, host = netloc.rpartition("@")
        return cls(scheme, userinfo if at else None, host, slash + path, query if qmark else None)


def _looks_like_host(host: str) -> bool:
    """True for names a reader may see (``smtp.example.org``, ``localhost``, an IP address).

    Token-style apprise URLs put a secret where the host goes (``slack://xoxb-1-2-abc/#news``,
    ``slack://T000/B000/XXXX``); such a "host" has no dot and is hidden.
    """
    if host.startswith("["):  # an IPv6 literal
        return True
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name == "localhost" or "." in name or bool(_IP.match(name))


def _query_pairs(query: str) -> list[tuple[str, str | None]]:
    """``a=1&+Authorization=Bearer%20T`` as raw (name, value) pairs, ``+`` kept in names."""
    pairs: list[tuple[str, str | None]] = []
    for item in re.split(r"[&;]", query):
        name, eq, value = item.partition("=")
        pairs.append((name, value if eq else None))
    return pairs


def _is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(unquote_plus(name.lstrip("+-:"))))


def redact_url(url: str, keep_path: bool = False) -> str:
    """Return ``url`` with its user-info, tokens and query secrets replaced by ``***``.

    ``mailtos://user:pass@host`` becomes ``mailtos://***:***@host``; for token-style URLs
    (``slack://T000/B000/XXXX``) every path part is hidden, and so is the "host" when it is
    not a host name, since the tokens *are* the URL. ``keep_path`` shows the path (a
    database URL's path is its database name, not a secret). Text that is not a URL is
    returned as it is.
    """
    parts = _Parts.parse(url)
    if parts is None:
        return url.strip()
    out = parts.scheme + "://"
    if parts.userinfo is not None:
        out += ":".join(MASK for _ in parts.userinfo.split(":", 1)) + "@"
    out += parts.host if _looks_like_host(parts.host) or not parts.host else MASK
    if keep_path:
        out += parts.path
    elif parts.path:
        out += "/" + "/".join(MASK for piece in parts.path.split("/") if piece)
    if parts.query is not None:
        shown = [
            name if value is None else f"{name}={MASK if _is_secret_name(name) else value}"
            for name, value in _query_pairs(parts.query)
        ]
        out += "?" + "&".join(shown)
    return out


def _printed_forms(piece: str) -> list[str]:
    """A piece as written and as libraries may print it (percent- or plus-decoded)."""
    return [piece, unquote(piece), unquote_plus(piece)]


def secret_pieces(url: str) -> list[str]:
    """The parts of a URL that are secret on their own: user-info, tokens, query secrets.

    The raw and the decoded forms are returned, since libraries log either; a header value
    such as ``Bearer TOKEN`` also gives its token alone.
    """
    parts = _Parts.parse(url)
    if parts is None:
        return []
    pieces: list[str] = []
    if parts.userinfo:
        user, colon, password = parts.userinfo.partition(":")
        pieces.extend([parts.userinfo, password] if colon else [])
        # A user name is hidden on screen but scrubbed from free text only when it is a key
        # (``pushover://USERKEY@TOKEN``): a short one ("watch") would hit ordinary words.
        pieces.extend([user] if len(user) >= MIN_TOKEN else [])
    if parts.host and not _looks_like_host(parts.host):
        pieces.append(parts.host)
    pieces.extend(p for p in parts.path.split("/") if p and parts.userinfo is None)
    for name, value in _query_pairs(parts.query or ""):
        if value and _is_secret_name(name):
            pieces.append(value)
            words = unquote_plus(value).split()
            pieces.extend(w for w in words if len(words) > 1 and w.lower() not in _AUTH_SCHEMES)
    found = [form for piece in pieces for form in _printed_forms(piece)]
    return [p for p in dict.fromkeys(found) if p]


def masked_pieces(full: str, private: str) -> list[str]:
    """The parts of ``full`` that a library's privacy form of the same URL masks.

    apprise knows which of its services' tokens are private (``url(privacy=True)`` prints
    ``T...1`` or ``****`` in their place); cut at the URL delimiters, the two forms line up
    part for part, and every part that differs is a secret. Forms that do not line up give
    nothing (our own parser still applies).
    """
    cut = re.compile(r"[/:@?&=#]")
    mine, theirs = cut.split(full), cut.split(private)
    if len(mine) != len(theirs):
        return []
    found = [
        form for a, b in zip(mine, theirs, strict=True) if a != b for form in _printed_forms(a)
    ]
    return [p for p in dict.fromkeys(found) if p]


def scrub(text: str, pieces: Iterable[str]) -> str:
    """Replace each secret piece (longest first) in ``text`` by ``***``."""
    out = text
    for piece in sorted(set(pieces), key=len, reverse=True):
        if len(piece) >= MIN_PIECE and piece in out:
            out = out.replace(piece, MASK)
    return out


def redact_text(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each URL (and its secret parts) in ``text``."""
    out = text
    for url in sorted(secrets, key=len, reverse=True):
        if url and url in out:
            out = out.replace(url, redact_url(url))
        out = scrub(out, secret_pieces(url))
    return out
