"""The crawl stage: items, the article store it writes to, and running Scrapy crawls."""
