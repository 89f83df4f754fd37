"""Keep notification secrets out of every log line, whoever writes it.

apprise logs service URLs at debug level, urllib3 logs request paths (a Slack webhook's path
*is* its token), and an exception message may quote a URL. Filters on our own loggers would
miss those, so the secrets of each loaded target are registered here and a log record factory
replaces them by ``***`` as each record is created, for every logger in the process. The
registry only grows: a secret once loaded stays protected for the life of the process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from stancewatch.redact import MIN_PIECE, scrub

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def protect(secrets: Iterable[str]) -> None:
    """Register secrets (URLs, passwords, tokens); log records created from now on hide them."""
    global _installed
    new = {s for s in secrets if s and len(s) >= MIN_PIECE}
    with _lock:
        _secrets.update(new)
        if not _installed:
            _install()
            _installed = True


def clean(text: str) -> str:
    """``text`` with every registered secret replaced (for messages we print or store)."""
    return scrub(text, tuple(_secrets)) if _secrets else text


def _install() -> None:
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:  # type: ignore[no-untyped-def]
        record = previous(*args, **kwargs)
        _scrub_record(record)
        return record

    logging.setLogRecordFactory(factory)


def _scrub_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
        return
    cleaned = clean(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        cleaned = clean(text)
        if cleaned != text:
            record.exc_text, record.exc_info = cleaned, None
