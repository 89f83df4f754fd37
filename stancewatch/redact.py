"""Hide the secrets in URLs (database URLs, apprise URLs) before they reach a log or a screen."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^@/?#]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<key>(?:pass|password|pwd|token|secret|key|apikey|api_key|webhook|auth)[^=&]*)=(?P<v>[^&#]*)",
    re.IGNORECASE,
)


def redact_url(url: str) -> str:
    """Return ``url`` with passwords, tokens and query secrets replaced by ``***``.

    ``mailtos://user:pass@host`` keeps the user and drops the password; for token-style URLs
    (``slack://T000/B000/XXXX``) every path part after the host is hidden, since the
    tokens *are* the path.
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
        head, _, tail = rest.partition("?")
        parts = head.split("/")
        if len(parts) > 1:
            head = parts[0] + "/" + "/".join("***" for p in parts[1:] if p)
        text = scheme + sep + head + (("?" + tail) if tail else "")
    return text


def redact_text(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each URL (and its password / token parts) in ``text``."""
    out = text
    for url in sorted(secrets, key=len, reverse=True):
        if url and url in out:
            out = out.replace(url, redact_url(url))
        for piece in _secret_pieces(url):
            if len(piece) >= 4:
                out = out.replace(piece, "***")
    return out


def _secret_pieces(url: str) -> list[str]:
    """The parts of a URL that are secret on their own: password, path tokens, query values."""
    pieces: list[str] = []
    m = _USERINFO.match(url)
    if m and ":" in m.group("userinfo"):
        pieces.append(m.group("userinfo").split(":", 1)[1])
    _, sep, rest = url.partition("://")
    if sep and not m:
        pieces.extend(p for p in rest.split("?", 1)[0].split("/")[1:] if p)
    pieces.extend(q.group("v") for q in _QUERY_SECRET.finditer(url) if q.group("v"))
    return pieces
