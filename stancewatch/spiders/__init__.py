"""Scrapy spiders: one config-driven spider for every source kind."""
