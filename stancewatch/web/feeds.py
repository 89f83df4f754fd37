"""Atom feeds of recorded stance changes, overall and per actor (built with feedgen).

A feed reader polls ``/changes.atom`` (or one actor's feed) instead of the alert channels: each
entry is one change with its deciding quote, the quote it replaced and links to both pages.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from stancewatch.history.queries import RecordedChange

#: Entries per feed: the newest changes.
FEED_ENTRIES = 50
#: ``updated`` of a feed without entries (a fixed time, so the feed does not change).
EMPTY_UPDATED = datetime(2022, 1, 1, tzinfo=UTC)


def _title(change: RecordedChange) -> str:
    kind = " (backfill)" if change.backfill else ""
    return f"{change.actor}: {change.old_stance} → {change.new_stance}{kind}"


def _entry_summary(change: RecordedChange) -> str:
    said = f"“{change.evidence}”" + (f" ({change.outlet}: {change.url})" if change.outlet else "")
    before = f" Before: “{change.previous_evidence}”" if change.previous_evidence else ""
    stories = f" Decided by {change.stories} {'story' if change.stories == 1 else 'stories'}."
    return said + before + stories


def changes_atom(
    changes: list[RecordedChange], *, base: str, self_path: str, page_path: str, title: str
) -> bytes:
    """The Atom document for ``changes`` (newest first); ``base`` is the site's root URL."""
    feed = FeedGenerator()
    feed.id(base + self_path)
    feed.title(title)
    feed.author({"name": "stancewatch"})
    feed.link(href=base + self_path, rel="self", type="application/atom+xml")
    feed.link(href=base + page_path, rel="alternate", type="text/html")
    feed.updated(max((c.changed_at for c in changes), default=EMPTY_UPDATED))
    for change in changes:
        entry = feed.add_entry(order="append")
        entry.id(f"urn:stancewatch:change:{change.id}")  # the same whatever host serves it
        entry.title(_title(change))
        entry.updated(change.changed_at)
        entry.published(change.changed_at)
        # One link, the article page with the evidence marked (it links the outlet's copy):
        # feedgen 1.0 drops rel and type of entry links, so a second one would read as
        # another "alternate".
        page = f"/articles/{change.article_id}" if change.article_id else page_path
        entry.link(href=base + page)
        entry.category(term="backfill" if change.backfill else "live")
        entry.summary(_entry_summary(change))
    return feed.atom_str(pretty=True)
