"""The deliver stage against real receivers: an aiosmtpd SMTP server and a local HTTP endpoint
standing in for Slack's webhook, on both databases.

Time is passed to ``deliver_pending(now=...)`` to step over backoff delays and leases instead
of sleeping; the backoff itself is tiny through Settings.
"""

from __future__ import annotations

import asyncio
import email
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from apprise.plugins.slack import NotifySlack
from sqlalchemy import select

from stancewatch.cli import cli
from stancewatch.db import make_engine, session_factory, session_scope
from stancewatch.deliver import deliver_pending, load_targets, outbox
from stancewatch.deliver.runner import _batches, _load_rows
from stancewatch.deliver.send import send
from stancewatch.deliver.targets import Timeouts
from stancewatch.demo.server import LocalServer, Request, Response
from stancewatch.errors import NotifyTargetError
from stancewatch.models import Article, OutboxMessage, Source, StanceChange, Statement
from stancewatch.settings import Settings

SMTP_PASSWORD = "pw-Sm7pSecret"
SLACK_TOKENS = ("T0SECRET1", "B0SECRET2", "XXSECRET3xyz")
SECRETS = (SMTP_PASSWORD, *SLACK_TOKENS)
SLACK_URL = "slack://" + "/".join(SLACK_TOKENS)
PUBLIC = "https://watch.example.org"
T0 = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
TIMEOUTS = Timeouts(send=10.0, connect=5.0)
REPO = str(Path(__file__).resolve().parents[1])


# --- receivers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd server that requires the login in the target URL; start/stop at will."""

    def __init__(self) -> None:
        self.port = free_port()
        #: Seconds before each message is accepted (a slow mail server).
        self.delay = 0.0
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[bool] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def _auth(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"watch" and auth_data.password == SMTP_PASSWORD.encode()
        self.logins.append(ok)
        return AuthResult(success=ok)

    def url(self) -> str:
        return (
            f"mailto://watch:{SMTP_PASSWORD}@127.0.0.1:{self.port}"
            "?to=desk@example.org&from=alerts@example.org"
        )

    def start(self) -> None:
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, authenticator=self._auth,
            auth_require_tls=False, auth_required=False,
        )  # fmt: skip
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SlackHook:
    """A local HTTP server standing in for hooks.slack.com; answers from ``statuses``."""

    def __init__(self, delay: float = 0.0) -> None:
        self.statuses: list[int] = []
        self.requests: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        self.delay = delay
        self.server = LocalServer(self.post, name="slack").start()

    def post(self, request: Request) -> Response:
        payload = json.loads(request.body)
        threading.Event().wait(self.delay)
        with self.lock:
            status = self.statuses.pop(0) if self.statuses else 200
            self.requests.append((status, payload))
        return Response(status, b"ok" if status == 200 else b"error")

    @property
    def accepted(self) -> list[dict]:
        return [payload for status, payload in self.requests if status == 200]


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def slack(monkeypatch):
    hook = SlackHook()
    monkeypatch.setattr(NotifySlack, "webhook_url", hook.server.url("/services"))
    yield hook
    hook.server.stop()


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def make_settings(db_url: str, *urls: str, **extra) -> Settings:
    values = dict(
        database_url=db_url, notify_urls=urls, deliver_backoff_seconds=0.01,
        deliver_max_attempts=4, deliver_lease_seconds=60, public_url=PUBLIC,
    )  # fmt: skip
    return Settings(**{**values, **extra})


# --- stance changes as the analyze stage records them ------------------------------------


