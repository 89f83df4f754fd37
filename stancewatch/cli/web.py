"""``stancewatch web``: serve the read-only web page and JSON API with uvicorn."""

from __future__ import annotations

import click

from stancewatch.actors import load_actors
from stancewatch.cli.common import App, one_line_errors, pass_app


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

    Example: stancewatch web --port 8000
    """
    import uvicorn  # imported on use: the other commands do not need a web server

    from stancewatch.web import create_app

    engine = app.engine()  # an unreachable database is a one-line error before serving
    level = app.settings.log_level.lower()
    actors = load_actors(app.settings.actors)  # names in URLs resolve by these aliases
    served = create_app(engine, actors)
    uvicorn.run(served, host=host, port=port, log_level=level, access_log=False)


COMMANDS = [web]
