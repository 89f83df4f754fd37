"""``stancewatch sources``: what would be crawled."""

from __future__ import annotations

import click

from stancewatch.cli.common import App, emit_rows, one_line_errors, output_options, pass_app


def _human_interval(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@click.command("sources")
@output_options
@pass_app
@one_line_errors
def sources_cmd(app: App, fmt: str) -> None:
    """List the configured sources (packaged, or --sources FILE).

    Example: stancewatch sources --format json
    """
    rows = []
    for s in app.sources():
        row = s.to_dict()
        row["interval"] = _human_interval(s.interval) if fmt == "table" else s.interval
        if fmt == "table":
            row["start_urls"] = " ".join(s.start_urls)
            row["enabled"] = "yes" if s.enabled else "no"
        rows.append(row)
    emit_rows(rows, ["name", "kind", "interval", "enabled", "start_urls"], fmt, title="Sources")


COMMANDS = [sources_cmd]
