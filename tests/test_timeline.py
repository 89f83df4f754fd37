"""Zelenskyy's stance over real coverage, with the real stance engine, on both databases.

Fixture articles come from the seed documents (tests/fixtures/seeds/): 2024 coverage of his
support (a Censor.NET item and a syndicated Reuters story), CNBC's December 2025 report that he
offers to drop the bid (and an aggregator's copy of it), the Kachka interview of January 2026,
and a one-off ambiguous mention afterwards.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from fixtures.stored import add_article, invoke
from sqlalchemy import select

from stancewatch.actors import ActorNames
from stancewatch.analyze.runner import analyze_pending
from stancewatch.db import session_scope
from stancewatch.flow import restance
from stancewatch.history import queries
from stancewatch.models import ActorState, Statement
from stancewatch.stance import engine as engine_module  # noqa: E402

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed(name: str) -> list[str]:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture(scope="module")
def actors():
    from stancewatch.actors import load_actors

    return load_actors(None)


@pytest.fixture(scope="module")
def real_engine(actors):
    return engine_module.StanceEngine(actors)


def censor_item(line_no: int, headline: str) -> tuple[str, str]:
    """One item of the Censor.NET tag page as an article: its headline, then its lead
    (without the photo caption before it and the view/comment counters after it)."""
    line = seed("001")[line_no - 1]
    assert headline in line
    lead = line.split(headline, 1)[1].rsplit(" Previously in trend", 1)[0]
    return headline, re.sub(r"(\s\d+)+$", "", lead).strip()


def seed_timeline(sessions) -> dict[str, int]:
    ids = {}
    title, text = censor_item(
        25, "Zelenskyy: Entire territory of Ukraine should receive invitation to NATO"
    )
    ids["censor"] = add_article(sessions, text, at(2024, 11, 30), title=title, source="censor")
    reuters = [line for line in seed("002") if line and line != "close"]
    ids["reuters"] = add_article(
        sessions, "\n".join(reuters[1:]), at(2024, 12, 22, 15), title=reuters[0], source="scraper"
    )
    ids["reuters_copy"] = add_article(
        sessions,
        "\n".join(reuters[2:] + ["Source: Reuters"]),
        at(2024, 12, 22, 19),
        title=reuters[0],
        source="aggregator",
        copy_of=ids["reuters"],
    )
    cnbc = seed("004")
    ids["cnbc"] = add_article(
        sessions, "\n".join(cnbc[1:]), at(2025, 12, 15), title=cnbc[0], source="cnbc"
    )
    ids["cnbc_copy"] = add_article(
        sessions,
        "\n".join(cnbc[3:-1]),
        at(2025, 12, 15, 14),
        title=cnbc[0],
        source="aggregator",
        copy_of=ids["cnbc"],
    )
    kachka = seed("000")
    ids["kachka"] = add_article(
        sessions,
        "\n".join(kachka[1:]),
        at(2026, 1, 6, 12),
        title="Kachka: no one renounces the course to NATO enshrined in the Constitution",
        source="fakty",
    )
    title, text = censor_item(
        27, "Zelenskyy will call Biden soon: they will talk about invitation to NATO"
    )
    ids["ambiguous"] = add_article(sessions, text, at(2026, 1, 12), title=title, source="censor")
    return ids


def zelenskyy_changes(session, name):
    return queries.change_rows(session, actor=name)


def test_zelenskyy_changes_once_support_to_oppose(sessions, settings, real_engine, actors):
    ids = seed_timeline(sessions)
    analyze_pending(settings, sessions, real_engine)
    with session_scope(sessions) as s:
        name = queries.resolve_actor(s, "Zelenskyy", ActorNames(actors))
        history = queries.history(s, name)
        changes = zelenskyy_changes(s, name)
        state = s.get(ActorState, name)
        by_id = {st.id: st.article_id for st in s.scalars(select(Statement))}
    detail = json.dumps(history, indent=1, ensure_ascii=False)
    assert [(c["old_stance"], c["new_stance"]) for c in changes] == [("support", "oppose")], detail
    [change] = changes
    assert change["changed_at"].startswith("2025-12-15")
    assert change["evidence"] and change["previous_evidence"]
    with session_scope(sessions) as s:
        from stancewatch.models import StanceChange

        row = s.get(StanceChange, change["id"])
        assert by_id[row.statement_id] in {ids["cnbc"], ids["cnbc_copy"]}
        assert by_id[row.previous_statement_id] in {
            ids["censor"],
            ids["reuters"],
            ids["reuters_copy"],
        }
        assert row.stories == 1  # the CNBC story and its aggregator copy are one story
    # Neither the Kachka interview nor the ambiguous mention flips him back.
    assert state is not None and state.stance == "oppose"
    # Replaying everything gives the same change, same row.
    restance(settings, sessions, real_engine)
    with session_scope(sessions) as s:
        assert zelenskyy_changes(s, name) == changes


def test_copies_of_one_story_count_once(sessions, settings, real_engine, actors):
    """With no single statement strong enough, CNBC plus its copy is one story: no change;
    a second, distinct story within the window makes the change, from two stories."""
    seed_timeline(sessions)
    weak_only = settings.replace(change_confidence=1.01)
    analyze_pending(weak_only, sessions, real_engine)
    with session_scope(sessions) as s:
        name = queries.resolve_actor(s, "Zelenskyy", ActorNames(actors))
        assert zelenskyy_changes(s, name) == []
    add_article(
        sessions,
        "Ukrainian President Volodymyr Zelenskyy said Ukraine is willing to give up its bid to "
        "join NATO in exchange for security guarantees from the United States and Europe.",
        at(2025, 12, 16),
        title="Zelenskyy ready to give up NATO bid for security guarantees",
        source="wire",
    )
    analyze_pending(weak_only, sessions, real_engine)
    with session_scope(sessions) as s:
        [change] = zelenskyy_changes(s, name)
        assert (change["old_stance"], change["new_stance"], change["stories"]) == (
            "support",
            "oppose",
            2,
        )


def test_cli_analyze_and_history_by_alias(sessions, runner, db_url):
    seed_timeline(sessions)
    result = invoke(runner, db_url, "analyze", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles"] == 7 and summary["changes_new"] >= 1
    result = invoke(runner, db_url, "history", "Zelensky", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"support", "oppose"} <= {r["stance"] for r in rows}
    assert all(r["url"].startswith("https://") and r["outlet"] for r in rows)
    result = invoke(
        runner,
        db_url,
        "changes",
        "--since",
        "2025-12-01",
        "--until",
        "2025-12-31",
        "--format",
        "json",
    )
    assert any(c["new_stance"] == "oppose" for c in json.loads(result.output))


def test_history_and_changes_resolve_a_cyrillic_alias_and_suggest_on_a_typo(
    sessions, runner, db_url
):
    seed_timeline(sessions)
    assert invoke(runner, db_url, "analyze").exit_code == 0
    latin = invoke(runner, db_url, "history", "Zelenskyy", "--format", "json")
    cyrillic = invoke(runner, db_url, "history", "Зеленський", "--format", "json")
    assert latin.exit_code == cyrillic.exit_code == 0, cyrillic.output
    assert json.loads(latin.output) and json.loads(cyrillic.output) == json.loads(latin.output)
    typo = invoke(runner, db_url, "history", "Zelenskiyy")
    assert typo.exit_code == 2
    assert typo.output.strip() == (
        "Error: unknown actor: Zelenskiyy (did you mean Volodymyr Zelenskyy?)"
    )


# --- the chart of a dense day, as a browser lays it out ---------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE_BROWSER = os.environ.get("STANCEWATCH_REQUIRE_BROWSER") == "1"
#: Appended to the served actor page: the browser measures every point against the chart and
#: writes what it found into the DOM, which ``--dump-dom`` prints.
MEASURE = """<script>
const chart = document.querySelector("svg.timeline");
const box = chart.getBoundingClientRect();
const line = chart.querySelector("line").getBoundingClientRect().top;
const points = [...chart.querySelectorAll("circle.point")].map((c) => {
  const r = c.getBoundingClientRect();
  return {stance: c.classList[1], left: r.left - box.left, right: r.right - box.left,
          top: r.top - box.top, bottom: r.bottom - box.top, middle: (r.top + r.bottom) / 2 - line};
});
const counts = [...chart.querySelectorAll("text.count")].map((t) => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, inside: r.left >= box.left && r.right <= box.right};
});
document.body.dataset.measured = JSON.stringify({width: box.width, height: box.height, points, counts,
  viewport: window.innerWidth, page: document.documentElement.scrollWidth});
