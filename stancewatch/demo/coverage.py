"""The demo coverage: articles built from the seed documents, shipped as ``coverage.json``.

Phases play the story back in order: 1 the 2024-2025 coverage (Zelenskyy, Sybiha and others
back membership; the US, Germany, Hungary, Slovakia hold back), 2 the December 2025 coverage
(Zelenskyy offers to drop the bid), 3 the Kachka interview of January 2026. The file is built by
``tools/build_demo_coverage.py``; dates of the Censor.NET items are approximate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from typing import Any

OUTLETS = ("censor", "cnbc", "fakty", "aggregator")


@dataclass(frozen=True)
class CoverageArticle:
    """One article as an outlet publishes it; ``copy_of`` marks a syndicated copy."""

    id: str
    outlet: str
    slug: str
    published: datetime
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    author: str
    phase: int = 1
    modified: datetime | None = None
    section: str = "news"
    caption: str | None = None
    views: int = 0
    comments: int = 0
    trend: str | None = None
    copy_of: str | None = None
    #: Query string the aggregator's feed adds to this copy's link (an exact duplicate by text).
    tracking_query: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def updated(self) -> datetime:
        return self.modified or self.published

    @property
    def path(self) -> str:
        """The article's path on its outlet, shaped like the real outlet's URLs."""
        p = self.published
        if self.outlet == "censor":
            number = self.id.rsplit("-", 1)[-1]
            return f"/en/{self.section}/{number}/{self.slug}"
        if self.outlet == "cnbc":
            return f"/{p:%Y/%m/%d}/{self.slug}.html"
        if self.outlet == "fakty":
            return f"/en/ukraine/{self.slug}/"
        return f"/news/{self.slug}/"

    @property
    def listed_path(self) -> str:
        """The path as feeds and listings link it (with tracking parameters, if any)."""
        return f"{self.path}?{self.tracking_query}" if self.tracking_query else self.path

    def text(self) -> str:
        """The body as plain text (headings without their ``## `` marker)."""
        return "\n".join(p.removeprefix("## ") for p in self.paragraphs)

    def with_changes(self, **changes: Any) -> CoverageArticle:
        return replace(self, **changes)


def new_article(
    outlet: str, title: str, paragraphs: Sequence[str] = (), *, n: int = 0, **fields: Any
) -> CoverageArticle:
    """An article that is not in the coverage, for an outlet of the demo site or a site a test
    serves itself: published now unless ``published`` says otherwise; the slug (with the date
    on FAKTY), the id (``n`` keeps ids apart), the lead and the author follow unless given."""
    paragraphs = tuple(paragraphs or (fields.get("lead") or title,))
    published = fields.pop("published", None) or datetime.now(UTC).replace(microsecond=0)
    slug = re.sub(r"[^a-z0-9]+", "_" if outlet == "censor" else "-", title.lower()).strip("-_")[:80]
    if outlet == "fakty":
        slug = f"{published:%Y%m%d}-{slug}"
    number = 4_200_000 + n
    defaults: dict[str, Any] = {
        "id": f"{outlet}-{number}" if outlet == "censor" else f"{outlet}-added-{n}",
        "slug": slug, "lead": paragraphs[0], "author": "Staff", "phase": 0,
    }  # fmt: skip
    data = {**defaults, **fields, "outlet": outlet, "title": title, "paragraphs": paragraphs}
    return CoverageArticle(**data, published=published)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def article_from_dict(raw: dict[str, Any]) -> CoverageArticle:
    data = dict(raw)
    data["published"] = _parse_time(data["published"])
    if data.get("modified"):
        data["modified"] = _parse_time(data["modified"])
    data["paragraphs"] = tuple(data["paragraphs"])
    return CoverageArticle(**data)


def load_coverage() -> list[CoverageArticle]:
    """Every article of the packaged coverage, newest first."""
    text = resources.files("stancewatch.demo").joinpath("coverage.json").read_text("utf-8")
    articles = [article_from_dict(raw) for raw in json.loads(text)]
    return sorted(articles, key=lambda a: a.published, reverse=True)


def select(
    articles: list[CoverageArticle], phase: int | None = None, ids: list[str] | None = None
) -> list[CoverageArticle]:
    """Articles of phases ``<= phase`` and/or with the given ids (both: either matches)."""
    if phase is None and ids is None:
        return list(articles)
    wanted = set(ids or ())
    return [a for a in articles if (phase is not None and a.phase <= phase) or a.id in wanted]
