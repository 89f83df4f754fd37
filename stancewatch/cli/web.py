"""``stancewatch web``: serve the read-only web page and JSON API with uvicorn."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys

import click

from stancewatch.actors import load_actors
from stancewatch.cli.common import App, one_line_errors, pass_app
from stancewatch.db import make_engine
from stancewatch.errors import CannotListenError


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened before uvicorn starts so that a port in use (or a
    privileged one) is one line and its own exit code, not uvicorn's log and exit 3."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except socket.gaierror as exc:
        raise CannotListenError(host, port, f"unknown host ({exc.strerror})") from None
    except OSError as exc:
        reason = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise CannotListenError(host, port, reason or str(exc)) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 inside a container).")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")  # fmt: skip
@pass_app
@one_line_errors
def web(app: App, host: str, port: int) -> None:
    """Serve the read-only web page (actors, timelines, changes, search) and JSON API.

    The API is described at /openapi.json. Nothing on the page writes to the database.
    Stops within web_shutdown_seconds on SIGTERM or Ctrl-C (exit 0); exits 4 when it cannot
    listen on the address (the port is in use).

    Example: stancewatch web --port 8000
    """
    from stancewatch.web import create_app  # imported on use: uvicorn, FastAPI, Jinja2
    from stancewatch.web.server import serve

    settings = app.settings
    app.engine()  # an unreachable database is a one-line error before serving
    app.close()  # the page gets its own engine, its pool sized to the requests it serves
    sock = listen(host, port)
    engine = make_engine(
        settings.database_url, wait=settings.web_db_wait, pool_size=settings.web_db_connections
    )
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"serving http://{shown}:{bound_port} (Ctrl-C to stop)", err=True)
    try:
        actors = load_actors(settings.actors)  # names in URLs resolve by these aliases
        serve(create_app(engine, actors, settings), sock, settings)
    except SystemExit as stop:  # SIGTERM or Ctrl-C, once uvicorn has shut down
        if stop.code not in (0, None):
            raise
    finally:
        sock.close()
        engine.dispose()
    end_now()


def end_now() -> None:
    """Exit 0 at once: the server has stopped and its engine is closed, so the interpreter's
    teardown of every module the CLI imported (Scrapy, trafilatura: seconds on a busy host)
    only delays a stop that a supervisor is waiting for."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


COMMANDS = [web]
