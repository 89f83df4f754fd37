"""The parameter checks every route gets: bad input is a 400 with a sentence, never a 500.

Databases refuse some values outright: PostgreSQL rejects a NUL character in any text, an
``integer`` column compares only to numbers that fit 32 bits, SQLite's integers stop at 2^63.
Those values can match nothing, so they are turned away here, before any query runs, for the
routes of today and those added later (``check_parameters`` is an app-wide dependency).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError

#: Characters in one path segment or query value; an actor name or a search fits easily.
MAX_PARAMETER_LENGTH = 1000

#: The largest id the ``integer`` id columns hold on PostgreSQL (SQLite's are wider, but no
#: row there gets a larger one: ids count up from 1).
MAX_ROW_ID = 2**31 - 1

ArticleId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="An article's id")]
ChangeId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A stance change's id")]


def check_parameters(request: Request) -> None:
    """Every path and query parameter: no NUL character, at most MAX_PARAMETER_LENGTH long."""
    values = [*request.path_params.items(), *request.query_params.multi_items()]
    for name, value in values:
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise HTTPException(400, f"{name}: must not contain a NUL character")
        if len(value) > MAX_PARAMETER_LENGTH:
            raise HTTPException(
                400, f"{name}: at most {MAX_PARAMETER_LENGTH} characters, got {len(value)}"
            )


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's list of validation errors as one line: ``limit: Input should be ...``."""
    parts = []
    for error in exc.errors():
        where = [str(p) for p in error.get("loc", ()) if p not in ("path", "query", "body")]
        parts.append(f"{'.'.join(where) or 'request'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