</script>"""


def dense_history(sessions) -> str:
    """Olaf Scholz: 30 supporting statements on one day, 12 opposing on another, 6 neutral."""
    days = {"support": (at(2025, 6, 10), 30), "oppose": (at(2025, 3, 3), 12)}
    days["neutral"] = (at(2025, 8, 20), 6)
    for stance, (day, count) in days.items():
        for i in range(count):
            text = f"Olaf Scholz said item {i} about {stance} and NATO."
            art = add_article(
                sessions, text, day + timedelta(minutes=13 * i), title=f"{stance} {i}"
            )
            with session_scope(sessions) as s:
                s.add(
                    Statement(
                        article_id=art, actor="Olaf Scholz", actor_kind="person", stance=stance,
                        confidence=0.9, evidence=text, span_start=0, span_end=len(text), cue="test",
                    )
                )  # fmt: skip
    return "Olaf Scholz"


@pytest.fixture
def chart_server(sqlite_url):
    """The web app's actor pages served on localhost with :data:`MEASURE` appended."""
    from fastapi.testclient import TestClient

    from stancewatch.db import make_engine
    from stancewatch.demo.server import LocalServer, Response
    from stancewatch.web import create_app

    engine = make_engine(sqlite_url)
    client = TestClient(create_app(engine))
    lock = threading.Lock()

    def respond(request):  # type: ignore[no-untyped-def]
        with lock:  # one request at a time through the app's test client
            page = client.get(request.target or request.path)
        body = page.text.replace("</body>", MEASURE + "</body>")
        return Response(page.status_code, body.encode(), {"Content-Type": "text/html"})

    with LocalServer(respond) as server:
        yield server
    engine.dispose()