def seed_change(sessions, actor="Zelenskyy", old="support", new="oppose", n=0, **change):
    """Two articles, their statements, and the StanceChange between them; returns its id."""
    with session_scope(sessions) as s:
        source = s.scalar(select(Source).where(Source.name == "censor")) or Source(
            name="censor", kind="listing"
        )

        def statement(which: str, stance: str, day: int, quote: str) -> Statement:
            url = f"https://censor.net/en/news/{actor.lower()}-{which}-{n}"
            article = Article(
                source=source, url=url, canonical_url=url, title=f"{actor} on NATO ({which})",
                text="A long article body that must never be forwarded. " * 20,
                published_at=datetime(2025, 2, day, 9, tzinfo=UTC), content_hash=f"{url}#h",
            )  # fmt: skip
            return Statement(
                article=article, actor=actor, actor_kind="person", stance=stance,
                confidence=0.9, evidence=quote, span_start=0, span_end=len(quote), cue="test",
            )  # fmt: skip

        before = statement("old", old, 1, f"{actor} says Ukraine's place is in NATO {n}")
        after = statement("new", new, 20 + n % 5, f"{actor} says membership is off the table {n}")
        row = StanceChange(
            actor=actor, old_stance=old, new_stance=new,
            changed_at=after.article.published_at + timedelta(minutes=n),
            statement=after, previous_statement=before, stories=2,
            evidence=after.evidence, previous_evidence=before.evidence, **change,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def rows(sessions) -> list[OutboxMessage]:
    with session_scope(sessions) as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def deliver(settings, sessions, now=T0, **kwargs):
    return deliver_pending(settings, sessions, now=now, **kwargs)


# --- the messages ------------------------------------------------------------------------


def test_a_change_becomes_one_email_with_both_quotes_and_links(db_url, sessions, mailbox):
    seed_change(sessions)
    summary = deliver(make_settings(db_url, mailbox.url()), sessions)
    assert (summary.sent, summary.failed, summary.pending, summary.held) == (1, 0, 0, 0)
    [mail] = mailbox.messages
    assert mailbox.logins == [True]  # apprise logged in with the URL's password
    assert mail["Subject"] == "Zelenskyy: support → oppose on Ukraine joining NATO"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        for fact in (
            "Zelenskyy", "support", "oppose",
            "Zelenskyy says Ukraine's place is in NATO 0" if part is text
            else "Zelenskyy says Ukraine&#39;s place is in NATO 0",
            "Zelenskyy says membership is off the table 0",
            "https://censor.net/en/news/zelenskyy-new-0", "https://censor.net/en/news/zelenskyy-old-0",
            "censor.net", "2025-02-20", "2025-02-01", "2 distinct stories",
            f"{PUBLIC}/actors/Zelenskyy",
        ):  # fmt: skip
            assert fact in part, (fact, part)
        assert "must never be forwarded" not in part
    assert '<a href="https://censor.net/en/news/zelenskyy-new-0">' in html
    [row] = rows(sessions)
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)
    # Nothing is sent twice: the next run finds nothing new.
    assert deliver(make_settings(db_url, mailbox.url()), sessions).sent == 0
    assert len(mailbox.messages) == 1


def test_slack_payload_carries_the_facts_in_slack_markdown(db_url, sessions, slack):
    seed_change(sessions, actor="Orban", old="oppose", new="support")
    assert deliver(make_settings(db_url, SLACK_URL), sessions).sent == 1
    [payload] = slack.accepted
    flat = json.dumps(payload, ensure_ascii=False)
    assert "Orban: oppose → support on Ukraine joining NATO" in flat
    for fact in (
        "Orban says Ukraine's place is in NATO 0", "Orban says membership is off the table 0",
        "<https://censor.net/en/news/orban-new-0|censor.net, 2025-02-20>",
        "<https://censor.net/en/news/orban-old-0|censor.net, 2025-02-01>",
        f"<{PUBLIC}/actors/Orban|History of Orban>", "*oppose → support*", "2 distinct stories",
    ):  # fmt: skip
        assert fact in flat, (fact, flat)
    assert "**" not in flat  # CommonMark bold became Slack's *bold*


def test_daily_digest_lists_the_days_changes_in_one_message(db_url, sessions, slack):
    for n, actor in enumerate(("Zelenskyy", "Scholz", "Orban")):
        seed_change(sessions, actor=actor, n=n, recorded_at=T0 + timedelta(hours=n))
    settings = make_settings(db_url, SLACK_URL, digest=True)
    early = deliver(settings, sessions, now=T0 + timedelta(hours=5))
    assert (early.enqueued, early.sent, early.pending) == (3, 0, 3)  # the day is not over
    late = deliver(settings, sessions, now=T0 + timedelta(days=1))
    assert late.sent == 3
    [payload] = slack.accepted
    flat = json.dumps(payload, ensure_ascii=False)
    assert "3 stance changes" in flat and "2025-03-04" in flat
    for actor in ("Zelenskyy", "Scholz", "Orban"):
        assert f"{actor} says membership is off the table" in flat


def test_tags_route_actors_to_the_targets_that_follow_them(db_url, sessions, slack, mailbox):
    seed_change(sessions, actor="Orban")
    seed_change(sessions, actor="Zelenskyy", n=1)
    settings = make_settings(db_url, SLACK_URL + "?tag=eu", mailbox.url())
    summary = deliver(settings, sessions, actor_tags={"Orban": ["EU", "hungary"]})
    assert summary.sent == 3
    assert ["Orban" in json.dumps(p) for p in slack.accepted] == [True]
    assert sorted(m["Subject"].split(":")[0] for m in mailbox.messages) == ["Orban", "Zelenskyy"]


