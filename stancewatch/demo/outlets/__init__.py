"""The outlets of the demo site, each shaped like a real one (see shared/seeds/SOURCES.md)."""

from stancewatch.demo.outlets.aggregator import Aggregator
from stancewatch.demo.outlets.censor import Censor
from stancewatch.demo.outlets.cnbc import Cnbc
from stancewatch.demo.outlets.fakty import Fakty
from stancewatch.demo.outlets.trouble import Trouble

OUTLET_CLASSES = {cls.name: cls for cls in (Censor, Cnbc, Fakty, Aggregator, Trouble)}

__all__ = ["OUTLET_CLASSES"]
