"""Alerts without a database: URL redaction, target parsing, and every packaged template."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from urllib.parse import unquote

import pytest

from stancewatch.deliver import logsafe
from stancewatch.deliver.render import Alert, Quote, Renderer, RenderError, md_escape
from stancewatch.deliver.targets import load_target, split_tags
from stancewatch.redact import masked_pieces, redact_text, redact_url, secret_pieces


@pytest.mark.parametrize(
    ("url", "shown", "hidden"),
    [
        # user-info: every part of it
        ("mailtos://me:pa55word@smtp.example.org?to=desk@example.org",
         "mailtos://***:***@smtp.example.org?to=desk@example.org", ["pa55word", "me:"]),
        ("pushover://UsErKeY0123456789abcd@AppT0kenZZZZ", "pushover://***@***",
         ["UsErKeY0123456789abcd", "AppT0kenZZZZ"]),
        ("ntfys://alice:s3cr%2Fet@ntfy.example.org/topic", "ntfys://***:***@ntfy.example.org/***",
         ["s3cr%2Fet", "s3cr/et", "alice"]),
        # tokens in the host and the path
        ("slack://T0AAA/B0BBB/CCCCsecret", "slack://***/***/***", ["T0AAA", "CCCCsecret"]),
        ("slack://xoxb-1234-5678-abcd/#news", "slack://***/***", ["xoxb-1234-5678-abcd"]),
        ("https://hooks.slack.com/services/T1X/B2X/C3X", "https://hooks.slack.com/***/***/***/***",
         ["T1X/B2X/C3X"]),
        ("discord://1234567/WebhookT0ken", "discord://***/***", ["1234567", "WebhookT0ken"]),
        # query values whose name suggests a secret, in any case
        ("json://localhost:8080/hook?token=tok123&to=x", "json://localhost:8080/***?token=***&to=x",
         ["tok123"]),
        ("mailto://127.0.0.1:25?user=u&pass=p%40ssw0rd", "mailto://127.0.0.1:25?user=u&pass=***",
         ["p%40ssw0rd", "p@ssw0rd"]),
        ("json://[::1]:9000/x?APIKEY=K3y0&Secret_Value=S3cr3t&format=text",
         "json://[::1]:9000/***?APIKEY=***&Secret_Value=***&format=text", ["K3y0", "S3cr3t"]),
        # apprise header (+), payload (-) and mapping (:) arguments
        ("json://hooks.example.org/in?+Authorization=Bearer%20HdrT0ken&+X-Trace=42",
         "json://hooks.example.org/***?+Authorization=***&+X-Trace=42", ["HdrT0ken"]),
        ("jsons://hooks.example.org/in?+Authorization=Bearer+HdrT0ken",
         "jsons://hooks.example.org/***?+Authorization=***", ["HdrT0ken"]),
        ("form://10.0.0.5/in?+X-Api-Key=ApiK3y&-session=Sess10n&:token=MapT0k",
         "form://10.0.0.5/***?+X-Api-Key=***&-session=***&:token=***",
         ["ApiK3y", "Sess10n", "MapT0k"]),
        ("xml://h.example.org/in?%2BCookie=sid%3DC00kie", "xml://h.example.org/***?%2BCookie=***",
         ["C00kie"]),
        # database URLs (the CLI keeps their path: the database name)
        ("postgresql://watch:Pg5ecret@db.example.org/sw?password=Qu3ryPw&sslmode=require",
         "postgresql://***:***@db.example.org/***?password=***&sslmode=require",
         ["Pg5ecret", "Qu3ryPw", "watch:"]),
        # not a URL: left alone
        ("stancewatch.db", "stancewatch.db", []),
    ],
)  # fmt: skip
def test_redact_url_hides_passwords_tokens_and_token_hosts(url, shown, hidden):
    assert redact_url(url) == shown
    for secret in hidden:
        assert secret not in redact_url(url)
        assert secret not in redact_text(f"error at {url}: {unquote(url)} failed", [url])


def test_apprise_privacy_form_marks_secrets_our_parser_would_miss():
    assert masked_pieces("slack://T0AAA/B0BBB/Cx//?a=1", "slack://T...A/B...B/C...x//?a=1") == [
        "T0AAA", "B0BBB", "Cx",
    ]  # fmt: skip
    assert masked_pieces("a://x/y", "a://x/y/z") == []  # not aligned: nothing guessed
    target = load_target("mailtos://watch:Sm7pPw99@smtp.example.org?to=a@example.org")
    assert "Sm7pPw99" in target.secrets


def test_secret_pieces_include_decoded_forms_and_token_hosts():
    assert "p@ssw0rd" in secret_pieces("mailto://h.example.org?pass=p%40ssw0rd")
    header = secret_pieces("json://h.example.org/?+Authorization=Bearer%20HdrT0ken")
    assert {"Bearer HdrT0ken", "HdrT0ken"} <= set(header) and "Bearer" not in header
    assert "UsErKeY0123456789abcd" in secret_pieces("pushover://UsErKeY0123456789abcd@Ab12")
    # A short user name is hidden on screen, not scrubbed from every log line.
    assert secret_pieces("mailtos://watch:pw123456@smtp.example.org") == [
        "watch:pw123456",
        "pw123456",
    ]
    assert "xoxb-1234-5678-abcd" in secret_pieces("slack://xoxb-1234-5678-abcd/#news")
    assert secret_pieces("mailto://desk@smtp.example.org") == []


def test_tags_are_ours_and_do_not_change_the_target_identity():
    assert split_tags("slack://T/B/C?tag=desk+EU&footer=no") == (
        "slack://T/B/C?footer=no",
        frozenset({"desk", "eu"}),
    )
    plain, tagged = (
        load_target("slack://T0AAA/B0BBB/CCCCx"),
        load_target("slack://T0AAA/B0BBB/CCCCx?tag=eu"),
    )
    assert plain.key == tagged.key and tagged.tags == {"eu"}
    assert tagged.wants("Orban", {"Orban": ["EU"]}) and not tagged.wants("Scholz", {})
    assert plain.wants("Scholz", {})
    assert (plain.body_format, load_target("mailto://u:p@h.example.org").body_format) == (
        "markdown",
        "html",
    )


def test_log_records_of_any_logger_lose_loaded_secrets(caplog):
    load_target("slack://T0LOGA/B0LOGB/CCLOGsecret")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        '"%s %s HTTP/1.1" 500', "POST", "/services/T0LOGA/B0LOGB/CCLOGsecret"
    )
    try:
        raise ValueError("bad hook slack://T0LOGA/B0LOGB/CCLOGsecret")
    except ValueError:
        logging.getLogger("somewhere").exception("failed")
    assert "CCLOGsecret" not in caplog.text and "T0LOGA" not in caplog.text
    assert "/services/***/***/***" in caplog.text
    assert logsafe.clean("x CCLOGsecret y") == "x *** y"


def _alert(actor: str, n: int) -> Alert:
    def ev(which: str, quote: str) -> Quote:
        return Quote(
            quote,
            f"https://news.example.org/{actor}-{which}?a=1&b=2",
            "news.example.org",
            "2025-02-01",
            "t",
        )

    return Alert(
        change_id=n, actor=actor, old_stance="support", new_stance="oppose",
        changed_at=datetime(2025, 2, 2, tzinfo=UTC), recorded_at=datetime(2025, 2, 3, tzinfo=UTC),
        stories=1, new=ev("new", f"{actor} rules *membership* out"), old=ev("old", f"{actor} backs it"),
        history_url=f"https://w.example.org/actors/{actor}",
    )  # fmt: skip


@pytest.mark.parametrize("body_format", ["html", "markdown", "text"])
def test_every_packaged_template_carries_the_evidence(body_format):
    renderer = Renderer()
    single = renderer.render([_alert("Scholz", 1)], body_format)
    assert single.title == "Scholz: support → oppose on Ukraine joining NATO"
    digest = renderer.render(
        [_alert("Scholz", 1), _alert("Orban", 2)], body_format, date(2025, 2, 3)
    )
    assert digest.title == "stancewatch 2025-02-03: 2 stance changes on Ukraine joining NATO"
    for message, actors in ((single, ["Scholz"]), (digest, ["Scholz", "Orban"])):
        for actor in actors:
            assert f"{actor} backs it" in message.body
            assert re.search(r"\b1 (distinct )?story\b", message.body)
            link = f"https://news.example.org/{actor}-old?a=1&b=2"
            assert link in message.body or link.replace("&", "&amp;") in message.body
    if body_format == "markdown":
        assert r"rules \*membership\* out" in single.body


def test_a_message_without_substance_is_refused(tmp_path):
    (tmp_path / "change.txt").write_text("   ")
    with pytest.raises(RenderError, match="empty"):
        Renderer(str(tmp_path)).render([_alert("Scholz", 1)], "text")
    (tmp_path / "change.txt").write_text("{{ alert.no_such_field }}")
    with pytest.raises(RenderError, match="template change.txt"):
        Renderer(str(tmp_path)).render([_alert("Scholz", 1)], "text")


def test_md_escape():
    assert md_escape("a*b_c[d](e)`f`") == r"a\*b\_c\[d\](e)\`f\`"
    assert md_escape("<!here> & <x|y>") == r"\<!here\> & \<x|y\>"