def test_user_templates_replace_the_packaged_ones(db_url, sessions, slack, tmp_path):
    (tmp_path / "title.txt").write_text("ALERT {{ alert.actor }} now {{ alert.new_stance }}")
    seed_change(sessions)
    deliver(make_settings(db_url, SLACK_URL, templates_dir=str(tmp_path)), sessions)
    assert "ALERT Zelenskyy now oppose" in json.dumps(slack.accepted[0])


HOSTILE = "Orban <!channel> says <http://evil.example|click here> & <!here> <@U0BOSS>"


@pytest.mark.parametrize("style", ["", "?blocks=yes"])
def test_crawled_text_cannot_mention_or_link_in_slack(db_url, sessions, slack, style):
    """A page's quote, title or host reaches Slack as text: Slack's ``&lt;`` ``&gt;`` ``&amp;``."""
    change_id = seed_change(sessions, actor="Orban")
    with session_scope(sessions) as s:
        change = s.get(StanceChange, change_id)
        for statement in (change.statement, change.previous_statement):
            statement.evidence = HOSTILE
            statement.article.title = "<!channel> title"
    assert deliver(make_settings(db_url, SLACK_URL + style), sessions).sent == 1
    [payload] = slack.accepted
    flat = json.dumps(payload, ensure_ascii=False)
    for live in ("<!channel>", "<!here>", "<http://evil", "<@U0BOSS>", "|click here>"):
        assert live not in flat, (live, flat)
    assert (
        "Orban &lt;!channel&gt; says &lt;http://evil.example|click here&gt; &amp; &lt;!here&gt;"
        " &lt;@U0BOSS&gt;"
    ) in flat
    # Our own links still work.
    assert "<https://censor.net/en/news/orban-new-0|censor.net, 2025-02-20>" in flat


# --- no alert without substance ----------------------------------------------------------


def test_a_change_without_its_evidence_is_held_not_sent(db_url, sessions, slack):
    change_id = seed_change(sessions)
    with session_scope(sessions) as s:
        s.get(StanceChange, change_id).previous_statement_id = None
    summary = deliver(make_settings(db_url, SLACK_URL), sessions)
    assert (summary.sent, summary.held) == (0, 1)
    assert slack.requests == []
    [row] = rows(sessions)
    assert row.status == "held" and "previous evidence" in row.last_error


def test_a_template_that_drops_the_evidence_holds_the_alert(db_url, sessions, slack, tmp_path):
    (tmp_path / "change.md").write_text("{{ alert.actor }} changed.")
    seed_change(sessions)
    settings = make_settings(db_url, SLACK_URL, templates_dir=str(tmp_path))
    assert deliver(settings, sessions).held == 1
    assert slack.requests == [] and "lacks the evidence link" in rows(sessions)[0].last_error
    # Template fixed: --retry-held sends it.
    (tmp_path / "change.md").unlink()
    assert deliver(settings, sessions, retry_held=True).sent == 1


# --- faults ------------------------------------------------------------------------------


def test_smtp_down_keeps_rows_pending_then_sends_each_once(db_url, sessions, mailbox):
    for n in range(3):
        seed_change(sessions, n=n)
    mailbox.stop()
    settings = make_settings(db_url, mailbox.url())
    down = deliver(settings, sessions)
    assert (down.sent, down.failed, down.pending) == (0, 3, 3)
    for row in rows(sessions):
        assert row.status == "pending" and row.attempts == 1 and row.last_error
        assert SMTP_PASSWORD not in row.last_error and "127.0.0.1" in row.last_error
        assert row.next_attempt_at > T0  # backed off
    mailbox.start()
    up = deliver(settings, sessions, now=T0 + timedelta(seconds=1))
    assert (up.sent, up.pending) == (3, 0)
    again = deliver(settings, sessions, now=T0 + timedelta(hours=1))
    assert again.sent == 0
    subjects = [m.get_body(("plain",)).get_content() for m in mailbox.messages]
    assert len(subjects) == 3 and len(set(subjects)) == 3


def test_slack_500_then_200_gives_one_message(db_url, sessions, slack):
    seed_change(sessions)
    slack.statuses = [500, 200]
    settings = make_settings(db_url, SLACK_URL)
    first = deliver(settings, sessions)
    assert (first.sent, first.failed, first.pending) == (0, 1, 1)
    [row] = rows(sessions)
    assert "500" in row.last_error
    # Not due before the backoff: nothing is tried.
    assert deliver(settings, sessions, now=T0).sent == 0
    assert deliver(settings, sessions, now=T0 + timedelta(seconds=1)).sent == 1
    assert [s for s, _ in slack.requests] == [500, 200] and len(slack.accepted) == 1


