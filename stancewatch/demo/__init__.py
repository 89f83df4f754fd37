"""A local news site for tests, benchmarks and ``stancewatch demo`` (no network needed)."""

from stancewatch.demo.coverage import Article, load_coverage
from stancewatch.demo.site import DemoSite

__all__ = ["Article", "DemoSite", "load_coverage"]
