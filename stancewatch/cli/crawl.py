"""``stancewatch crawl`` and ``stancewatch search``: the crawl stage from the command line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
from rich.table import Table

from stancewatch.cli.common import (
    App,
    console,
    emit_rows,
    one_line_errors,
    output_options,
    pass_app,
)
from stancewatch.history.queries import search as search_articles
from stancewatch.models.status import RUN_FAILURE
from stancewatch.sources import select_sources

if TYPE_CHECKING:  # Scrapy is heavy: the scheduler process imports this module too
    from stancewatch.crawl.summary import CrawlSummary
    from stancewatch.flow import FlowSummary


def _reasons(s: CrawlSummary) -> str:
    counts = {**s.details.get("skipped", {})}
    for key in ("index_errors", "article_errors"):
        for reason, n in s.details.get(key, {}).items():
            counts[reason] = counts.get(reason, 0) + n
    return ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))


def _print_crawl(summaries: list[CrawlSummary]) -> None:
    """A table of counts, then one line per source saying why (skips, errors, empty runs)."""
    table = Table(title="Crawl summary")
    for col in ("source", "status", "pages", "new", "upd", "exact", "near", "skip", "err"):
        table.add_column(col, no_wrap=True)
    for s in summaries:
        table.add_row(
            s.source, s.status, str(s.pages_fetched), str(s.articles_new), str(s.articles_updated),
            str(s.duplicates_exact), str(s.duplicates_near), str(s.skipped), str(s.errors),
        )  # fmt: skip
    out = console()
    out.print(table)
    for s in summaries:
        why = s.reason or _reasons(s)
        if why:
            out.print(f"[bold]{s.source}[/bold]: {why}", highlight=False)


@click.command()
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Summary as a table or as JSON.")  # fmt: skip
@click.option("--analyze/--no-analyze", default=True, show_default=True,
              help="Analyse the new articles (and deliver alerts) after the crawl.")  # fmt: skip
@pass_app
@one_line_errors
def crawl(app: App, names: tuple[str, ...], fmt: str, analyze: bool) -> None:
    """Crawl the named sources (default: every enabled one) and print a summary, then analyse
    what is new and deliver the alerts it raises.

    Each source gets a crawl run record (crawl_runs); a run that finds nothing says why.

    Example: stancewatch crawl censor-nato-membership cnbc-world
    """
    from stancewatch import flow  # the stages are heavy: import on use

    chosen = select_sources(app.sources(), names)
    if not chosen:
        raise click.ClickException("no enabled source to crawl")
    summary = flow.crawl_analyze_deliver(
        app.settings, app.sessions(create=True), chosen, analyze_after=analyze
    )
    if fmt == "json":
        click.echo(
            json.dumps([s.as_dict() for s in summary.crawl], ensure_ascii=False, default=str)
        )
    else:
        _print_crawl(summary.crawl)
    _print_rest(summary, to_stderr=fmt == "json")
    if all(s.status in RUN_FAILURE for s in summary.crawl):
        raise SystemExit(1)


def _print_rest(summary: FlowSummary, to_stderr: bool) -> None:
    """What the analyze and deliver stages did after the crawl, when they ran."""
    if summary.analyze is not None:
        a = summary.analyze
        click.echo(
            f"analysed {a.articles} articles: {a.statements_written} statements, "
            f"{a.changes_new} new stance changes",
            err=to_stderr,
        )
    if summary.deliver is not None:
        d = summary.deliver
        click.echo(
            f"delivered {d.sent} alerts ({d.failed} failed, {d.pending} pending)", err=to_stderr
        )


@click.command("backfill")
@click.argument("name")
@click.option("--since", help="Stop once the source's coverage reaches back before this date "
              "(YYYY-MM-DD).")  # fmt: skip
@click.option("--max-pages", type=click.IntRange(min=1),
              help="Index pages to walk back through (default: backfill_max_pages).")  # fmt: skip
@pass_app
@one_line_errors
def backfill_command(app: App, name: str, since: str | None, max_pages: int | None) -> None:
    """Walk source NAME back in time: listing pages past the known ones, sitemap indexes,
    feeds' links to their older pages (RFC 5005 next / prev-archive), analysing as it goes. What it finds is history (backfill changes are never alerted).

    Interrupted (Ctrl-C), it resumes where it stopped on the next run.

    Example: stancewatch backfill censor-nato-membership --since 2022-01-01 --max-pages 200
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from stancewatch import flow  # the stages are heavy: import on use
    from stancewatch.history.queries import parse_day

    start = parse_day("--since", since)
    [source] = select_sources(app.sources(), (name,))
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console(), transient=False) as bar:  # fmt: skip
        task = bar.add_task(f"backfill {name}")

        def show(p: flow.BackfillProgress) -> None:
            oldest = p.oldest.date().isoformat() if p.oldest else "-"
            bar.update(task, description=f"backfill {name}: {p.pages} pages, {p.articles} "
                       f"articles, oldest {oldest}, {p.analysed} analysed")  # fmt: skip

        try:
            done = flow.backfill(
                app.settings, app.sessions(), source, since=start, max_pages=max_pages,
                on_progress=show,
            )  # fmt: skip
        except KeyboardInterrupt:
            raise click.ClickException(
                f"backfill of {name} interrupted; run it again to resume"
            ) from None
    fetched = done.crawl.get("pages_fetched", 0)
    oldest = done.oldest.date().isoformat() if done.oldest else "no dated article"
    stop = " (reached --since)" if done.stopped == "since" else ""
    click.echo(f"{name}: {done.pages} pages walked ({fetched} fetched in all), {done.articles} "
               f"new articles, reaches back to {oldest}{stop}; {done.analysed} analysed")  # fmt: skip
    click.echo(f"stance changes recorded: {done.changes} ({done.changes_backfill} backfill, "
               f"never alerted)")  # fmt: skip
    if done.stopped == "interrupted":
        raise click.ClickException(f"backfill of {name} interrupted; run it again to resume")


@click.command("search")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many articles.")
@output_options
@pass_app
@one_line_errors
def search_command(app: App, query: str, limit: int, fmt: str) -> None:
    """Find stored articles whose title or text contains every word of QUERY.

    Example: stancewatch search "Zelensky NATO" --format json
    """
    if not query.split():
        raise click.ClickException("QUERY must contain at least one word")
    with app.sessions()() as s:
        hits = search_articles(s, query, limit=limit)  # the same search as the web page's
    rows = [
        {
            "id": h.id,
            "published": h.published_at.date().isoformat() if h.published_at else None,
            "source": h.outlet,
            "title": h.title,
            "url": h.url,
            "duplicate_of": h.duplicate_of_id,
        }
        for h in hits
    ]
    emit_rows(rows, ["id", "published", "source", "title", "url"], fmt, title=f"Articles: {query}")


COMMANDS = [crawl, backfill_command, search_command]