def test_backoff_doubles_and_gives_up_after_max_attempts(db_url, sessions, slack):
    seed_change(sessions)
    slack.statuses = [500] * 10
    settings = make_settings(db_url, SLACK_URL, deliver_backoff_seconds=10, deliver_max_attempts=3)
    delays, now = [], T0
    for _ in range(3):
        deliver(settings, sessions, now=now)
        [row] = rows(sessions)
        delays.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert delays[:2] == [10, 20]
    assert (row.status, row.attempts) == ("failed", 3)
    assert deliver(settings, sessions, now=now + timedelta(days=1)).sent == 0
    assert len(slack.requests) == 3


def test_killed_between_send_and_mark_duplicates_at_most_once(db_url, sessions, slack):
    """A sender that dies after apprise sent and before the row is marked leaves the row
    ``sending``. Nobody can know whether the message went out, so after the lease it is sent
    again: the one duplicate we accept rather than risk losing the alert."""
    seed_change(sessions)
    settings = make_settings(db_url, SLACK_URL)
    [target] = load_targets(settings.notify_urls)
    with session_scope(sessions) as s:
        outbox.enqueue(s, [target], {}, T0)
    lease = settings.deliver_lease_seconds
    ids = outbox.claim(sessions, [target.key], T0, lease, token="dead-run")
    with session_scope(sessions) as s:
        [batch] = _batches(_load_rows(s, ids), {target.key: target}, settings)
        assert outbox.start_send(s, ids, "dead-run", T0, lease)
    assert send(target, batch.message, TIMEOUTS).ok  # ... and the process dies here.
    # Within the lease another run leaves the row alone.
    assert deliver(settings, sessions, now=T0 + timedelta(seconds=30)).sent == 0
    assert rows(sessions)[0].status == "sending"
    # After the lease it is sent again, recorded as maybe sent: one duplicate, never more.
    assert deliver(settings, sessions, now=T0 + timedelta(seconds=61)).sent == 1
    assert deliver(settings, sessions, now=T0 + timedelta(hours=2)).sent == 0
    assert len(slack.accepted) == 2
    [row] = rows(sessions)
    assert (row.status, row.attempts, row.maybe_sent_at) == ("sent", 2, T0)
    assert (row.claim_token, row.send_started_at) == (None, None)


def test_two_concurrent_deliver_runs_send_each_row_once(db_url, sessions, monkeypatch):
    hook = SlackHook(delay=0.02)
    monkeypatch.setattr(NotifySlack, "webhook_url", hook.server.url("/services"))
    monkeypatch.setattr("stancewatch.deliver.runner.CLAIM_LIMIT", 2)
    ids = [seed_change(sessions, n=n) for n in range(10)]
    settings = make_settings(db_url, SLACK_URL)
    results, barrier = [], threading.Barrier(2)

    def run() -> None:
        engine = make_engine(db_url)  # each run its own engine, as two processes would
        barrier.wait()
        results.append(deliver(settings, session_factory(engine)))
        engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hook.server.stop()
    assert sum(r.sent for r in results) == 10
    assert all(r.sent for r in results)  # both runs really worked at the same time
    texts = [json.dumps(p) for p in hook.accepted]
    assert len(texts) == 10
    for n in range(len(ids)):
        assert sum(f"membership is off the table {n}" in t for t in texts) == 1
    assert {r.status for r in rows(sessions)} == {"sent"}


# --- targets and secrets -----------------------------------------------------------------


