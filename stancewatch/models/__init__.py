"""SQLAlchemy 2.0 models, one module per stage, on one declarative base."""

from stancewatch.models.base import Base, UTCDateTime, utcnow
from stancewatch.models.crawl import (
    Article,
    ArticleSignature,
    ArticleVersion,
    CrawlRun,
    FetchState,
    Source,
)
from stancewatch.models.health import SourceHealth
from stancewatch.models.outbox import OutboxMessage
from stancewatch.models.stance import (
    ActorQueue,
    ActorState,
    StanceChange,
    Statement,
    stance_change_statements,
)

__all__ = [
    "ActorQueue",
    "ActorState",
    "Article",
    "ArticleSignature",
    "ArticleVersion",
    "Base",
    "CrawlRun",
    "FetchState",
    "OutboxMessage",
    "Source",
    "SourceHealth",
    "StanceChange",
    "Statement",
    "UTCDateTime",
    "stance_change_statements",
    "utcnow",
]
