"""Time ``analyze`` and ``restance`` over N stored articles of ~800 words built from the seeds.

Prints figures and an extrapolation to 100,000 articles; asserts nothing.

    python bench/restance.py --articles 2000
    python bench/restance.py --articles 2000 --database-url postgresql://postgres@127.0.0.1/bench

Articles are random mixes of the seed documents' paragraphs (so the engine meets real
sentences), published over two years, one in ten a near-duplicate copy of an earlier one.
Three timings: ``analyze`` of everything (every statement written), ``restance`` when
nothing changed (statements compared, states and changes replayed), and ``restance`` after a
rule change (``change_min_stories`` 2 -> 3: every actor replayed, changes reconciled).
``--engine none`` (finds nothing) and ``--engine synthetic`` (ten made-up statements per
article) replace the stance engine, to time the storage and tracker paths alone.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stancewatch.analyze.runner import analyze_pending, make_stance_engine  # noqa: E402
from stancewatch.db import make_engine, session_factory, session_scope  # noqa: E402
from stancewatch.flow import restance  # noqa: E402
from stancewatch.migrations import upgrade  # noqa: E402
from stancewatch.models import Article, Source, StanceChange, Statement  # noqa: E402
from stancewatch.settings import Settings  # noqa: E402

SEEDS = Path("/work/shared/seeds")
START = datetime(2024, 1, 1, tzinfo=UTC)


class NoEngine:
    """Finds nothing: times the storage path without statements."""

    def analyze(self, text, published=None):  # type: ignore[no-untyped-def]
        return []


class SyntheticEngine:
    """Ten statements per article from a hash of the text: times the storage and tracker
    paths with a realistic write volume, without the cost of the real engine."""

    ACTORS = ["Zelenskyy", "Orban", "Fico", "Trump", "Merz", "Rutte", "Putin", "Ukraine"]

    def analyze(self, text, published=None):  # type: ignore[no-untyped-def]
        from types import SimpleNamespace

        h = int(hashlib.md5(text.encode()).hexdigest(), 16)
        out = []
        for i in range(10):
            h, r = divmod(h, 97)
            out.append(
                SimpleNamespace(
                    actor=self.ACTORS[r % len(self.ACTORS)],
                    actor_kind="person",
                    stance=("support", "oppose", "neutral")[r % 3],
                    confidence=0.5 + (r % 50) / 100,
                    evidence=text[i * 50 : i * 50 + 120],
                    start=i * 50,
                    end=i * 50 + 120,
                    cue=f"synthetic-{r % 7}",
                )
            )
        return out


def _actors_without_metonyms(name: str) -> str:
    """A copy of the packaged actors.toml where ``name`` has no metonyms ("Moscow", "the
    Kremlin"): an edit that changes the statements of many articles."""
    import tomllib
    from importlib import resources

    data = tomllib.loads(
        resources.files("stancewatch.data").joinpath("actors.toml").read_text("utf-8")
    )
    kept = [{**a, "metonyms": []} if a["name"] == name else a for a in data["actors"]]
    out = Path(tempfile.mkdtemp()) / "actors.toml"
    out.write_text(_toml(kept), encoding="utf-8")
    return str(out)


def _toml(actors: list[dict]) -> str:
    import json

    lines = []
    for a in actors:
        lines.append("[[actors]]")
        for key, value in a.items():
            if key != "roles":
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}")
        for role in a.get("roles", []):
            lines.append("[[actors.roles]]")
            lines.extend(f"{k} = {json.dumps(v, default=str)}" for k, v in role.items())
    return "\n".join(lines) + "\n"


def paragraphs() -> list[str]:
    found = []
    for path in sorted(SEEDS.glob("0*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n"):
            if len(para.split()) >= 8:
                found.append(para.strip())
    return found


def seed(sessions, n: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    paras = paragraphs()
    with session_scope(sessions) as s:
        src = Source(name="bench", kind="feed")
        s.add(src)
        s.flush()
        rows, originals = [], []
        for i in range(n):
            words, body = 0, []
            while words < 800:
                p = rng.choice(paras)
                body.append(p)
                words += len(p.split())
            published = START + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            copy_of = rng.choice(originals) if originals and rng.random() < 0.1 else None
            text = "\n".join(body)
            url = f"https://bench.example/{i}"
            rows.append(
                {
                    "id": i + 1,
                    "source_id": src.id,
                    "url": url,
                    "canonical_url": url,
                    "title": body[0][:120],
                    "text": text,
                    "published_at": published,
                    "fetched_at": published + timedelta(hours=1),
                    "content_hash": hashlib.sha256(f"{i}{text}".encode()).hexdigest(),
                    "duplicate_of_id": copy_of,
                    "version": 1,
                }
            )
            if copy_of is None:
                originals.append(i + 1)
            if len(rows) == 1000:
                s.execute(insert(Article), rows)
                rows = []
        if rows:
            s.execute(insert(Article), rows)


def timed(label: str, n: int, func_, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    summary = func_(*args, **kwargs)
    dt = time.perf_counter() - t0
    per_s = n / dt if dt else float("inf")
    print(
        f"{label:<28} {dt:8.1f} s  {per_s:8.1f} articles/s  "
        f"-> 100,000 articles in {100_000 / per_s / 60:6.1f} min"
    )
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--engine", choices=["real", "none", "synthetic"], default="real")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=0, help="engine processes (real engine)")
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    db = make_engine(url)
    upgrade(db)
    sessions = session_factory(db)
    settings = Settings(database_url=url)
    engines = {"none": NoEngine, "synthetic": SyntheticEngine}
    engine = make_stance_engine(settings) if args.engine == "real" else engines[args.engine]()
    n = args.articles

    t0 = time.perf_counter()
    seed(sessions, n, random.Random(args.seed))
    print(f"seeded {n} articles of ~800 words in {time.perf_counter() - t0:.1f} s ({url})")

    t0 = time.perf_counter()
    with session_scope(sessions) as s:
        texts = s.scalars(select(Article.title + "\n\n" + Article.text).limit(200)).all()
    t1 = time.perf_counter()
    for text in texts:
        engine.analyze(text)
    engine_dt = time.perf_counter() - t1
    print(f"engine alone on {len(texts)} articles: {len(texts) / engine_dt:8.1f} articles/s")
    del t0

    pooled = engine if args.workers <= 1 or args.engine != "real" else None
    w = args.workers
    first = timed("analyze (all new)", n, analyze_pending, settings, sessions, pooled, workers=w)
    again = timed("restance (nothing changed)", n, restance, settings, sessions, pooled, workers=w)
    strict = settings.replace(change_min_stories=3)
    rule = timed("restance (rule changed)", n, restance, strict, sessions, pooled, workers=w)
    # actors changed: statements are rewritten (deleted and inserted) where Moscow was named
    edited = settings.replace(actors=_actors_without_metonyms("Russia"), change_min_stories=3)
    pooled_edit = make_stance_engine(edited) if pooled is not None else None
    rewrite = timed(
        "restance (actors changed)", n, restance, edited, sessions, pooled_edit, workers=w
    )
    with session_scope(sessions) as s:
        statements = s.scalar(select(func.count()).select_from(Statement))
        changes = s.scalar(select(func.count()).select_from(StanceChange))
    print(f"statements: {statements}, stance changes (incl. retracted): {changes}")
    for name, summary in (
        ("analyze", first),
        ("restance", again),
        ("restance rule", rule),
        ("restance actors", rewrite),
    ):
        print(f"{name}: {summary.to_dict()}")
    db.dispose()


if __name__ == "__main__":
    main()
