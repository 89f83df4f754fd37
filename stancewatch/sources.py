"""Source entries from sources.toml, validated when loaded, with one-line messages.

A bad file fails when the CLI loads it (not inside a scheduled job at 3 a.m.), naming the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tldextract

from stancewatch.errors import ConfigError, UnknownSourceError

KINDS = ("feed", "sitemap", "listing")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@cache
def _extractor() -> tldextract.TLDExtract:
    """tldextract offline: its bundled public-suffix snapshot, no download, no cache files
    (a crawl must not depend on publicsuffix.org answering, nor write to $HOME)."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def registered_domain(host: str) -> str:
    """The site a host belongs to: ``news.bbc.co.uk`` -> ``bbc.co.uk``, ``www.fakty.com.ua`` ->
    ``fakty.com.ua`` (not ``com.ua``: a public suffix is nobody's site). An IP address or a
    single-label host (``localhost``) has no registered domain: it is its own site."""
    host = host.lower().strip(".")
    return _extractor()(host).top_domain_under_public_suffix or host


def same_site(host_a: str, host_b: str) -> bool:
    """One registered domain (the crawl scope and the rel=canonical check share this)."""
    return bool(host_a) and registered_domain(host_a) == registered_domain(host_b)


def parse_interval(text: str | int | float) -> float:
    """``"30m"`` -> 1800.0 seconds; a number is seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        seconds = float(text)
    else:
        m = _INTERVAL.match(str(text))
        if not m:
            raise ValueError(f"not an interval like 30m, 2h or 90s: {text!r}")
        seconds = float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    if seconds <= 0:
        raise ValueError("the interval must be positive")
    return seconds


@dataclass(frozen=True)
class SourceConfig:
    """One ``[[sources]]`` entry. Site quirks are small options here, not spider copies."""

    name: str
    kind: str
    start_urls: tuple[str, ...]
    article_pattern: str | None = None
    interval: float = 1800.0
    enabled: bool = True
    #: Hosts whose links are followed; default: the hosts of ``start_urls``.
    allowed_domains: tuple[str, ...] = ()
    #: Regex of links to further listing pages (pagination); default: rel=next and /page/N.
    pagination_pattern: str | None = None
    #: Listing pages followed per crawl; None: the global setting.
    max_pages: int | None = None
    #: Seconds before a crawl of this source is killed by the scheduler.
    timeout: float = 900.0
    #: Extra request headers (e.g. Accept-Language).
    headers: dict[str, str] = field(default_factory=dict)
    #: Free-form notes (why a source is disabled, feed ids' meaning).
    notes: str = ""
    #: Adapt this source's interval to how often it publishes; None: the global
    #: ``adaptive_interval`` setting (a known-bursty source can opt out, one source can opt in).
    adaptive: bool | None = None

    @property
    def domains(self) -> tuple[str, ...]:
        if self.allowed_domains:
            return self.allowed_domains
        hosts = []
        for url in self.start_urls:
            host = urlsplit(url).hostname or ""
            if host and host not in hosts:
                hosts.append(host)
        return tuple(hosts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "start_urls": list(self.start_urls),
            "article_pattern": self.article_pattern,
            "interval": self.interval,
            "enabled": self.enabled,
            "allowed_domains": list(self.domains),
        }


_KNOWN_KEYS = {
    "name", "kind", "start_urls", "article_pattern", "interval", "enabled", "allowed_domains",
    "pagination_pattern", "max_pages", "timeout", "headers", "notes", "adaptive",
}  # fmt: skip


_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)


def _allowed_domains(value: Any, label: str) -> tuple[str, ...]:
    """Bare host names (no scheme, port or path), none of them a public suffix like com.ua."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{label}: allowed_domains must be a list of host names")
    for domain in value:
        if not isinstance(domain, str) or not _HOSTNAME.match(domain.lower()):
            raise ConfigError(f"{label}: allowed_domains: not a host name: {domain!r}")
        parts = _extractor()(domain.lower())
        if parts.suffix and not parts.domain:
            raise ConfigError(
                f"{label}: allowed_domains: {domain!r} is a public suffix, not a site"
            )
    return tuple(d.lower() for d in value)


def _entry(raw: dict[str, Any], index: int, origin: str) -> SourceConfig:
    name = raw.get("name")
    label = f"{origin}: source #{index + 1}" + (f" ({name!r})" if name else "")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", name):
        raise ConfigError(f"{label}: 'name' must be a word like 'cnbc-world'")
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{label}: unknown key(s) {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{label}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    urls = raw.get("start_urls")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not isinstance(urls, list):
        raise ConfigError(f"{label}: missing start_urls")
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{label}: start URL is not an http(s) URL: {url!r}")
    domains = _allowed_domains(raw.get("allowed_domains", ()), label)
    sites = {registered_domain(d) for d in domains}
    for url in urls if domains else ():
        if registered_domain(urlsplit(str(url)).hostname or "") not in sites:
            raise ConfigError(f"{label}: start URL {url!r} is not on its allowed_domains")
    pattern = raw.get("article_pattern")
    for key in ("article_pattern", "pagination_pattern"):
        if raw.get(key) is not None:
            try:
                re.compile(raw[key])
            except (re.error, TypeError) as exc:
                raise ConfigError(f"{label}: {key} is not a regex: {exc}") from None
    try:
        # the defaults are the fields' (SourceConfig.interval, .timeout), stated once
        interval = parse_interval(raw["interval"]) if "interval" in raw else SourceConfig.interval
        timeout = parse_interval(raw["timeout"]) if "timeout" in raw else SourceConfig.timeout
    except ValueError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{label}: enabled must be true or false")
    adaptive = raw.get("adaptive")
    if adaptive is not None and not isinstance(adaptive, bool):
        raise ConfigError(f"{label}: adaptive must be true or false")
    max_pages = raw.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise ConfigError(f"{label}: max_pages must be a positive whole number")
    return SourceConfig(
        name=name,
        kind=kind,
        start_urls=tuple(str(u) for u in urls),
        article_pattern=pattern,
        interval=interval,
        enabled=enabled,
        allowed_domains=domains,
        pagination_pattern=raw.get("pagination_pattern"),
        max_pages=max_pages,
        timeout=timeout,
        headers=dict(raw.get("headers", {})),
        notes=str(raw.get("notes", "")),
        adaptive=adaptive,
    )


def parse_sources(text: str, origin: str) -> list[SourceConfig]:
    """Parse and validate the text of a sources file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {origin}: {exc}") from None
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no [[sources]] entries")
    sources = [_entry(raw, i, origin) for i, raw in enumerate(entries)]
    seen: set[str] = set()
    for s in sources:
        if s.name in seen:
            raise ConfigError(f"{origin}: source name {s.name!r} appears twice")
        seen.add(s.name)
    return sources


def load_sources(path: str | None = None) -> list[SourceConfig]:
    """The sources of ``path``, or of the sources.toml shipped in the package."""
    if path is None:
        text = resources.files("stancewatch.data").joinpath("sources.toml").read_text("utf-8")
        return parse_sources(text, "sources.toml (packaged)")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {p}: {exc}") from None
    return parse_sources(text, str(p))


def select_sources(sources: list[SourceConfig], names: tuple[str, ...]) -> list[SourceConfig]:
    """The named sources (any, even disabled), or all enabled ones when none is named."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UnknownSourceError(unknown, list(by_name))
    return [by_name[n] for n in names]
