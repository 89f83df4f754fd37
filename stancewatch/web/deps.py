"""What the routes share: a read-only session per request and the templates.

A request holds a session only after it got one of the engine's connections (the gate below),
so a crowd of clients waits here, on the event loop, instead of in worker threads that each
sit on the pool: the page stays responsive and a request that cannot be served soon is told so
with a 503 instead of hanging.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import anyio
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from stancewatch.history.queries import resolve_actor
from stancewatch.web.security import external_link

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["actor_url"] = lambda name: "/actors/" + quote(name, safe="")
TEMPLATES.env.filters["day"] = lambda when: when.strftime("%Y-%m-%d") if when else ""
TEMPLATES.env.filters["external_link"] = external_link

#: Seconds a client is asked to wait before retrying a 503 (a busy page), and what it says.
RETRY_AFTER = 2
BUSY = "The page is busy; try again in a moment."


class ConnectionGate:
    """At most ``size`` requests hold a session at once (the pool has exactly that many
    connections, so no worker thread ever waits on the pool); the others wait ``wait`` seconds
    for a turn, then get a 503. A stopping server answers its waiting requests 503 at once
    (:meth:`stop`), so it is never held up by a queue of requests it will not serve."""

    def __init__(self, size: int, wait: float) -> None:
        self.slots = anyio.Semaphore(size)
        self.wait = wait
        self.stopping = False
        self._waiting: set[anyio.CancelScope] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def acquire(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not self.stopping:
            with anyio.CancelScope(deadline=anyio.current_time() + self.wait) as turn:
                self._waiting.add(turn)
                try:
                    await self.slots.acquire()
                    return
                finally:
                    self._waiting.discard(turn)
        raise HTTPException(503, BUSY, headers={"Retry-After": str(RETRY_AFTER)})

    def release(self) -> None:
        self.slots.release()

    def stop(self) -> None:
        """Turn every waiting and later request away (safe from a signal handler)."""
        self.stopping = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._turn_away)

    def _turn_away(self) -> None:
        for turn in list(self._waiting):
            turn.cancel()


async def db_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, rolled back at the end: the web never writes.

    Async on purpose: the wait for a turn happens on the event loop, and the session is closed
    (its connection handed back) in a worker thread, shielded from a client that went away.
    """
    gate: ConnectionGate = request.app.state.gate
    sessions: sessionmaker[Session] = request.app.state.sessions
    await gate.acquire()
    session = sessions()
    try:
        yield session
    finally:
        with anyio.CancelScope(shield=True):
            try:
                await anyio.to_thread.run_sync(session.close)
            finally:
                gate.release()


DB = Annotated[Session, Depends(db_session)]


def actor_name(request: Request, session: DB, name: str) -> str:
    """The ``{name}`` of the path as its canonical actor: the same resolver as the CLI's, so
    aliases and other cases work; unknown names raise ``UnknownActorError`` (a 404 that
    suggests the closest actors, see ``app.py``)."""
    return resolve_actor(session, name, request.app.state.actor_names)


ActorName = Annotated[str, Depends(actor_name)]
