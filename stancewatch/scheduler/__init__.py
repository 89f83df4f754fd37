"""The scheduler service (``stancewatch run``): crawls per source on APScheduler, in child
processes, with one scheduler per database, source health and backoff.

``service`` wires it together; ``jobs`` holds the persisted job functions; ``lock`` keeps a
second instance waiting; ``health`` weighs failures, backs off and raises health alerts;
``status`` answers the health check (``stancewatch status``).
"""