def measured(tmp_path, url: str, width: int) -> dict:
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},900", "--dump-dom", url,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'data-measured="([^"]*)"', done.stdout)
    assert found, done.stdout[-2000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.skipif(not CHROMIUM and not REQUIRE_BROWSER, reason="chromium is not installed")
@pytest.mark.parametrize("width", [500, 1280])  # a phone's layout, a laptop
def test_a_dense_day_stays_inside_the_chart_and_its_band(sqlite_url, chart_server, tmp_path, width):
    assert CHROMIUM, "STANCEWATCH_REQUIRE_BROWSER=1 but chromium is not installed"
    from stancewatch.db import make_engine, session_factory

    engine = make_engine(sqlite_url)
    actor = dense_history(session_factory(engine))
    engine.dispose()
    got = measured(tmp_path, chart_server.url("/actors/" + quote(actor)), width)
    # Neither the chart nor the page is wider than the window (500 px: headless Chromium's
    # narrowest, the phone layout's media query applies).
    assert got["width"] <= got["viewport"] and got["page"] <= got["viewport"], got
    assert got["height"] > 0
    points = got["points"]
    assert len(points) == 48
    outside = [
        p for p in points
        if p["left"] < -0.5 or p["top"] < -0.5
        or p["right"] > got["width"] + 0.5 or p["bottom"] > got["height"] + 0.5
    ]  # fmt: skip
    assert outside == [], outside
    # Each stance keeps to its side of the line: support above, oppose below.
    assert all(p["middle"] < 0 for p in points if p["stance"] == "support")
    assert all(p["middle"] > 0 for p in points if p["stance"] == "oppose")
    # The dense stacks say how many points they hold, readable inside the chart.
    assert {"30", "12", "6"} <= {c["text"] for c in got["counts"]}
    assert all(c["inside"] for c in got["counts"])


def test_backfill_and_live_changes_are_drawn_apart():
    from stancewatch.history.queries import RecordedChange, TimelineEntry
    from stancewatch.web.render import timeline_svg

    point = TimelineEntry(1, "A", "support", 0.9, "q", "cue", 1, "t", "u", "o", at(2025, 1, 1))

    def change(i: int, backfill: bool) -> RecordedChange:
        return RecordedChange(
            i, "A", "support", "oppose", at(2025, 1, 1 + i), 1, "e", "p", None, None, None,
            backfill=backfill,
        )  # fmt: skip

    svg = str(timeline_svg([point], [change(1, False), change(2, True)]))
    assert svg.count('<line class="change"') == 1 and svg.count('class="change backfill"') == 1
    live, backfill = re.findall(r'<line class="change[^>]*>', svg)
    assert 'stroke-dasharray="4 3"' in live and 'stroke-dasharray="1 3"' in backfill
    assert "(backfill)" in svg and "(live)" in svg  # the hover text says which
