"""Serving the app with uvicorn: on a socket opened by the caller, and stopping quickly.

On SIGTERM or Ctrl-C the requests still waiting for a database connection are answered 503
at once and the running ones get ``web_shutdown_seconds`` to finish; the process then exits
0 (a stop asked for is a normal end).
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

import uvicorn
from fastapi import FastAPI

from stancewatch.settings import Settings
from stancewatch.web.deps import ConnectionGate


class _Server(uvicorn.Server):
    """uvicorn's server, telling the gate first when it is asked to stop."""

    def __init__(self, config: uvicorn.Config, gate: ConnectionGate) -> None:
        super().__init__(config)
        self.gate = gate

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.gate.stop()
        super().handle_exit(sig, frame)


def _stopped(_signum: int, _frame: FrameType | None) -> None:
    """uvicorn re-raises the stop signal once it has shut down: end with exit code 0."""
    raise SystemExit(0)


def serve(app: FastAPI, sock: socket.socket, settings: Settings) -> None:
    """Serve ``app`` on the listening ``sock`` until SIGTERM or Ctrl-C."""
    config = uvicorn.Config(
        app,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=max(1, round(settings.web_shutdown_seconds)),
    )
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stopped)
    _Server(config, app.state.gate).run(sockets=[sock])
