"""Every setting with its default, and the one reader of the environment.

Precedence, lowest to highest (written down once, like Scrapy's SETTINGS_PRIORITIES):

    package defaults  <  TOML config file  <  STANCEWATCH_* environment  <  CLI flags

A setting ``foo_bar`` is ``foo_bar = ...`` in the config file and ``STANCEWATCH_FOO_BAR`` in the
environment. No other module reads ``os.environ``: the CLI loads a :class:`Settings` once and
passes it down explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from stancewatch import __version__
from stancewatch.errors import ConfigError, closest

ENV_PREFIX = "STANCEWATCH_"


@dataclass(frozen=True)
class Settings:
    """Typed settings; the defaults below are the documented ones."""

    # --- storage -------------------------------------------------------------------------
    #: SQLAlchemy URL. Default: a SQLite file in the working directory (WAL, foreign keys on).
    database_url: str = "sqlite:///stancewatch.db"
    #: Config file read for the other settings (``--config`` / ``STANCEWATCH_CONFIG``).
    config: str | None = None
    #: Replaces the packaged sources.toml (``--sources`` / ``STANCEWATCH_SOURCES``).
    sources: str | None = None
    #: Replaces the packaged actors.toml (``--actors`` / ``STANCEWATCH_ACTORS``).
    actors: str | None = None

    # --- crawl (politeness on by default) ------------------------------------------------
    #: Where site owners can read who we are; part of the user agent.
    contact_url: str = "https://github.com/stancewatch/stancewatch"
    #: Obey robots.txt for our own user agent.
    robotstxt_obey: bool = True
    #: AutoThrottle adapts the delay to the server's latency.
    autothrottle: bool = True
    #: AutoThrottle's first delay between requests to one site, and its ceiling (seconds).
    autothrottle_start_delay: float = 1.0
    autothrottle_max_delay: float = 60.0
    #: Parallel requests per domain.
    concurrent_requests_per_domain: int = 4
    #: Total parallel requests of one crawl.
    concurrent_requests: int = 16
    #: Seconds before a download is given up.
    download_timeout: float = 30.0
    #: Bodies above this many bytes are refused (a page, not a video).
    max_download_size: int = 5 * 1024 * 1024
    #: Retries of transient failures (5xx, timeouts) per request.
    retry_times: int = 2
    #: Listing pages followed per crawl (pagination bound).
    max_listing_pages: int = 5
    #: Entries read from one sitemap (the protocol's own maximum); the rest are counted.
    sitemap_max_urls: int = 50_000
    #: Entries taken from all sitemaps of one source's crawl (memory: ~4 KB per queued URL).
    sitemap_max_urls_per_crawl: int = 20_000
    #: Index pages ``stancewatch backfill`` walks back through per source (``--max-pages``).
    backfill_max_pages: int = 1000
    #: Where ``stancewatch backfill`` keeps each source's crawl state (Scrapy's JOBDIR), so an
    #: interrupted backfill resumes where it stopped; relative paths are from the working dir.
    backfill_dir: str = ".stancewatch-backfill"
    #: Worker processes for extraction (0: extract in the crawl process).
    extract_workers: int = 0
    #: Every Nth fetch of a feed/listing is unconditional, to catch servers whose ETag stays
    #: the same while the content changes.
    conditional_verify_every: int = 4
    #: Scrapy's own log level (its INFO lines are many; our summary says what matters).
    crawl_log_level: str = "WARNING"

    # --- near duplicates -----------------------------------------------------------------
    #: MinHash permutations (signature size: 4 bytes each).
    minhash_perms: int = 128
    #: Words per shingle.
    shingle_size: int = 3
    #: LSH Jaccard threshold at which a candidate is checked.
    lsh_threshold: float = 0.5
    #: Estimated Jaccard at or above which an article is a copy of an earlier one.
    near_duplicate_jaccard: float = 0.7
    #: Days of stored articles held in the near-duplicate index (copies arrive within days).
    near_duplicate_window_days: int = 30

    # --- stance tracking -----------------------------------------------------------------
    #: A single statement at or above this confidence is strong enough to change a stance.
    change_confidence: float = 0.85
    #: Distinct stories needed inside the window when no statement alone is strong enough.
    change_min_stories: int = 2
    #: Days inside which weaker evidence is added up, and at most one change per actor.
    change_window_days: int = 7
    #: Coverage fetched more than this many days after its publication (a new source's
    #: backlog, an archive) is late: the changes it makes are backfill (history, never
    #: alerted) and it never flips a stance timely coverage set; 0 turns this off.
    late_coverage_days: int = 7
    #: Seconds an idle ``analyze --worker`` waits before looking for new articles again.
    analyze_worker_poll: float = 2.0

    # --- delivery ------------------------------------------------------------------------
    #: apprise URLs, separated by spaces or commas. Secrets: never logged unredacted.
    notify_urls: tuple[str, ...] = ()
    #: Attempts before an outbox row is given up.
    deliver_max_attempts: int = 8
    #: First retry delay in seconds; doubles each attempt.
    deliver_backoff_seconds: float = 30.0
    #: One message per target per day instead of one per change.
    digest: bool = False
    #: Base URL of the web page, for links back to the history in alerts.
    public_url: str = "http://127.0.0.1:8000"
    #: Seconds a ``sending`` row stays claimed; after that a crashed sender's row is retried.
    #: A run claims only what it can send within the lease and renews it before each send.
    deliver_lease_seconds: float = 300.0
    #: Seconds one send may take (apprise's own default, 4 s, is too short for a slow webhook).
    #: No answer by then means the message may still have arrived: the row is sent at most
    #: once more, and ``outbox.maybe_sent_at`` records it. Must be below the lease.
    deliver_send_timeout: float = 30.0
    #: Seconds to open a connection to a receiver: a connection never made sent nothing, so
    #: it is retried with the usual backoff. (apprise's email bounds each SMTP step with it.)
    deliver_connect_timeout: float = 10.0
    #: Seconds ``deliver --worker`` waits before looking again when nothing was due.
    deliver_worker_poll: float = 2.0
    #: Directory whose Jinja2 templates (``title.txt``, ``change.html``, ...) replace the
    #: packaged ones of the same name; None uses the packaged templates only.
    templates_dir: str | None = None

    # --- scheduler service (``stancewatch run``) ------------------------------------------
    #: Random delay added to each scheduled crawl, as a fraction of the source's interval
    #: (0.1: up to 3 minutes on a 30-minute source), so sources do not fire in lockstep.
    scheduler_jitter: float = 0.1
    #: Seconds between delivery runs that retry pending outbox rows (crawls deliver too).
    deliver_interval: float = 60.0
    #: A run missed by less than this many seconds (the service was down) still happens once.
    misfire_grace_time: float = 300.0
    #: Seconds a stopping service lets running crawl processes finish before terminating them.
    crawl_grace_period: float = 30.0
    #: Seconds between attempts to take the scheduler lock while another instance holds it.
    scheduler_lock_poll: float = 2.0
    #: Weighted consecutive failures at which a source counts as broken and one alert goes out
    #: (a hard error or timeout weighs 1, a block by robots.txt or bot protection 2, a 429 0.5).
    health_failure_threshold: float = 3.0
    #: A source is silent when it has had no new article for this many times its usual rhythm.
    health_silence_factor: float = 4.0
    #: Ceiling of a failing source's backoff, in seconds (the delay doubles each failure).
    health_max_backoff: float = 6 * 3600.0
    #: Crawl each source about as often as it really publishes instead of on its fixed
    #: interval: after a successful run, the next waits half the median gap between its runs
    #: that found new articles (a new article then waits a quarter of its gap on average).
    #: Off by default, so a schedule only changes when asked; ``adaptive = true/false`` on a
    #: source in sources.toml overrides it for that source.
    adaptive_interval: bool = False
    #: Lower bound of an adapted delay, as a multiple of the source's ``interval``: a busy
    #: source is never crawled more often than this (politeness, and our own load).
    adaptive_min_factor: float = 0.5
    #: Upper bound of an adapted delay, as a multiple of the source's ``interval``: a quiet
    #: source's first new article in a while is still found within this.
    adaptive_max_factor: float = 4.0

    # --- web page (``stancewatch web``) ------------------------------------------------
    #: Database connections the web page holds (its pool size); this many requests read at
    #: once, the others wait for one of them to finish.
    web_db_connections: int = 10
    #: Seconds a request may wait on the database (for a free connection, a lock, a query on
    #: PostgreSQL) before it is answered 503 with Retry-After: a burst of clients gets a quick
    #: "busy" instead of a page that never comes, and a stopping server is never held up.
    web_db_wait: float = 5.0
    #: Seconds a stopping web server (SIGTERM, Ctrl-C) lets open requests finish.
    web_shutdown_seconds: float = 3.0

    # --- crawl workers on Redis (``stancewatch enqueue`` / ``stancewatch worker``) ---------
    #: Redis URL of the shared crawl frontier (scrapy-redis request queue and dupefilter) and
    #: near-duplicate index. None: everything runs in one process, as on a laptop. When set,
    #: the database must be PostgreSQL (the one store every worker host shares).
    redis_url: str | None = None
    #: Prefix of every Redis key stancewatch writes, so several deployments (or tests) can
    #: share one Redis server without seeing each other's queues.
    redis_prefix: str = "stancewatch"
    #: Seconds after which a crawl worker that has not reported in is dead: the requests it
    #: had taken go back on the queue for the others (a heartbeat every quarter of this).
    worker_timeout: float = 60.0

    # --- logging -------------------------------------------------------------------------
    #: Level of our own log lines (the scheduler's one line per job is INFO).
    log_level: str = "INFO"
    #: Level of the libraries' log lines (Alembic, apprise, APScheduler, ...): their INFO lines
    #: say what they do, not what a user must act on. A ``log_level`` above it wins (ERROR
    #: silences their warnings too). Scrapy has its own, ``crawl_log_level``.
    library_log_level: str = "WARNING"

    @property
    def user_agent(self) -> str:
        """An honest user agent: who we are and where to read about us."""
        return f"stancewatch/{__version__} (+{self.contact_url})"

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (CLI flags, tests)."""
        return dataclasses.replace(self, **changes)


