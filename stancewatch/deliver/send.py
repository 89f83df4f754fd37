"""One message to one target through apprise, with the reason of a failure, redacted.

Success is what apprise reports for the service (its ``AppriseResult``), never a guess from
log text; the log entries apprise captured for the call only explain a failure. A send that
got no answer within ``Timeouts.send`` is apprise's ``TIMEOUT`` status: the receiver may
have the message, so it is reported as ``maybe_sent`` and the outbox retries it once at most.
"""

from __future__ import annotations

from dataclasses import dataclass

import apprise
from apprise import AppriseResultStatus, NotifyFormat

from stancewatch.deliver import logsafe
from stancewatch.deliver.render import Message
from stancewatch.deliver.targets import Target, Timeouts, _asset
from stancewatch.redact import redact_text, scrub

FORMATS = {"html": NotifyFormat.HTML, "markdown": NotifyFormat.MARKDOWN, "text": NotifyFormat.TEXT}


@dataclass(frozen=True)
class SendResult:
    ok: bool
    #: Why it failed, one line, secrets replaced by ``***``; None on success.
    error: str | None = None
    #: No answer within the send timeout: the message may have arrived.
    maybe_sent: bool = False


def safe_text(target: Target, text: str) -> str:
    """``text`` with the target's URL redacted and every known secret replaced."""
    return logsafe.clean(scrub(redact_text(text, [target.url]), target.secrets))


def _reason(result: object) -> str:
    """The most telling captured log line of a failed call."""
    entries = []
    try:
        entries = list(result.logs())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - older apprise: no captured logs
        entries = []
    serious = [e for e in entries if e.level in ("WARNING", "ERROR", "CRITICAL")]
    chosen = serious or entries
    if not chosen:
        return "apprise reported a failure without a reason"
    return " ".join(" / ".join(e.message for e in chosen[-2:]).split())


def send(target: Target, message: Message, timeouts: Timeouts) -> SendResult:
    """Send ``message`` to ``target``; ok only when apprise reports success."""
    if not message.body.strip():
        return SendResult(False, "refused to send an empty message")
    plugin = target.plugin(timeouts)
    if plugin is None:
        return SendResult(False, f"apprise cannot load {target.redacted}")
    notifier = apprise.Apprise(asset=_asset(timeouts))
    notifier.add(plugin)
    try:
        result = notifier.notify(
            body=message.body,
            title=message.title,
            body_format=FORMATS.get(message.body_format, NotifyFormat.TEXT),
        )
    except Exception as exc:  # noqa: BLE001 - any plugin crash is a failed delivery
        return SendResult(False, safe_text(target, f"{type(exc).__name__}: {exc}"))
    if result:
        return SendResult(True)
    if getattr(result, "status", None) == AppriseResultStatus.TIMEOUT:
        reason = f"no answer within {timeouts.send:g} s: the message may have arrived"
        return SendResult(False, reason, maybe_sent=True)
    return SendResult(False, safe_text(target, _reason(result)[:1000]))


TEST_TEXT = (
    "This is a test message from stancewatch. If you can read it, alerts about stance "
    "changes on Ukraine joining NATO will reach you here."
)


def probe_message(body_format: str) -> Message:
    body = f"<p>{TEST_TEXT}</p>" if body_format == "html" else TEST_TEXT
    return Message(title="stancewatch test message", body=body, body_format=body_format)


def notify_test(targets: list[Target], timeouts: Timeouts) -> list[tuple[Target, SendResult]]:
    """Send the test message to every target; each outcome with its redacted reason."""
    return [
        (target, send(target, probe_message(target.body_format), timeouts)) for target in targets
    ]
