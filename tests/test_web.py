"""The web page and JSON API over a history filled by a real crawl of the demo site (the
spider, pipelines and stance engine over the seed coverage), on SQLite and PostgreSQL.

Expected values are read from the database with plain SQL, never taken from the fixture.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from subprocess import Popen
from urllib.parse import quote

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from stancewatch.db import make_engine
from stancewatch.web import create_app


@pytest.fixture
def db_url(crawled_url: str) -> str:
    """Every test here reads a private copy of the crawled history."""
    return crawled_url


@pytest.fixture
def client(engine) -> TestClient:
    return TestClient(create_app(engine), raise_server_exceptions=False)


def rows(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def test_api_actors_give_every_actor_with_its_state_and_newest_evidence(client, engine):
    got = {a["actor"]: a for a in client.get("/api/actors").json()}
    actors = {r[0] for r in rows(engine, "select distinct actor from statements")}
    assert set(got) == actors
    for actor, stance, since in rows(engine, "select actor, stance, since from actor_states"):
        assert got[actor]["stance"] == stance
        assert got[actor]["since"][:10] == str(since)[:10]
    for actor, summary in got.items():
        newest = rows(
            engine,
            "select max(coalesce(a.published_at, a.fetched_at)) from statements s "
            "join articles a on a.id = s.article_id where s.actor = :actor",
            actor=actor,
        )[0][0]
        assert summary["last"]["published_at"][:10] == str(newest)[:10]
        assert (
            summary["statements"]
            == rows(engine, "select count(*) from statements where actor = :actor", actor=actor)[0][
                0
            ]
        )


def test_api_statements_of_an_actor_in_date_order_with_links(client, engine):
    actor = rows(engine, "select actor from statements group by actor order by count(*) desc")[0][0]
    got = client.get(f"/api/actors/{quote(actor.upper())}/statements").json()
    assert (
        len(got) == rows(engine, "select count(*) from statements where actor = :a", a=actor)[0][0]
    )
    assert [s["published_at"] for s in got] == sorted(s["published_at"] for s in got)
    urls = {r[0] for r in rows(engine, "select canonical_url from articles")}
    for s in got:  # links to the crawled articles (the demo site serves them locally)
        assert s["actor"] == actor and s["url"] in urls and s["outlet"]


def test_unknown_actor_is_a_json_404_and_a_404_page(client):
    r = client.get("/api/actors/Nobody%20Atall/statements")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown actor: Nobody Atall", "suggestions": []}
    page = client.get("/actors/Nobody%20Atall")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Nobody Atall" in html.unescape(page.text)
    assert client.get("/actors/Nobody%20Atall/changes.atom").status_code == 404


ZELENSKYY = "Volodymyr Zelenskyy"


@pytest.mark.parametrize("alias", ["Zelenskyy", "zelensky", "Зеленський", ZELENSKYY.upper()])
def test_an_alias_resolves_on_the_page_the_api_and_the_feed(client, engine, alias):
    """The resolver of ``history`` and ``export``: an alias, Latin or Cyrillic, any case."""
    expected = rows(engine, "select count(*) from statements where actor = :a", a=ZELENSKYY)[0][0]
    got = client.get(f"/api/actors/{quote(alias)}/statements")
    assert got.status_code == 200, got.text
    assert expected > 0 and len(got.json()) == expected
    assert {s["actor"] for s in got.json()} == {ZELENSKYY}
    page = client.get(f"/actors/{quote(alias)}")
    assert page.status_code == 200 and f"<h1>{ZELENSKYY}</h1>" in page.text
    feed = client.get(f"/actors/{quote(alias)}/changes.atom")
    assert feed.status_code == 200 and ZELENSKYY in feed.text


def test_a_misspelt_actor_suggests_the_closest_ones(client):
    r = client.get("/api/actors/Zelenskiyy/statements")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown actor: Zelenskiyy", "suggestions": [ZELENSKYY]}
    page = client.get("/actors/Zelenskiyy")
    assert page.status_code == 404
    assert re.findall(r'<a class="suggestion" href="([^"]+)">([^<]+)</a>', page.text) == [
        (f"/actors/{quote(ZELENSKYY)}", ZELENSKYY)
    ]


def _valid_atom(response) -> feedparser.FeedParserDict:
    """``response`` parsed by feedparser as well-formed Atom 1.0 with the required elements."""
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated_parsed and feed.feed.author
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated_parsed and entry.link
    return feed


def test_atom_feeds_of_all_changes_and_of_one_actor(client, engine):
    feed = _valid_atom(client.get("/changes.atom"))
    expected = rows(
        engine,
        "select id, actor, old_stance, new_stance from stance_changes "
        "where retracted_at is null order by changed_at desc, id desc limit 50",
    )
    assert expected
    assert [e.id for e in feed.entries] == [f"urn:stancewatch:change:{r[0]}" for r in expected]
    for entry, (_, actor, old, new) in zip(feed.entries, expected, strict=True):
        assert entry.title.startswith(f"{actor}: {old} → {new}")
        assert entry.link.startswith("http://testserver/")
    assert {link.rel: link.href for link in feed.feed.links}["self"] == (
        "http://testserver/changes.atom"
    )
    actor = expected[0][1]
    mine = _valid_atom(client.get(f"/actors/{quote(actor)}/changes.atom"))
    assert [e.id for e in mine.entries] == [
        f"urn:stancewatch:change:{r[0]}" for r in expected if r[1] == actor
    ]


def test_pages_link_their_atom_feeds(client, engine):
    actor = rows(engine, "select actor from stance_changes order by id")[0][0]
    alternate = r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"'
    for path, feeds in [
        ("/", ["/changes.atom"]),
        ("/changes", ["/changes.atom"]),
        (f"/actors/{quote(actor)}", ["/changes.atom", f"/actors/{quote(actor)}/changes.atom"]),
    ]:
        found = re.findall(alternate, client.get(path).text)
        assert found == feeds, path
        for href in found:
            _valid_atom(client.get(href))


def test_api_changes_newest_first_without_retracted_ones(client, engine):
    ids = [
        r[0]
        for r in rows(engine, "select id from stance_changes order by changed_at desc, id desc")
    ]
    assert len(ids) >= 2
    assert [c["id"] for c in client.get("/api/changes").json()] == ids
    with engine.begin() as conn:
        conn.execute(
            text("update stance_changes set retracted_at = :now where id = :id"),
            {"now": datetime.now(UTC), "id": ids[0]},
        )
    assert [c["id"] for c in client.get("/api/changes").json()] == ids[1:]
    one = client.get("/api/changes", params={"limit": 1}).json()
    assert [c["id"] for c in one] == ids[1:2]


def test_api_changes_carry_the_crawled_flip_with_both_quotes(client, engine):
    """The demo coverage has Zelenskyy backing membership, then offering to drop the bid."""
    [flip] = [c for c in client.get("/api/changes").json() if c["actor"] == "Volodymyr Zelenskyy"]
    assert (flip["old_stance"], flip["new_stance"]) == ("support", "oppose")
    assert "drop" in flip["evidence"].lower() and "nato" in flip["previous_evidence"].lower()
    article = rows(engine, "select title, text from articles where id = :i", i=flip["article_id"])
    assert flip["evidence"] in article[0][0] + "\n\n" + article[0][1]
    assert flip["url"] and flip["outlet"]


def test_api_article_search_finds_every_word(client, engine):
    hits = client.get("/api/articles", params={"q": "sybiha NATO", "limit": 100}).json()
    expected = {
        article_id
        for article_id, title, body in rows(engine, "select id, title, text from articles")
        if all(re.search(rf"\b{w}", (title + " " + body).casefold()) for w in ("sybiha", "nato"))
    }  # each word as a word or the start of one, any case
    assert expected and {h["id"] for h in hits} == expected
    assert client.get("/api/articles").status_code == 400  # q is required
    assert client.get("/api/articles", params={"q": "%%"}).json() == []


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/actors", "/api/actors/{name}/statements", "/api/changes", "/api/articles"):
        assert path in spec["paths"], path
    assert "ActorSummary" in spec["components"]["schemas"]


def test_overview_lists_every_actor_with_its_stance(client, engine):
    page = html.unescape(client.get("/").text)
    for actor, stance in rows(engine, "select actor, stance from actor_states"):
        assert re.search(rf">{re.escape(actor)}</a>.*?{stance}</span>", page, re.S), actor


def test_actor_page_has_one_point_per_statement_and_its_changes(client, engine):
    actor = rows(engine, "select actor from stance_changes order by id")[0][0]
    page = client.get(f"/actors/{quote(actor)}").text
    count = rows(engine, "select count(*) from statements where actor = :a", a=actor)[0][0]
    assert page.count("<circle") == count
    changes = rows(engine, "select count(*) from stance_changes where actor = :a", a=actor)[0][0]
    assert page.count('<line class="change') == changes
    assert page.count("<title>") >= count + 1  # hover text on every point


def test_article_page_marks_every_evidence_span(client, engine):
    article_id = rows(
        engine, "select article_id from statements group by article_id order by count(*) desc"
    )[0][0]
    page = html.unescape(client.get(f"/articles/{article_id}").text)
    marked = re.findall(r'<mark class="\w+">(.*?)</mark>', page, re.S)
    for (evidence,) in rows(
        engine, "select distinct evidence from statements where article_id = :a", a=article_id
    ):
        assert any(evidence in m for m in marked), evidence
    assert client.get("/articles/999999").status_code == 404


def test_search_and_changes_pages(client, engine):
    title = rows(engine, "select title from articles where lower(title) like '%zelensk%'")[0][0]
    assert html.escape(title, quote=False) in client.get("/search", params={"q": "zelensk"}).text
    page = client.get("/changes").text
    assert (
        page.count('<tr class="change">')
        == rows(engine, "select count(*) from stance_changes")[0][0]
    )


def test_error_page_shows_no_secret(db_url):
    """A failing query gives a plain 500 page: no traceback, no database URL or password."""
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(password="hunter2-secret")  # trust auth ignores it; it must never show
    engine = make_engine(url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        conn.execute(text("drop table outbox"))
        conn.execute(text("drop table stance_change_statements"))
        conn.execute(text("drop table stance_changes"))
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    for path in ("/changes", "/api/changes"):
        r = client.get(path)
        assert r.status_code == 500
        for secret in ("hunter2", "Traceback", "stance_changes", str(url.database)):
            assert secret not in r.text, (path, secret)
    engine.dispose()


def test_session_factory_is_read_only_per_request(client, engine):
    """Pages leave the database as they found it (the web never writes)."""
    before = rows(engine, "select count(*) from statements")[0][0]
    for path in ("/", "/changes", "/api/actors", "/search?q=nato"):
        assert client.get(path).status_code == 200
    assert rows(engine, "select count(*) from statements")[0][0] == before


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE_BROWSER = os.environ.get("STANCEWATCH_REQUIRE_BROWSER") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_url(crawled_sqlite, tmp_path) -> str:
    copy = tmp_path / "served.db"
    shutil.copyfile(crawled_sqlite, copy)
    return f"sqlite:///{copy}"


@contextlib.contextmanager
def serve(url: str, log: Path, port: int | None = None, **env: str) -> Iterator[tuple[str, Popen]]:
    """``stancewatch web`` in a subprocess on a free port over ``url``; ``env`` adds
    ``STANCEWATCH_*`` settings. Yields the base URL and the process (stopped afterwards)."""
    port = port or _free_port()
    cmd = [sys.executable, "-m", "stancewatch", "--database-url", url, "web", "--port", str(port)]
    environ = {**os.environ, **{f"STANCEWATCH_{k.upper()}": v for k, v in env.items()}}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("w"), env=environ)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/api/changes", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("stancewatch web did not start: " + log.read_text())
            time.sleep(0.2)
    try:
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def served(served_url, tmp_path):
    """``stancewatch web`` in a subprocess on a free port, over the crawled SQLite history."""
    with serve(served_url, tmp_path / "web.log") as (base, proc):
        yield base
        proc.terminate()
        proc.wait(10)


def _chromium(tmp_path, *args: str) -> str:
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
        *args,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(not CHROMIUM and not REQUIRE_BROWSER, reason="chromium is not installed")
def test_browser_shows_actors_and_a_timeline_with_points(served, served_url, tmp_path):
    assert CHROMIUM, "STANCEWATCH_REQUIRE_BROWSER=1 but chromium is not installed"
    engine = make_engine(served_url)
    actors = [r[0] for r in rows(engine, "select distinct actor from statements")]
    actor, count = rows(
        engine, "select actor, count(*) from statements group by actor order by count(*) desc"
    )[0]
    engine.dispose()
    overview = html.unescape(_chromium(tmp_path, "--dump-dom", served + "/"))
    assert all(f">{a}</a>" in overview for a in actors)
    page = _chromium(tmp_path, "--dump-dom", f"{served}/actors/{quote(actor)}")
    assert len(re.findall(r"<circle[^>]*class=\"point", page)) == count
    shot = tmp_path / "actor.png"
    _chromium(tmp_path, f"--screenshot={shot}", f"{served}/actors/{quote(actor)}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_change_pages_and_api_say_live_or_backfill_and_why(client, engine):
    changes = rows(
        engine,
        "select id, actor, backfill, event_key from stance_changes where retracted_at is null"
        " and blocked = :no order by id",
        no=False,
    )
    live = client.get("/api/changes", params={"backfill": "false"}).json()
    backfill = client.get("/api/changes", params={"backfill": "true"}).json()
    assert sorted(c["id"] for c in live) == [i for i, _, b, _ in changes if not b]
    assert sorted(c["id"] for c in backfill) == [i for i, _, b, _ in changes if b]
    for change in live + backfill:
        assert change["kind"] == ("backfill" if change["backfill"] else "live")
        assert change["reason"]["text"] and change["reason"]["stories"]
    person = next(c for c in changes if c[1] == "Volodymyr Zelenskyy")
    others = [a for _, a, _, key in changes if key == person[3] and a != person[1]]
    page = client.get(f"/changes/{person[0]}")
    assert page.status_code == 200
    body = page.text
    assert "Why it was allowed" in body and "Pending against" in body
    assert client.get(f"/api/changes/{person[0]}").json()["reason"]["text"] in body
    for other in others:  # the country he speaks for, changed by the same sentence
        assert f">{other}</a>" in body
    assert client.get("/changes/999999").status_code == 404
    assert client.get("/api/changes/999999").status_code == 404
    listing = client.get("/changes").text
    assert f'href="/changes/{person[0]}"' in listing


def test_overview_and_actor_page_show_evidence_building_up(client, engine):
    pending = [
        (actor, json.loads(p) if isinstance(p, str) else p)
        for actor, p in rows(engine, "select actor, pending from actor_states")
        if p is not None and p != "null"
    ]
    assert pending, "the demo leaves evidence building up against some stance"
    overview = client.get("/").text
    for actor, p in pending:
        words = f"{p['stance']}: {p['stories']} of {p['needed']} stories in {p['window_days']} days"
        assert words in overview, (actor, words)
        assert words in client.get(f"/actors/{actor}").text


# --- hostile input: a 400 with a message, never a 500 -----------------------------------------

FORTY_WORDS = " ".join(f"w{i}" for i in range(40))
NUL = "must not contain a NUL character"
ID_BOUND = "article_id: Input should be less than or equal to 2147483647"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/search?q=nato%00", f"q: {NUL}"),
        ("/api/articles?q=%00", f"q: {NUL}"),
        ("/actors/Zelenskyy%00", f"name: {NUL}"),
        ("/api/actors/a%00b/statements", f"name: {NUL}"),
        ("/api/changes?actor=a%00", f"actor: {NUL}"),
        (f"/api/articles/{2**31}", ID_BOUND),
        (f"/articles/{2**63}", ID_BOUND),
        (f"/api/articles/{10**30}", ID_BOUND),
        ("/articles/0", "article_id: Input should be greater than or equal to 1"),
        (f"/api/changes/{2**31}", "change_id: Input should be less than or equal to 2147483647"),
        (f"/changes/{2**63}", "change_id: Input should be less than or equal to 2147483647"),
        ("/api/articles?q=" + quote(FORTY_WORDS), "search: at most 32 words, got 40"),
        ("/search?q=" + quote(FORTY_WORDS), "search: at most 32 words, got 40"),
        ("/api/changes?actor=" + "x" * 1001, "actor: at most 1000 characters, got 1001"),
        ("/api/changes?limit=100000", "limit: Input should be less than or equal to 1000"),
    ],
)
def test_hostile_parameters_are_a_400_with_a_message(client, path, message):
    """PostgreSQL refuses NUL in text and ids past 2^31, SQLite ids past 2^63 and searches of
    about 500 words: each was a 500; now the request is refused before any query runs."""
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code, r.text[:200])
    if path.startswith("/api/"):
        assert r.json() == {"detail": message}
    else:
        assert "text/html" in r.headers["content-type"]
        assert f"<p>{message}</p>" in html.unescape(r.text)


def test_thirty_two_words_are_still_searched(client, engine):
    words = ["nato"] * 32
    hits = client.get("/api/articles", params={"q": " ".join(words), "limit": 200}).json()
    expected = {
        article_id
        for article_id, title, body in rows(engine, "select id, title, text from articles")
        if re.search(r"\bnato", (title + " " + body).casefold())
    }  # the word, or the start of one, any case
    assert expected and {h["id"] for h in hits} == expected


def test_cli_search_of_a_thousand_words_is_one_line(runner, db_url):
    from fixtures.stored import invoke

    words = " ".join(f"w{i}" for i in range(1000))
    result = invoke(runner, db_url, "search", words)
    assert result.exit_code == 2, result.output
    assert result.output == "Error: search: at most 32 words, got 1000\n"


# --- crawled URLs never become script links; security headers ---------------------------------


@pytest.mark.parametrize(
    "stored",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " \tjavascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
    ],
)
def test_a_stored_script_url_never_renders_as_a_link(client, engine, stored):
    article_id, actor = rows(engine, "select article_id, actor from statements order by id")[0]
    with engine.begin() as conn:
        conn.execute(
            text("update articles set canonical_url = :u where id = :i"),
            {"u": stored, "i": article_id},
        )
    for path in (f"/articles/{article_id}", f"/actors/{quote(actor)}"):
        page = client.get(path)
        assert page.status_code == 200, path
        hrefs = re.findall(r'href="([^"]*)"', page.text)
        assert hrefs and all(re.match(r"/(?!/)|https?://", h) for h in hrefs), (path, hrefs)
    outlets = rows(engine, "select s.name from articles a join sources s on s.id = a.source_id "
                   "where a.id = :i", i=article_id)  # fmt: skip
    page = html.unescape(client.get(f"/actors/{quote(actor)}").text)
    assert f"<td>{outlets[0][0]}</td>" in page  # the outlet is still named, as plain text


def test_http_urls_stay_links(client, engine):
    article_id, url = rows(engine, "select id, canonical_url from articles order by id")[0]
    assert url.startswith("http")
    page = client.get(f"/articles/{article_id}").text
    assert f'<a href="{html.escape(url)}" rel="noopener noreferrer">original</a>' in page


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_security_headers(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["content-security-policy"].split(";")
    }
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy  # no script
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]


def test_every_response_carries_the_security_headers(client, engine):
    for path in ("/", "/changes", "/api/actors", "/openapi.json", "/articles/999999",
                 "/api/articles?q=%00", "/no/such/page"):  # fmt: skip
        assert_security_headers(client.get(path))
    with engine.begin() as conn:
        conn.execute(text("drop table outbox"))
        conn.execute(text("drop table stance_change_statements"))
        conn.execute(text("drop table stance_changes"))
    failed = client.get("/changes")
    assert failed.status_code == 500
    assert_security_headers(failed)


# --- under load: a quick 503 instead of a hang; SIGTERM stops the server ------------------------


@contextlib.contextmanager
def articles_locked(url: str) -> Iterator[None]:
    """Another client holds a lock that blocks every read of ``articles`` until released
    (PostgreSQL: a WAL-mode SQLite file cannot be locked against readers that are connected)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read().decode()