_FIELDS = {f.name: f for f in fields(Settings)}


def _convert(name: str, value: Any, origin: str) -> Any:
    """Coerce a value from a file or the environment to the field's type, or say why not."""
    default = _FIELDS[name].default
    kind = type(default) if default is not None else str
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if kind is tuple:
            if isinstance(value, list | tuple):
                return tuple(str(v) for v in value)
            return tuple(p for p in str(value).replace(",", " ").split() if p)
        if kind is int and not isinstance(value, bool):
            return int(value)
        if kind is float and not isinstance(value, bool):
            return float(value)
        if kind is str:
            return str(value)
    except (TypeError, ValueError):
        pass
    raise ConfigError(f"{origin}: {name} must be {kind.__name__}, got {value!r}")


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file; a missing or invalid file is a one-line error."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {p}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {p}: {exc}") from None
    return data.get("stancewatch", data)


def _refuse_unknown_keys(data: Mapping[str, Any], origin: str) -> None:
    """A misspelt key is an error, as in sources.toml: ignored, it would leave the default in
    force without a word (``deliver_max_atempts = 3`` keeping 8 attempts)."""
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        named = ", ".join(_with_suggestion(key) for key in unknown)
        raise ConfigError(f"{origin}: unknown key(s) {named}")


def _with_suggestion(key: str) -> str:
    near = closest(key, _FIELDS)
    return f"{key} (did you mean {near}?)" if near else key


