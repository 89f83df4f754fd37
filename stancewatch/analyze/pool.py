"""Run the stance engine in worker processes, so ``restance`` can use every core.

The database work stays in the calling process; workers only turn texts into statements.
Each worker builds its own engine once (from the same settings), so nothing large is pickled
per article. An exception inside the engine comes back as a value for that one article; a
worker that dies breaks the pool, which aborts the batch (rolled back) like any crash.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from stancewatch.settings import Settings

_ENGINE: Any = None
FIELDS = ("actor", "actor_kind", "stance", "confidence", "evidence", "start", "end", "cue")


def _init(settings: Settings) -> None:
    global _ENGINE
    from stancewatch.analyze.runner import make_stance_engine

    _ENGINE = make_stance_engine(settings)


def _analyze(item: tuple[str, datetime | None]) -> list[tuple] | str:
    try:
        found = _ENGINE.analyze(*item)
    except Exception as exc:  # noqa: BLE001 - reported per article by the caller
        return f"{type(exc).__name__}: {exc}"
    return [tuple(getattr(r, f) for f in FIELDS) for r in found]


class PooledAnalyzer:
    """``analyze_many`` over ``workers`` processes; usable as a context manager."""

    def __init__(self, settings: Settings, workers: int) -> None:
        ctx = multiprocessing.get_context("spawn")  # no forked database connections
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init, initargs=(settings,)
        )
        self.workers = workers

    def analyze(self, text: str, published: datetime | None = None) -> list[Any]:
        [result] = self.analyze_many([(text, published)])
        if isinstance(result, Exception):
            raise result
        return result

    def analyze_many(
        self, items: Sequence[tuple[str, datetime | None]]
    ) -> list[list[Any] | Exception]:
        """Statements per item, in order; an engine failure is an exception in its place."""
        chunk = max(1, len(items) // (self.workers * 4))
        out: list[list[Any] | Exception] = []
        for result in self._pool.map(_analyze, items, chunksize=chunk):
            if isinstance(result, str):
                out.append(RuntimeError(result))
            else:
                out.append([SimpleNamespace(**dict(zip(FIELDS, r, strict=True))) for r in result])
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PooledAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
