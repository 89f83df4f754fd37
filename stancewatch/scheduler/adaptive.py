"""Adaptive crawl interval: crawl a source about as often as it really publishes, within bounds.

A source's ``interval`` in sources.toml is a guess made once. A wire feed with news every few
minutes waits too long for its alerts on a 30-minute guess, and a weekly column is fetched 300
times for nothing. With ``adaptive_interval`` on, the next crawl after a successful one waits
half the median gap between the source's runs that found new articles (the gaps health's
rhythm is computed from): an article that appears at a random moment then waits a quarter of
its gap on average. The delay stays inside ``[adaptive_min_factor, adaptive_max_factor]``
times the configured interval, so politeness and the worst-case wait stay what the operator
chose.

The gaps are measured between crawls, so they are never shorter than the crawl spacing: a
source that has news at every crawl walks down to the lower bound, one that rarely has news
walks up to the upper bound, which is the intent.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from stancewatch.settings import Settings
from stancewatch.sources import SourceConfig

#: Fewer gaps than this say too little about a source's rhythm: keep its configured interval.
MIN_GAPS = 3


def adaptive_delay(
    gaps: Sequence[float], interval: float, min_factor: float, max_factor: float
) -> float:
    """Seconds until a source's next crawl, from the gaps (seconds) between its runs with news.

    Half the median gap, clamped to ``[min_factor * interval, max_factor * interval]``; the
    configured ``interval`` itself while there are fewer than :data:`MIN_GAPS` gaps. The
    median, not the mean, so one long weekend or one burst does not swing the schedule.
    Deterministic: the same gaps give the same delay, in any order.
    """
    if len(gaps) < MIN_GAPS:
        return interval
    low = min_factor * interval
    high = max(max_factor * interval, low)
    return min(max(statistics.median(gaps) / 2, low), high)


def adaptive_enabled(source: SourceConfig, settings: Settings) -> bool:
    """Whether ``source`` adapts: its own ``adaptive`` key when set, else the global setting."""
    return settings.adaptive_interval if source.adaptive is None else source.adaptive