def settings_environ(settings: Settings) -> dict[str, str]:
    """The environment of a child process that must see exactly ``settings``.

    The scheduler starts each crawl as ``python -m stancewatch crawl NAME``; the child reads
    this environment (process variables that are not ours, such as PATH, plus every setting
    written as ``STANCEWATCH_*``), so it runs with the parent's settings whatever their origin.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    for name in _FIELDS:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = " ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[ENV_PREFIX + name.upper()] = str(value)
    return env


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge defaults < config file < environment < ``overrides`` (CLI flags)."""
    env = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    values: dict[str, Any] = {}
    config_path = overrides.get("config") or env.get(ENV_PREFIX + "CONFIG")
    if config_path:
        data = read_config_file(config_path)
        _refuse_unknown_keys(data, str(config_path))
        values.update({k: _convert(k, v, str(config_path)) for k, v in data.items()})
        values["config"] = str(config_path)
    for name in _FIELDS:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = _convert(name, raw, ENV_PREFIX + name.upper())
    for name, value in overrides.items():
        if name not in _FIELDS:
            raise ConfigError(f"unknown setting: {name}")
        values[name] = _convert(name, value, "command line")
    settings = Settings(**values)
    check_redis(settings)
    return settings


def check_redis(settings: Settings) -> None:
    """Workers on several hosts share one database: with ``redis_url`` it must be PostgreSQL."""
    if settings.redis_url and not settings.database_url.startswith("postgresql"):
        raise ConfigError(
            "redis_url needs a PostgreSQL database_url (crawl workers share one database; "
            "SQLite is for one process)"
        )
