"""Alerts from stance changes: the facts gathered once, then rendered per channel by Jinja2.

A change is only worth an alert with its evidence: the new quote with its outlet, date and
link, and the quote it replaces. :func:`alert_from_change` refuses a change that lacks them,
and :meth:`Renderer.render` refuses a rendered message with an empty body or without the new
evidence's link (a user's template that drops it), so nothing half-empty is ever sent.

Templates ship in ``stancewatch/notify/templates``; a file of the same name in
``Settings.templates_dir`` replaces the packaged one. Names: ``title.txt``, ``change.txt``,
``change.md``, ``change.html``, ``digest_title.txt``, ``digest.txt``, ``digest.md``,
``digest.html``; the extension is the channel's format (html for email, md for Slack, txt for
the rest).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlsplit

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import object_session

from stancewatch.models import StanceChange, Statement

#: Longest quote put in an alert: the evidence sentence, never a whole article.
MAX_QUOTE = 500
EXTENSIONS = {"html": "html", "markdown": "md", "text": "txt"}


class RenderError(Exception):
    """This alert cannot be rendered with its substance; the outbox row is held."""


@dataclass(frozen=True)
class Quote:
    quote: str
    url: str
    outlet: str
    date: str
    title: str


@dataclass(frozen=True)
class Cited:
    """One story behind a change, or one statement pending against the old stance."""

    outlet: str
    date: str
    url: str
    confidence: float


@dataclass(frozen=True)
class Reason:
    """Why a change was allowed (``StanceChange.reason``), ready for a template."""

    #: "one statement of confidence ≥ 0.85" or "2 distinct stories within 7 days"
    rule: str
    stories: tuple[Cited, ...]
    #: "2 statements from 2 stories": the evidence of the new stance gathered in the window
    pending: str
    pending_since: str


@dataclass(frozen=True)
class Alert:
    change_id: int
    actor: str
    old_stance: str
    new_stance: str
    changed_at: datetime
    recorded_at: datetime
    stories: int
    new: Quote
    old: Quote
    history_url: str
    #: The others the same evidence changed (the country a person speaks for), in one alert.
    also: tuple[str, ...] = ()
    reason: Reason | None = None

    @property
    def who(self) -> str:
        """``Zelenskyy (and Ukraine)``: everyone this one event changed."""
        return f"{self.actor} (and {', '.join(self.also)})" if self.also else self.actor


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    body_format: str


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _outlet(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def evidence(statement: Statement | None, fallback_quote: str, which: str) -> Quote:
    """The quote, outlet, date and link of one statement, or RenderError saying what lacks."""
    quote_text = _quote(statement.evidence if statement is not None else fallback_quote or "")
    if statement is None or statement.article is None:
        raise RenderError(f"the {which} evidence's article is gone (no link to cite)")
    article = statement.article
    url = article.url or article.canonical_url
    if not quote_text:
        raise RenderError(f"the {which} evidence has no quote")
    if not url:
        raise RenderError(f"the {which} evidence has no link")
    published = article.published_at
    return Quote(
        quote=quote_text,
        url=url,
        outlet=_outlet(url) or (article.source.name if article.source else ""),
        date=published.date().isoformat() if published else "",
        title=" ".join((article.title or "").split()),
    )


def _cited(item: dict) -> Cited:
    return Cited(
        outlet=str(item.get("outlet") or _outlet(str(item.get("url") or ""))),
        date=str(item.get("published_at") or "")[:10],
        url=str(item.get("url") or ""),
        confidence=float(item.get("confidence") or 0.0),
    )


def reason_of(stored: dict | None) -> Reason | None:
    """The stored reason of a change as a template reads it (None for changes recorded before
    reasons were kept)."""
    if not stored:
        return None
    count, stories = int(stored.get("pending_count", 0)), int(stored.get("pending_stories", 0))
    pending = stored.get("pending") or []
    return Reason(
        rule=str(stored.get("text", "")),
        stories=tuple(_cited(item) for item in stored.get("stories") or []),
        pending=(
            f"{count} statement{'' if count == 1 else 's'} from {stories}"
            f" stor{'y' if stories == 1 else 'ies'}"
        ),
        pending_since=str(pending[0].get("published_at", ""))[:10] if pending else "",
    )


def alerted_with(change: StanceChange) -> list[str]:
    """The other actors changed by the same evidence and alerted with ``change``."""
    session = object_session(change)
    if session is None or not change.event_key:
        return []
    query = (
        select(StanceChange.actor)
        .where(
            StanceChange.event_key == change.event_key,
            StanceChange.id != change.id,
            StanceChange.retracted_at.is_(None),
            StanceChange.backfill.is_(False),
            StanceChange.blocked.is_(False),
        )
        .order_by(StanceChange.id)
    )
    return list(session.scalars(query))


def alert_from_change(change: StanceChange, public_url: str) -> Alert:
    """Gather what an alert says about ``change`` (loaded in an open session), with the
    others its evidence changed and the reason it was allowed."""
    return Alert(
        change_id=change.id,
        actor=change.actor,
        old_stance=change.old_stance,
        new_stance=change.new_stance,
        changed_at=change.changed_at,
        recorded_at=change.recorded_at,
        stories=change.stories or 1,
        new=evidence(change.statement, change.evidence, "new"),
        old=evidence(change.previous_statement, change.previous_evidence, "previous"),
        history_url=f"{public_url.rstrip('/')}/actors/{quote(change.actor, safe='')}",
        also=tuple(alerted_with(change)),
        reason=reason_of(change.reason),
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md_escape(text: str) -> str:
    """Escape Markdown emphasis, code, link and markup characters in quoted text.

    ``<`` and ``>`` matter most: Slack reads ``<!channel>``, ``<!here>`` and
    ``<http://evil|click here>`` in a crawled quote as a mention or a disguised link. A
    CommonMark backslash escape keeps them literal in every Markdown channel, and apprise's
    Slack plugin turns ``\\<`` / ``\\>`` into the ``&lt;`` / ``&gt;`` Slack requires (it
    entity-escapes a bare ``&`` itself, so ``&`` is left alone here: ``\\&`` would show).
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


class Renderer:
    """Jinja2 templates: the user's directory first, then the packaged ones."""

    def __init__(self, templates_dir: str | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir:
            loaders.append(jinja2.FileSystemLoader(templates_dir))
        loaders.append(jinja2.PackageLoader("stancewatch.deliver", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["md"] = md_escape

    def _render(self, name: str, **context: object) -> str:
        try:
            return self.env.get_template(name).render(**context).strip()
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {name}: {exc}") from None

    def render(self, alerts: Sequence[Alert], body_format: str, day: date | None = None) -> Message:
        """One message: a single change, or a day's digest when ``day`` is given."""
        if not alerts:
            raise RenderError("nothing to render")
        ext = EXTENSIONS.get(body_format, "txt")
        if day is None:
            [alert] = alerts
            title = self._render("title.txt", alert=alert)
            body = self._render(f"change.{ext}", alert=alert)
        else:
            title = self._render("digest_title.txt", alerts=alerts, day=day)
            body = self._render(f"digest.{ext}", alerts=alerts, day=day)
        title = " ".join(title.split())
        if not title or not body:
            raise RenderError("the rendered message is empty")
        for alert in alerts:
            if alert.new.url not in body and html.escape(alert.new.url) not in body:
                raise RenderError(f"the rendered message lacks the evidence link of {alert.actor}")
        return Message(title=title, body=body, body_format=body_format)
