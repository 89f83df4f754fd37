"""A local news site for tests, benchmarks and ``stancewatch demo`` (no network needed)."""

from stancewatch.demo.coverage import CoverageArticle, load_coverage, new_article
from stancewatch.demo.site import DemoSite

__all__ = ["CoverageArticle", "DemoSite", "load_coverage", "new_article"]
