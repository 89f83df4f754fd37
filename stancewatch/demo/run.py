"""``stancewatch demo``: the whole loop offline, on coverage built from the seed documents.

A local site plays the coverage back in three phases. Phase 1, the 2024-2025 archive (who
backs membership and who holds back), is found long after it was published, as any first crawl
of an archive is: it builds the history and alerts nothing. Phases 2 and 3 are the live news:
the December 2025 coverage (Zelenskyy offers to drop the bid) and the January 2026 Kachka
interview, dated the last few days (their order and spacing kept) so that they arrive in time,
with the default settings. Each phase is crawled with the real spider and pipelines (in a child
process: Scrapy's reactor runs once per process), analysed, and its live stance changes are
delivered to the console (one alert per event: a person and the country they speak for
together) and to any configured apprise URLs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from stancewatch import flow
from stancewatch.db import make_engine, session_factory
from stancewatch.demo.coverage import CoverageArticle, load_coverage
from stancewatch.demo.site import DemoSite
from stancewatch.errors import StancewatchError
from stancewatch.migrations import upgrade
from stancewatch.models import Article, Source, StanceChange, Statement
from stancewatch.settings import Settings

PHASES = {
    1: "backfill, the 2024-2025 archive: who backs Ukraine in NATO, and who holds back",
    2: "live, the December 2025 news (dated the last days): Zelenskyy offers to drop the bid",
    3: "live, the January 2026 news (dated today): the Kachka interview",
}
#: How long before now the newest article of each live phase is dated.
LIVE_PHASES = {2: timedelta(days=1), 3: timedelta(hours=1)}


class DemoError(StancewatchError):
    def __init__(self, what: str) -> None:
        super().__init__(f"demo failed: {what}")


@dataclass
class DemoResult:
    database_url: str
    #: Live changes, one per event (alerted).
    changes: list[dict] = field(default_factory=list)
    #: Backfill changes (history only).
    history: list[dict] = field(default_factory=list)
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


def live_coverage(now: datetime) -> list[CoverageArticle]:
    """The packaged coverage with the live phases moved to the last days before ``now``."""
    coverage = load_coverage()
    shifts = {}
    for phase, before in LIVE_PHASES.items():
        newest = max(a.published for a in coverage if a.phase == phase)
        shifts[phase] = (now - before).replace(microsecond=0) - newest
    return [
        replace(
            a,
            published=a.published + shifts[a.phase],
            modified=a.modified + shifts[a.phase] if a.modified else None,
        )
        if a.phase in shifts
        else a
        for a in coverage
    ]


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
        "also": [],
        "kind": "backfill" if change.backfill else "live",
        "person": session.scalar(
            select(Statement.actor_kind).where(Statement.id == change.statement_id)
        )
        == "person",
        "event": change.event_key or f"change:{change.id}",
        "why": (change.reason or {}).get("text", ""),
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
    demo_settings = settings.replace(database_url=url)
    sessions: sessionmaker[Session] = session_factory(make_engine(url))
    result = DemoResult(url)
    seen: set[int] = set()
    coverage = live_coverage(datetime.now(UTC))
    with DemoSite(phase=1, coverage=coverage) as site, tempfile.TemporaryDirectory() as tmp:
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
                seen.update(c.id for c in fresh)
                for alert in one_per_event([_alert(s, c) for c in fresh]):
                    if alert["kind"] == "live":
                        result.changes.append(alert)
                        say(render_console(alert))
                    else:
                        result.history.append(alert)
                        say(render_history(alert))
            if not fresh:
                say("no stance change in this phase")
            if deliver is not None:
                say(deliver())
        with sessions() as s:
            result.articles = len(s.scalars(select(Article.id)).all())
    sessions.kw["bind"].dispose()
    result.seconds = time.perf_counter() - started
    return result


def one_per_event(alerts: list[dict]) -> list[dict]:
    """One entry per event: changes decided by the same evidence (a person and the country
    they speak for) become one, the person first, the others in ``also``."""
    grouped: dict[str, list[dict]] = {}
    for alert in alerts:
        grouped.setdefault(alert["event"], []).append(alert)
    out = []
    for members in grouped.values():
        lead, *rest = sorted(members, key=lambda a: a["person"] is False)
        out.append({**lead, "also": [a["actor"] for a in rest]})
    return out


def _who(alert: dict) -> str:
    also = alert.get("also") or []
    return f"{alert['actor']} (and {', '.join(also)})" if also else alert["actor"]


def render_history(alert: dict) -> str:
    """A backfill change: one line, for the history (never alerted)."""
    return (
        f"HISTORY  {_who(alert)}: {alert['old']} → {alert['new']} on {alert['changed_at']}"
        f" (backfill: found late, not alerted; {alert['why']})"
    )


def render_console(alert: dict) -> str:
    """The alert as the console shows it (the same facts an email or Slack alert carries)."""
    new, old = alert["evidence"], alert["replaces"]
    return "\n".join([
        f"ALERT  {_who(alert)}: {alert['old']} → {alert['new']} on Ukraine joining NATO",
        f"  now ({new['date']}, {new['outlet']}): “{new['quote']}”",
        f"       {new['url']}",
        f"  before ({old['date']}, {old['outlet']}): “{old['quote']}”",
        f"       {old['url']}",
        f"  backed by {alert['stories']} distinct stor{'y' if alert['stories'] == 1 else 'ies'}",
        f"  why: {alert['why']}",
    ])  # fmt: skip
