"""The read-only web page and JSON API (``stancewatch web``)."""

from stancewatch.web.app import create_app

__all__ = ["create_app"]
