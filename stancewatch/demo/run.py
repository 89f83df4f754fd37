"""``stancewatch demo``: the whole loop offline, on coverage built from the seed documents.

A local site plays the coverage back in three phases (2024-2025: who backs membership and who
holds back; December 2025: Zelenskyy offers to drop the bid; January 2026: the Kachka
interview). Each phase is crawled with the real spider and pipelines (in a child process:
Scrapy's reactor runs once per process), analysed, and its stance changes are delivered to the
console (and to any configured apprise URLs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from stancewatch import flow
from stancewatch.db import make_engine, session_factory
from stancewatch.demo.site import DemoSite
from stancewatch.errors import StancewatchError
from stancewatch.migrations import upgrade
from stancewatch.models import Article, Source, StanceChange, Statement
from stancewatch.settings import Settings

PHASES = {
    1: "2024-2025: who backs Ukraine in NATO, and who holds back",
    2: "December 2025: Zelenskyy offers to drop the NATO bid",
    3: "January 2026: the Kachka interview",
}


class DemoError(StancewatchError):
    def __init__(self, what: str) -> None:
        super().__init__(f"demo failed: {what}")


@dataclass
class DemoResult:
    database_url: str
    changes: list[dict] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0


def _fresh_database(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path.resolve()}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _crawl(url: str, sources: Path, config: Path) -> list[dict]:
    """One crawl of every demo source, in a child process."""
    out = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--config", str(config), "--database-url", url,
         "--sources", str(sources), "crawl", "--format", "json", "--no-analyze"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    try:
        return json.loads(out.stdout)
    except ValueError:
        raise DemoError(f"the crawl printed no summary: {out.stderr.strip()[-300:]}") from None


def _alert(session: Session, change: StanceChange) -> dict:
    """A change as the alert shows it: both quotes, outlets, dates and links."""

    def evidence(statement_id: int | None, fallback: str) -> dict:
        row = session.execute(
            select(Statement.evidence, Article.url, Article.published_at, Source.name)
            .join(Article, Article.id == Statement.article_id)
            .join(Source, Source.id == Article.source_id)
            .where(Statement.id == statement_id)
        ).first()
        if row is None:
            return {"quote": fallback, "url": None, "date": None, "outlet": None}
        return {"quote": row[0], "url": row[1], "outlet": row[3],
                "date": row[2].date().isoformat() if row[2] else None}  # fmt: skip

    return {
        "actor": change.actor,
        "old": change.old_stance,
        "new": change.new_stance,
        "changed_at": change.changed_at.date().isoformat(),
        "stories": change.stories,
        "evidence": evidence(change.statement_id, change.evidence),
        "replaces": evidence(change.previous_statement_id, change.previous_evidence),
    }


def run_demo(
    settings: Settings,
    db_path: Path,
    say: Callable[[str], None],
    deliver: Callable[[], str] | None = None,
    database_url: str | None = None,
) -> DemoResult:
    """Play the phases, crawl, analyse, report. The database is a fresh SQLite file at
    ``db_path``, or ``database_url`` (any backend; migrated here) when given."""
    started = time.perf_counter()
    if database_url is None:
        url = _fresh_database(db_path)
    else:
        url = database_url
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    # The demo replays 2024-2025 coverage today: none of it may count as "found late".
    demo_settings = settings.replace(database_url=url, late_coverage_days=0)
    sessions: sessionmaker[Session] = session_factory(make_engine(url))
    result = DemoResult(url)
    seen: set[int] = set()
    with DemoSite(phase=1) as site, tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.toml"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        config = Path(tmp) / "demo.toml"
        config.write_text(
            "autothrottle_start_delay = 0.05\nautothrottle_max_delay = 1.0\n", encoding="utf-8"
        )
        for phase, title in PHASES.items():
            if phase > 1:
                site.publish_phase(phase)
            say(f"\n== Phase {phase}: {title}")
            summaries = _crawl(url, sources, config)
            new = sum(s["articles_new"] for s in summaries)
            near = sum(s["duplicates_near"] for s in summaries)
            exact = sum(s["duplicates_exact"] for s in summaries)
            say(f"crawled {len(summaries)} sources: {new} new articles ({near} linked as copies, "
                f"{exact} exact duplicates dropped)")  # fmt: skip
            analysis = flow.analyze(demo_settings, sessions)
            say(f"analysed {analysis.articles} articles: {analysis.statements_written} statements")
            with sessions() as s:
                changes = s.scalars(
                    select(StanceChange)
                    .where(StanceChange.retracted_at.is_(None))
                    .order_by(StanceChange.id)
                ).all()
                fresh = [c for c in changes if c.id not in seen]
                for change in fresh:
                    seen.add(change.id)
                    alert = _alert(s, change)
                    result.changes.append(alert)
                    say(render_console(alert))
            if not fresh:
                say("no stance change in this phase")
            if deliver is not None:
                say(deliver())
        with sessions() as s:
            result.articles = len(s.scalars(select(Article.id)).all())
    sessions.kw["bind"].dispose()
    result.seconds = time.perf_counter() - started
    return result


def render_console(alert: dict) -> str:
    """The alert as the console shows it (the same facts an email or Slack alert carries)."""
    new, old = alert["evidence"], alert["replaces"]
    return "\n".join([
        f"ALERT  {alert['actor']}: {alert['old']} → {alert['new']} on Ukraine joining NATO",
        f"  now ({new['date']}, {new['outlet']}): “{new['quote']}”",
        f"       {new['url']}",
        f"  before ({old['date']}, {old['outlet']}): “{old['quote']}”",
        f"       {old['url']}",
        f"  backed by {alert['stories']} distinct stor{'y' if alert['stories'] == 1 else 'ies'}",
    ])  # fmt: skip