def test_an_invalid_url_is_refused_redacted(runner, db_url):
    with pytest.raises(NotifyTargetError) as err:
        load_targets(["bogus://admin:hunter22secret@example.org/x"])
    assert "hunter22secret" not in str(err.value) and "bogus://***:***@" in str(err.value)
    result = runner.invoke(
        cli, ["--database-url", db_url, "deliver"],
        env={"STANCEWATCH_NOTIFY_URLS": "slack://T0SECRET1/B0SECRET2/XXSECRET3xyz bogus://zzSECRETzz"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == "Error: invalid notification URL bogus://***: not a URL apprise can send to"
    )


def test_no_secret_in_logs_cli_output_or_database(db_url, sessions, slack, mailbox, runner, caplog):
    caplog.set_level(logging.DEBUG)
    seed_change(sessions)
    mailbox.stop()  # the email fails (error stored), Slack first fails, then works
    slack.statuses = [500]
    env = {
        "STANCEWATCH_NOTIFY_URLS": f"{SLACK_URL},{mailbox.url()}",
        "STANCEWATCH_DELIVER_BACKOFF_SECONDS": "0",
    }
    first = runner.invoke(
        cli, ["--database-url", db_url, "--log-level", "DEBUG", "deliver"], env=env
    )
    assert first.exit_code == 0, first.output
    assert "0 sent, 2 failed, 2 pending" in first.output
    second = runner.invoke(cli, ["--database-url", db_url, "deliver", "--format", "json"], env=env)
    assert json.loads(second.output)["sent"] == 1
    probe = runner.invoke(cli, ["--database-url", db_url, "notify-test"], env=env)
    assert probe.exit_code == 1 and "ok" in probe.output and "failed" in probe.output
    assert "slack://***/***/***" in probe.output
    stored = [
        " ".join(str(v) for v in (r.target_redacted, r.last_error, r.title, r.body, r.target_key))
        for r in rows(sessions)
    ]
    assert any("127.0.0.1" in s for s in stored)
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert "Slack" in logged and len(caplog.records) > 10  # debug lines were captured
    for secret in SECRETS:
        for where, text in [("log", logged), ("db", "\n".join(stored))] + [
            ("cli", r.output) for r in (first, second, probe)
        ]:
            assert secret not in text, (secret, where)


HEADER_TOKEN = "HdrT0kenSecret42"


def test_an_apprise_header_secret_is_used_but_never_shown(db_url, sessions, runner, caplog):
    """``?+Authorization=Bearer TOKEN``: sent as a header, hidden in the outbox row, both JSON
    outputs and every log line (a failing receiver makes the error paths run)."""
    caplog.set_level(logging.DEBUG)
    hook = LocalServer(lambda request: Response(500, b"no"), name="json").start()
    url = hook.url("/in").replace("http://", "json://") + f"?+Authorization=Bearer%20{HEADER_TOKEN}"
    seed_change(sessions)
    env = {"STANCEWATCH_NOTIFY_URLS": url, "STANCEWATCH_DELIVER_BACKOFF_SECONDS": "0"}
    base = ["--database-url", db_url, "--log-level", "DEBUG"]
    delivered = runner.invoke(cli, [*base, "deliver", "--format", "json"], env=env)
    probed = runner.invoke(cli, [*base, "notify-test", "--format", "json"], env=env)
    shown = f"json://127.0.0.1:{hook.port}/***?+Authorization=***"
    hook.stop()
    assert [r.headers.get("Authorization") for r in hook.received] == [f"Bearer {HEADER_TOKEN}"] * 2
    summary = json.loads(delivered.stdout)
    assert (summary["failed"], delivered.exit_code) == (1, 0)
    assert summary["errors"][0].startswith(f"{shown}: ")
    [probe] = json.loads(probed.stdout)
    assert (probe["target"], probe["result"], probed.exit_code) == (shown, "failed", 1)
    [row] = rows(sessions)
    assert row.target_redacted == shown and row.last_error
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert "delivery to" in logged
    stored = " ".join(str(v) for v in vars(row).values())
    for where, text in [("db", stored), ("log", logged), ("deliver", delivered.output),
                        ("notify-test", probed.output)]:  # fmt: skip
        assert HEADER_TOKEN not in text, where


def test_a_database_password_in_the_query_is_not_printed(runner):
    url = "postgresql://watch@127.0.0.1:1/none?password=PgQu3rySecret&connect_timeout=2"
    result = runner.invoke(cli, ["--database-url", url, "changes"])
    assert (result.exit_code, result.output) == (
        3,
        "Error: database unreachable (postgresql+psycopg://***@127.0.0.1:1/none"
        "?connect_timeout=2&password=***): connection failed: connection to server at"
        ' "127.0.0.1", port 1 failed: Connection refused\n',
    )


# --- slow receivers, concurrent runs -----------------------------------------------------


def slow_json_hook(delay: float) -> LocalServer:
    """A webhook receiver that answers 200 after ``delay`` seconds; ``received`` counts."""
    return LocalServer(lambda request: Response(200, b"ok", delay=delay), name="hook").start()


def json_url(hook: LocalServer) -> str:
    return hook.url("/hook").replace("http://", "json://")


def test_a_receiver_slower_than_apprises_4_s_default_gets_one_post(sqlite_url):
    """Our default send timeout (30 s) replaces apprise's 4 s: a 4.5 s answer is a success."""
    sessions = session_factory(make_engine(sqlite_url))
    seed_change(sessions)
    hook = slow_json_hook(4.5)
    summary = deliver(make_settings(sqlite_url, json_url(hook)), sessions)
    hook.stop()
    assert (summary.sent, summary.failed, len(hook.received)) == (1, 0, 1)


def test_no_answer_in_time_is_maybe_sent_retried_once_then_given_up(sqlite_url):
    sessions = session_factory(make_engine(sqlite_url))
    seed_change(sessions)
    hook = slow_json_hook(2.5)
    settings = make_settings(sqlite_url, json_url(hook), deliver_send_timeout=1.0)
    first = deliver(settings, sessions)
    assert (first.sent, first.failed, first.unanswered, first.pending) == (0, 1, 1, 1)
    [row] = rows(sessions)
    assert (row.status, row.attempts, row.maybe_sent_at) == ("pending", 1, T0)
    assert row.last_error == "no answer within 1 s: the message may have arrived"
    second = deliver(settings, sessions, now=T0 + timedelta(seconds=1))
    assert (second.failed, second.gave_up, second.pending) == (1, 1, 0)
    assert deliver(settings, sessions, now=T0 + timedelta(hours=3)).failed == 0
    hook.stop()
    assert len(hook.received) == 2  # the first POST and its one retry, never more
    [row] = rows(sessions)
    assert (row.status, row.attempts, row.maybe_sent_at) == ("failed", 2, T0)
    assert row.last_error == (
        "no answer within 1 s: the message may have arrived"
        " (it may have arrived before: not sent again)"
    )


def test_two_deliver_runs_with_a_short_lease_send_each_alert_once(db_url, sessions):
    """The issue's repro, scaled down: a ``deliver`` process sends slowly for longer than the
    lease; a second run starts after that lease would have run out (in this process, so its
    start is not held up by an interpreter's start-up); every alert arrives once."""
    n = 20
    for i in range(n):
        seed_change(sessions, n=i)
    hook = slow_json_hook(0.6)
    knobs = {"deliver_lease_seconds": 4.0, "deliver_send_timeout": 1.0}
    env = {
        **os.environ, "PYTHONPATH": REPO, "STANCEWATCH_DATABASE_URL": db_url,
        "STANCEWATCH_NOTIFY_URLS": json_url(hook), "STANCEWATCH_LOG_LEVEL": "ERROR",
        **{f"STANCEWATCH_{k.upper()}": str(v) for k, v in knobs.items()},
    }  # fmt: skip
    command = [sys.executable, "-m", "stancewatch", "deliver"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(hook.received) >= 2, 120)
        threading.Event().wait(4.5)  # the first run's first lease is over
        engine = make_engine(db_url)
        settings = make_settings(db_url, json_url(hook), **knobs)
        second = deliver_pending(settings, session_factory(engine))
        engine.dispose()
        output = first.communicate(timeout=120)[0]
    finally:
        first.kill()
        hook.stop()
    sent = [int(re.search(r"deliver: (\d+) sent", output).group(1)), second.sent]
    bodies = [json.loads(r.body)["message"] for r in hook.received]
    for i in range(n):
        assert sum(f'membership is off the table {i}"' in b for b in bodies) == 1, i
    assert len(bodies) == n and sum(sent) == n and all(sent), sent  # both really sent
    assert {(r.status, r.maybe_sent_at) for r in rows(sessions)} == {("sent", None)}


def wait_until(condition, timeout: float) -> None:
    deadline = threading.Event()
    for _ in range(int(timeout * 20)):
        if condition():
            return
        deadline.wait(0.05)
    raise AssertionError("timed out waiting")


# --- processes: stderr and workers -------------------------------------------------------


def stancewatch(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The CLI in its own process, so stderr is what a user sees (no pytest log capture)."""
    environ = {**os.environ, "PYTHONPATH": REPO, **env}
    command = [sys.executable, "-m", "stancewatch", *args]
    return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=120)


def test_apprise_info_lines_stay_off_stderr_unless_debug(db_url, sessions):
    ok = slow_json_hook(0.0)
    down = f"json://127.0.0.1:{free_port()}/gone"
    seed_change(sessions)
    probe = stancewatch(
        "--database-url", db_url, "notify-test", STANCEWATCH_NOTIFY_URLS=json_url(ok)
    )
    assert (probe.returncode, probe.stderr) == (0, "")
    failing = stancewatch("--database-url", db_url, "deliver", STANCEWATCH_NOTIFY_URLS=down)
    assert failing.returncode == 0 and "0 sent, 1 failed" in failing.stdout
    lines = failing.stderr.splitlines()
    assert not [line for line in lines if " INFO apprise" in line], lines
    ours = [line for line in lines if "WARNING stancewatch.deliver.runner: delivery to" in line]
    assert ours == [line for line in lines if "stancewatch" in line] and len(ours) == 1
    debug = stancewatch(
        "--database-url", db_url, "--log-level", "DEBUG", "notify-test",
        STANCEWATCH_NOTIFY_URLS=json_url(ok), STANCEWATCH_LIBRARY_LOG_LEVEL="INFO",
    )  # fmt: skip
    ok.stop()
    assert "INFO apprise: Notifying 1 service(s)." in debug.stderr


@pytest.mark.postgres
def test_two_deliver_workers_send_each_alert_once_over_real_smtp(pg_url, mailbox):
    """Two ``deliver --worker`` processes on PostgreSQL share the outbox (SKIP LOCKED): the
    SMTP server counts every alert once; both workers sent some; both exit when idle."""
    sessions = session_factory(make_engine(pg_url))
    mailbox.delay = 0.4  # 24 alerts: about 10 s of sending, far longer than a start-up
    n = 24
    for i in range(n):
        seed_change(sessions, n=i)
    env = {
        **os.environ, "PYTHONPATH": REPO, "STANCEWATCH_DATABASE_URL": pg_url,
        "STANCEWATCH_NOTIFY_URLS": mailbox.url(), "STANCEWATCH_DELIVER_WORKER_POLL": "0.2",
        "STANCEWATCH_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    command = [sys.executable, "-m", "stancewatch", "deliver", "--worker", "--idle-exit", "3"]
    # Started together: the slow mail server keeps both busy at once, whoever claims first.
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in "ab"]
    try:
        outputs = [w.communicate(timeout=120)[0].strip() for w in workers]
    finally:
        for w in workers:
            w.kill()
    assert [w.returncode for w in workers] == [0, 0]
    bodies = [m.get_body(("plain",)).get_content() for m in mailbox.messages]
    for i in range(n):
        assert sum(bool(re.search(rf"off the table {i}\b", b)) for b in bodies) == 1, i
    assert len(bodies) == n
    sent = [int(re.search(r"\bsent=(\d+)", out).group(1)) for out in outputs]
    assert sum(sent) == n and all(sent), outputs
    assert all(out.startswith("job=deliver-worker status=ok") for out in outputs), outputs
    assert all("stopped_by=idle" in out for out in outputs), outputs
    assert {r.status for r in rows(sessions)} == {"sent"}


def test_a_stopped_worker_gives_its_unsent_rows_back(db_url, sessions, slack):
    seed_change(sessions)
    seed_change(sessions, n=1)
    settings = make_settings(db_url, SLACK_URL, deliver_lease_seconds=600)
    stop = threading.Event()
    stop.set()  # SIGTERM arrived between the claim and the first send
    summary = deliver_pending(settings, sessions, now=T0, stop=stop)
    assert (summary.sent, summary.pending) == (0, 2) and slack.requests == []
    assert {(r.status, r.attempts, r.claim_token) for r in rows(sessions)} == {("pending", 0, None)}
    assert deliver(settings, sessions).sent == 2


def test_idle_exit_needs_worker(runner, db_url):
    result = runner.invoke(cli, ["--database-url", db_url, "deliver", "--idle-exit", "1"])
    assert result.exit_code == 2 and "Error: --idle-exit needs --worker" in result.output


def test_a_lease_shorter_than_a_send_is_refused_before_any_write(runner, db_url, sessions):
    seed_change(sessions)
    env = {"STANCEWATCH_NOTIFY_URLS": SLACK_URL, "STANCEWATCH_DELIVER_LEASE_SECONDS": "20"}
    result = runner.invoke(cli, ["--database-url", db_url, "deliver"], env=env)
    assert (result.exit_code, result.output) == (
        2,
        "Error: deliver_lease_seconds (20) must be longer than deliver_send_timeout + 2 s (32)\n",
    )
    assert rows(sessions) == []


def test_a_run_that_lost_its_lease_sends_nothing_and_marks_nothing(db_url, sessions, slack):
    """A run paused past its lease: another run re-claimed the rows; the first may not send
    them, and its marks (carrying its token) do not touch them."""
    ids = [seed_change(sessions, n=n) for n in range(2)]
    settings = make_settings(db_url, SLACK_URL, digest=True)
    [target] = load_targets(settings.notify_urls)
    with session_scope(sessions) as s:
        outbox.enqueue(s, [target], {}, T0)
    claimed = outbox.claim(sessions, [target.key], T0, 60, token="paused")
    assert len(claimed) == len(ids)
    with session_scope(sessions) as s:  # the lease ran out; another run took one row
        s.get(OutboxMessage, claimed[0]).claim_token = "other"
    with session_scope(sessions) as s:
        assert not outbox.start_send(s, claimed, "paused", T0, 60)
        outbox.mark_sent(s, claimed, T0, "late", "paused")
    states = {r.id: (r.status, r.claim_token) for r in rows(sessions)}
    assert states == {claimed[0]: ("sending", "other"), claimed[1]: ("pending", None)}
    assert slack.requests == []


def test_sigterm_stops_a_worker_after_the_send_under_way(sqlite_url):
    sessions = session_factory(make_engine(sqlite_url))
    for i in range(6):
        seed_change(sessions, n=i)
    hook = slow_json_hook(1.0)
    env = {
        **os.environ, "PYTHONPATH": REPO, "STANCEWATCH_DATABASE_URL": sqlite_url,
        "STANCEWATCH_NOTIFY_URLS": json_url(hook), "STANCEWATCH_LOG_LEVEL": "ERROR",
    }  # fmt: skip
    command = [sys.executable, "-m", "stancewatch", "deliver", "--worker"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(hook.received) >= 1, 120)
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=60)[0]
    finally:
        worker.kill()
        hook.stop()
    assert worker.returncode == 0 and "stopped_by=signal" in output, output
    found = [(r.status, r.attempts, r.claim_token) for r in rows(sessions)]
    sent = int(re.search(r"\bsent=(\d+)", output).group(1))
    assert sent == len(hook.received) and 1 <= sent < 6
    assert sorted(found) == sorted([("sent", 1, None)] * sent + [("pending", 0, None)] * (6 - sent))


# --- one alert per event, with its reasons -------------------------------------------------

REASON = {
    "rule": "stories",
    "text": "2 distinct stories within 7 days",
    "confidence": 0.85,
    "min_stories": 2,
    "window_days": 7,
    "stories": [
        {"article_id": 1, "outlet": "censor", "url": "https://censor.net/en/news/s1",
         "published_at": "2025-02-19T09:00:00+00:00", "confidence": 0.7},
        {"article_id": 2, "outlet": "kyivindependent", "url": "https://kyivindependent.com/s2",
         "published_at": "2025-02-20T09:00:00+00:00", "confidence": 0.75},
    ],
    "pending_count": 3,
    "pending_stories": 2,
    "pending": [
        {"article_id": 1, "outlet": "censor", "url": "https://censor.net/en/news/s1",
         "published_at": "2025-02-18T09:00:00+00:00", "confidence": 0.6},
    ],
}  # fmt: skip


def seed_event(sessions) -> tuple[int, int]:
    """Zelenskyy and Ukraine (for which he speaks) changed by one sentence: one event."""
    person = seed_change(sessions, actor="Zelenskyy", event_key="9:0:40", reason=REASON)
    country = seed_change(sessions, actor="Ukraine", n=1, event_key="9:0:40", reason=REASON)
    with session_scope(sessions) as s:
        for statement in s.scalars(select(Statement).where(Statement.actor == "Ukraine")):
            statement.actor_kind = "country"
    return person, country


def test_a_person_and_their_country_make_one_alert_per_target_with_its_reasons(
    db_url, sessions, mailbox, slack, runner
):
    person, _ = seed_event(sessions)
    summary = deliver(make_settings(db_url, mailbox.url(), SLACK_URL), sessions)
    assert (summary.enqueued, summary.sent) == (2, 2)
    queued = rows(sessions)
    assert [r.change_id for r in queued] == [person, person]  # one row per target, the person's
    assert len({r.target_key for r in queued}) == 2
    [mail] = mailbox.messages
    assert mail["Subject"] == "Zelenskyy (and Ukraine): support → oppose on Ukraine joining NATO"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    [payload] = slack.accepted
    flat = json.dumps(payload, ensure_ascii=False)
    assert "Zelenskyy (and Ukraine): support → oppose" in flat
    for part in (text, html, flat):
        for fact in (
            "Why:", "2 distinct stories within 7 days", "censor", "kyivindependent",
            "https://kyivindependent.com/s2", "2025-02-20", "Pending against support",
            "3 statements from 2 stories", "since 2025-02-18",
        ):  # fmt: skip
            assert fact in part, (fact, part)
    assert deliver(make_settings(db_url, mailbox.url(), SLACK_URL), sessions).sent == 0
    result = runner.invoke(cli, ["--database-url", db_url, "changes", "--format", "json"])
    assert result.exit_code == 0, result.output
    reasons = [c["reason"] for c in json.loads(result.output)]
    assert reasons == [REASON, REASON]


def test_backfill_and_blocked_changes_are_never_queued(db_url, sessions, slack):
    seed_change(sessions, actor="Scholz", backfill=True)
    seed_change(sessions, actor="Orban", n=1, backfill=True, blocked=True)
    summary = deliver(make_settings(db_url, SLACK_URL), sessions)
    assert (summary.enqueued, summary.sent) == (0, 0)
    assert rows(sessions) == [] and slack.requests == []
