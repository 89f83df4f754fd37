"""Notification targets: apprise URLs, validated at start, with their tags and secrets.

A target URL may carry ``tag=`` in its query (``slack://T/B/C?tag=desk+eu``; tags separated by
``+`` or spaces). The parameter is ours: it is removed before apprise sees the URL, and the
target's identity (``key``) does not depend on it, so retagging a target re-sends nothing.

Who gets what: a target without tags receives every change; a target with tags receives the
changes of actors whose ``tags`` in actors.toml share at least one of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import apprise
from apprise import NotifyFormat

from stancewatch.deliver import logsafe
from stancewatch.errors import NotifyTargetError
from stancewatch.redact import masked_pieces, redact_url, secret_pieces
from stancewatch.settings import Settings


@dataclass(frozen=True)
class Target:
    """One apprise URL. ``url`` is the secret; everything else is safe to show or store."""

    url: str = field(repr=False)
    key: str
    redacted: str
    tags: frozenset[str]
    #: The format the service prefers: "html" (email), "markdown" (Slack) or "text".
    body_format: str
    service: str
    secrets: tuple[str, ...] = field(repr=False)

    def wants(self, actor: str, actor_tags: Mapping[str, Collection[str]]) -> bool:
        """True when this target follows ``actor`` (see the module docstring)."""
        if not self.tags:
            return True
        return bool(self.tags & {t.lower() for t in actor_tags.get(actor, ())})

    def plugin(self, timeouts: Timeouts | None = None) -> Any:
        """A fresh apprise service for one send (plugins keep per-call delivery state)."""
        asset = _asset(timeouts)
        plugin = apprise.Apprise.instantiate(self.url, asset=asset, suppress_exceptions=True)
        if plugin is not None and timeouts is not None:
            plugin.socket_connect_timeout = timeouts.connect
            # Past apprise's deadline, so a slow answer ends as its TIMEOUT (maybe sent),
            # never as requests' read timeout, which apprise reports as a plain failure.
            plugin.socket_read_timeout = timeouts.send + READ_GRACE
        return plugin


#: Seconds the socket read timeout stays above apprise's deadline (see Target.plugin).
READ_GRACE = 2.0


@dataclass(frozen=True)
class Timeouts:
    """How long one send may take (``deliver_send_timeout``) and its connection may take
    to open (``deliver_connect_timeout``), in seconds."""

    send: float
    connect: float

    @classmethod
    def of(cls, settings: Settings) -> Timeouts:
        return cls(settings.deliver_send_timeout, settings.deliver_connect_timeout)


def _asset(timeouts: Timeouts | None = None) -> apprise.AppriseAsset:
    """No on-disk state, privacy-preserving URLs in apprise's own log lines, and apprise's
    per-service deadline at our send timeout (it then reports the send as TIMEOUT)."""
    if timeouts is None:
        return apprise.AppriseAsset(storage_mode="memory", secure_logging=True)
    return apprise.AppriseAsset(
        storage_mode="memory", secure_logging=True, service_timeout=timeouts.send
    )


def split_tags(url: str) -> tuple[str, frozenset[str]]:
    """Remove our ``tag=`` parameter(s) from ``url``; return the URL and the tags."""
    base, qmark, query = url.partition("?")
    if not qmark:
        return url, frozenset()
    pairs = parse_qsl(query, keep_blank_values=True)
    tags = {
        t.lower() for k, v in pairs if k.lower() == "tag" for t in v.replace(",", " ").split() if t
    }
    if not tags and not any(k.lower() == "tag" for k, _ in pairs):
        return url, frozenset()
    rest = [(k, v) for k, v in pairs if k.lower() != "tag"]
    return base + ("?" + urlencode(rest) if rest else ""), frozenset(tags)


def _private_values(plugin: Any) -> list[str]:
    """Values apprise itself marks private for this service (passwords, tokens), read from
    its template specs and from what its ``url(privacy=True)`` masks."""
    specs = {**getattr(plugin, "template_tokens", {}), **getattr(plugin, "template_args", {})}
    found = []
    for name, spec in specs.items():
        if isinstance(spec, dict) and spec.get("private"):
            value = getattr(plugin, spec.get("map_to", name), None)
            if isinstance(value, str) and value:
                found.append(value)
    try:
        found.extend(masked_pieces(plugin.url(privacy=False), plugin.url(privacy=True)))
    except Exception:  # noqa: BLE001 - a plugin that cannot print itself: our parser suffices
        pass
    return found


def _preferred_format(plugin: Any) -> str:
    formats = plugin.notify_format
    first = formats[0] if isinstance(formats, tuple | list) else formats
    return {NotifyFormat.HTML: "html", NotifyFormat.MARKDOWN: "markdown"}.get(first, "text")


def load_target(raw: str) -> Target:
    """Validate one URL; an invalid one is a one-line ConfigError showing it redacted."""
    raw = raw.strip()
    url, tags = split_tags(raw)
    logsafe.protect([raw, url, *secret_pieces(raw), *secret_pieces(url)])
    plugin = apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)
    if plugin is None:
        raise NotifyTargetError(redact_url(url))
    secrets = tuple(
        dict.fromkeys(
            [raw, url, *secret_pieces(raw), *secret_pieces(url), *_private_values(plugin)]
        )
    )
    logsafe.protect(secrets)
    return Target(
        url=url,
        key=hashlib.sha256(url.encode("utf-8")).hexdigest(),
        redacted=redact_url(url),
        tags=tags,
        body_format=_preferred_format(plugin),
        service=str(getattr(plugin, "service_name", type(plugin).__name__)),
        secrets=secrets,
    )


def load_targets(urls: Iterable[str]) -> list[Target]:
    """Every configured target, validated; duplicates (same URL) are kept once."""
    targets: dict[str, Target] = {}
    for raw in urls:
        if raw.strip():
            target = load_target(raw)
            targets.setdefault(target.key, target)
    return list(targets.values())


#: The apprise tag of targets that want source-health alerts.
HEALTH_TAG = "health"


def health_targets(urls: Sequence[str]) -> list[Target]:
    """The targets that receive source-health alerts, validated (call it at start).

    Targets tagged ``health`` (``...?tag=health``) get the alerts, so a desk can route them
    away from the stance alerts; when no target has that tag, every untagged target gets them,
    so they are never dropped silently.
    """
    targets = load_targets(urls)
    return [t for t in targets if HEALTH_TAG in t.tags] or [t for t in targets if not t.tags]
