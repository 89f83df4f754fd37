"""Run one ``stancewatch`` command in a child process, killed at its timeout.

Scrapy's reactor starts once per process, a crawl may leak memory or crash, and a hung site
can stall it: each crawl runs as ``python -m stancewatch crawl NAME`` in its own process
group, so the scheduler stays small and can always kill it. The child gets the scheduler's
settings through its environment (:func:`stancewatch.settings.settings_environ`).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from stancewatch.redact import redact_text
from stancewatch.settings import Settings, settings_environ

#: Seconds a child gets after SIGTERM before SIGKILL.
KILL_AFTER = 5.0
#: How much of a child's stderr a run record keeps.
TAIL_CHARS = 600

log = logging.getLogger(__name__)


@dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr_tail: str
    duration: float
    timed_out: bool = False
    stopped: bool = False


class Children:
    """The running child processes, so a stopping service can wait for or end them."""

    def __init__(self) -> None:
        self._procs: dict[int, subprocess.Popen[str]] = {}
        self._stopped: set[int] = set()
        self._lock = threading.Lock()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs[proc.pid] = proc

    def discard(self, proc: subprocess.Popen[str]) -> bool:
        """Forget ``proc``; True when the service stopped it."""
        with self._lock:
            self._procs.pop(proc.pid, None)
            return proc.pid in self._stopped

    def running(self) -> list[subprocess.Popen[str]]:
        with self._lock:
            return [p for p in self._procs.values() if p.poll() is None]

    def wait(self, grace: float) -> None:
        """Let running children finish for up to ``grace`` seconds."""
        deadline = time.monotonic() + grace
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.2)

    def stop_all(self) -> None:
        """SIGTERM every child still running (Scrapy stops gracefully), then SIGKILL."""
        procs = self.running()
        with self._lock:
            self._stopped.update(p.pid for p in procs)
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + KILL_AFTER
        while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
            time.sleep(0.1)
        for proc in procs:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def run_command(
    settings: Settings, args: list[str], timeout: float, children: Children
) -> ChildResult:
    """Run ``stancewatch ARGS`` as a child; SIGKILL its process group at ``timeout``.

    A hung crawl gets no graceful stop: it would record its own verdict and hide the timeout.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=settings_environ(settings),
        text=True,
        start_new_session=True,
    )
    children.add(proc)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _signal_group(proc, signal.SIGKILL)
        out, err = proc.communicate()
    finally:
        stopped = children.discard(proc)
    secrets = [*settings.notify_urls, settings.database_url]
    err = redact_text((err or "").strip(), secrets)
    if proc.returncode and "Traceback (most recent call last)" in err:
        log.warning("child %s failed (exit %d): %s", args[0] if args else "?", proc.returncode, err)
    return ChildResult(
        returncode=proc.returncode,
        stdout=out or "",
        stderr_tail=what_failed(err),
        duration=time.monotonic() - started,
        timed_out=timed_out,
        stopped=stopped,
    )


def what_failed(stderr: str) -> str:
    """What a run record says of a failed child: the exception of a traceback (its last line:
    "sqlalchemy.exc.IntegrityError: ...", not the middle of a stack; the whole stderr goes to
    the service log), else the end of what it printed."""
    if "Traceback (most recent call last)" in stderr:
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
        return last.strip()[-TAIL_CHARS:]
    return stderr[-TAIL_CHARS:]