@pytest.mark.postgres
def test_a_blocked_database_gives_a_quick_503_and_sigterm_stops_the_server(pg_url, tmp_path):
    """Requests beyond the connections, or stuck on a lock, are answered 503 with Retry-After
    after ``web_db_wait``; SIGTERM ends the server while requests are still waiting. (Before:
    every request hung on the pool or the lock, and SIGTERM waited for them for minutes.)
    PostgreSQL only: SQLite in WAL mode has no lock that keeps connected readers out
    (``bench/web_load.py`` measures SQLite under load)."""
    from concurrent.futures import ThreadPoolExecutor

    db_url = pg_url
    settings = {"web_db_connections": "2", "web_db_wait": "1", "web_shutdown_seconds": "1"}
    with serve(db_url, tmp_path / "web.log", **settings) as (base, proc):
        with articles_locked(db_url), ThreadPoolExecutor(12) as pool:
            waiting = [pool.submit(_get, f"{base}/api/articles?q=w{i}") for i in range(12)]
            answers = [w.result(timeout=30) for w in waiting]
            assert {status for status, _, _ in answers} == {503}, answers
            status, headers, body = answers[0]
            assert headers["retry-after"] == "2"
            assert body == '{"detail":"The page is busy; try again in a moment."}'
            more = [pool.submit(_get, f"{base}/articles/{i}") for i in range(1, 13)]
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail("stancewatch web did not stop within 15 s of SIGTERM")
            assert proc.returncode == 0, (tmp_path / "web.log").read_text()
            for m in more:
                with contextlib.suppress(OSError):
                    m.result(timeout=30)
    assert "Traceback" not in (tmp_path / "web.log").read_text()


def test_web_on_a_port_in_use_is_one_line_and_exit_4(served_url, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "stancewatch", "--database-url", served_url, "web",
             "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert done.stderr == f"Error: cannot listen on 127.0.0.1:{port}: the port is in use\n"
    assert done.stdout == ""
