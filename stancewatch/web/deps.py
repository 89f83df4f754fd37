"""What the routes share: a read-only session per request and the templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.history.queries import resolve_actor

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["actor_url"] = lambda name: "/actors/" + quote(name, safe="")
TEMPLATES.env.filters["day"] = lambda when: when.strftime("%Y-%m-%d") if when else ""


def db_session(request: Request) -> Iterator[Session]:
    """A session per request, rolled back at the end: the web never writes."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        try:
            yield session
        finally:
            session.rollback()


DB = Annotated[Session, Depends(db_session)]


def actor_name(request: Request, session: DB, name: str) -> str:
    """The ``{name}`` of the path as its canonical actor: the same resolver as the CLI's, so
    aliases and other cases work; unknown names raise ``UnknownActorError`` (a 404 that
    suggests the closest actors, see ``app.py``)."""
    return resolve_actor(session, name, request.app.state.actors)


ActorName = Annotated[str, Depends(actor_name)]
