"""The front door: what a new user types first, and the database faults they meet, each a one-line
error with its documented exit code (2 bad input, 3 database unreachable), never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stancewatch.cli import cli
from stancewatch.models import utcnow

ROOT = Path(__file__).resolve().parent.parent


def one_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


READ_COMMANDS = [
    ["changes"],
    ["history", "Zelenskyy"],
    ["status"],
    ["export"],
    ["search", "NATO"],
    ["web", "--port", "0"],
    ["analyze"],
    ["db", "current"],
]


@pytest.mark.parametrize(
    "argv", READ_COMMANDS, ids=lambda a: a[0] + (" " + a[1] if a[0] == "db" else "")
)
def test_a_read_command_on_a_missing_sqlite_file_creates_nothing(runner, tmp_path, argv):
    path = tmp_path / "typo" / "stancewatch.db"
    result = runner.invoke(cli, ["--database-url", f"sqlite:///{path}", *argv])
    assert result.exit_code == 2, result.output
    assert one_line(result) == (
        f"Error: no database at {path}: create it with `stancewatch db upgrade` "
        "or `stancewatch crawl`"
    )
    assert not path.parent.exists()


def test_db_upgrade_creates_the_file_and_its_directory(runner, tmp_path):
    path = tmp_path / "new" / "dir" / "stancewatch.db"
    result = runner.invoke(cli, ["--database-url", f"sqlite:///{path}", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert path.is_file()
    again = runner.invoke(
        cli, ["--database-url", f"sqlite:///{path}", "changes", "--format", "json"]
    )
    assert (again.exit_code, again.output.strip()) == (0, "[]")


SUPPORTED = "stancewatch runs on SQLite (sqlite:///FILE) and PostgreSQL (postgresql://USER@HOST/DB)"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mysql://app:s3cret-pw@db.example.org/news", "mysql://***:***@db.example.org/news"),
        ("postgresql://app:s3cret-pw@127.0.0.1:abc/x", "postgresql://***:***@127.0.0.1:abc/x"),
        ("not a url", "not a url"),
    ],
)
def test_an_unsupported_database_url_names_the_supported_ones(runner, url, shown):
    result = runner.invoke(cli, ["--database-url", url, "changes"])
    assert result.exit_code == 2, result.output
    assert one_line(result) == f"Error: unsupported database URL {shown}: {SUPPORTED}"
    assert "s3cret" not in result.output


def test_a_corrupt_sqlite_file_is_unreachable(runner, tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is no SQLite file at all\n" * 200)
    result = runner.invoke(cli, ["--database-url", f"sqlite:///{path}", "changes"])
    assert result.exit_code == 3, result.output
    assert one_line(result) == (
        f"Error: database unreachable (sqlite:///{path}): file is not a database"
    )


def test_a_directory_that_cannot_be_created(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    path = blocker / "sub" / "stancewatch.db"
    result = runner.invoke(cli, ["--database-url", f"sqlite:///{path}", "db", "upgrade"])
    assert result.exit_code == 3, result.output
    assert one_line(result) == (
        f"Error: database unreachable (sqlite:///{path}): "
        f"cannot create directory {path.parent}: Not a directory"
    )


def test_a_bad_port_is_unreachable_and_the_password_stays_hidden(runner):
    url = "postgresql://app:s3cret-pw@127.0.0.1:99999/news?sslmode=disable"
    result = runner.invoke(cli, ["--database-url", url, "changes"])
    assert result.exit_code == 3, result.output
    line = one_line(result)
    assert line.startswith(
        "Error: database unreachable (postgresql+psycopg://***:***@127.0.0.1:99999/news"
    ), line
    assert "invalid port number" in line and "s3cret" not in line


def test_a_refused_connection_hides_a_password_given_as_a_query_parameter(runner):
    url = "postgresql://app@127.0.0.1:1/news?password=s3cret-pw"
    result = runner.invoke(cli, ["--database-url", url, "status"])
    assert result.exit_code == 3, result.output
    line = one_line(result)
    assert line.startswith("Error: database unreachable (") and "Connection refused" in line
    assert "s3cret" not in line


def test_a_missing_driver_is_unreachable(runner):
    result = runner.invoke(
        cli, ["--database-url", "postgresql+pg8000://app@127.0.0.1/x", "changes"]
    )
    assert result.exit_code == 3, result.output
    assert one_line(result).startswith(
        "Error: database unreachable (postgresql+pg8000://"
    ) and one_line(result).endswith(
        "/x): driver postgresql+pg8000 is not installed (No module named 'pg8000')"
    )


def test_opening_a_database_logs_no_alembic_lines(tmp_path):
    """A command that migrates an empty database on first use says nothing about Alembic on
    stderr (its INFO lines are the library's business); our own INFO lines still show."""
    path = tmp_path / "empty.db"
    path.touch()  # exists, empty: the first command migrates it
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "STANCEWATCH_NOTIFY_URLS": "json://127.0.0.1:1/hook"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{path}", "deliver"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("deliver: 0 sent")
    debug = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{path}",
         "--log-level", "ERROR", "deliver"],
        env=env | {"STANCEWATCH_LIBRARY_LOG_LEVEL": "INFO"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert debug.returncode == 0 and debug.stderr == "", debug.stderr


def test_library_info_lines_show_when_asked_for(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "STANCEWATCH_LIBRARY_LOG_LEVEL": "INFO",
           "STANCEWATCH_NOTIFY_URLS": "json://127.0.0.1:1/hook"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{path}", "deliver"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "INFO alembic.runtime.migration: Running upgrade" in done.stderr


def test_an_unknown_source_suggests_the_closest_and_lists_every_name(runner):
    from stancewatch.sources import load_sources

    names = sorted(s.name for s in load_sources(None))
    assert len(names) > 12  # the old message cut the list at 12
    result = runner.invoke(cli, ["crawl", "cnbc-wrld"])
    assert result.exit_code == 2, result.output
    assert one_line(result) == (
        f"Error: unknown source: cnbc-wrld (did you mean cnbc-world? known: {', '.join(names)})"
    )


def test_an_unknown_actor_suggests_the_closest(runner, sqlite_url):
    result = runner.invoke(cli, ["--database-url", sqlite_url, "history", "Zelenskky"])
    assert result.exit_code == 2, result.output
    assert one_line(result) == (
        "Error: unknown actor: Zelenskky (did you mean Volodymyr Zelenskyy?)"
    )
    far = runner.invoke(cli, ["--database-url", sqlite_url, "history", "Qqqqqq"])
    assert one_line(far) == "Error: unknown actor: Qqqqqq (see `stancewatch actors`)"


def test_a_misspelt_config_key_is_refused_with_the_closest(runner, tmp_path):
    config = tmp_path / "stancewatch.toml"
    config.write_text("deliver_max_atempts = 3\ndigest = true\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "sources"])
    assert result.exit_code == 2, result.output
    assert one_line(result) == (
        f"Error: {config}: unknown key(s) deliver_max_atempts (did you mean deliver_max_attempts?)"
    )


LONG_URL = "https://www.example.org/en/news/4151860/" + "nato_membership_is_the_only_guarantee_" * 3


def _stored_statement(url: str) -> None:
    from stancewatch.db import make_engine, session_factory
    from stancewatch.models import Article, Source, Statement

    engine = make_engine(url)
    with session_factory(engine).begin() as s:
        source = Source(name="censor-nato-membership", kind="listing")
        s.add(source)
        s.flush()
        article = Article(source_id=source.id, url=LONG_URL, canonical_url=LONG_URL,
                          title="NATO membership is the only guarantee", text="x" * 40,
                          content_hash="h1", published_at=utcnow(), fetched_at=utcnow())  # fmt: skip
        s.add(article)
        s.flush()
        for stance in ("support", "oppose"):
            s.add(Statement(article_id=article.id, actor="Gabrielius Landsbergis",
                            actor_kind="person", stance=stance, confidence=0.9,
                            evidence="NATO membership is the only effective guarantee of "
                                     "security for Ukraine, said the former minister " * 2,
                            span_start=0, span_end=10, cue="test"))  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("argv", [["history", "Gabrielius Landsbergis"], ["search", "NATO"]])
def test_tables_fit_80_columns_with_urls_whole(runner, sqlite_url, argv):
    _stored_statement(sqlite_url)
    result = runner.invoke(cli, ["--database-url", sqlite_url, *argv], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"  {LONG_URL}" in lines  # whole, on its own line, never cut with an ellipsis
    assert all(len(line) <= 80 for line in lines if LONG_URL not in line), result.output
    day = utcnow().date().isoformat()
    assert any(day in line and "censor-nato-membership" in line for line in lines), lines


def test_wide_keeps_one_table_row_per_line(runner, sqlite_url):
    _stored_statement(sqlite_url)
    result = runner.invoke(
        cli, ["--database-url", sqlite_url, "search", "NATO", "--wide"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if LONG_URL in line]
    assert row.startswith("│ 1 ") and "NATO membership is the only guarantee" in row


def test_stances_are_coloured_on_a_terminal(runner, sqlite_url):
    _stored_statement(sqlite_url)
    argv = ["--database-url", sqlite_url, "history", "Gabrielius Landsbergis", "--wide"]
    coloured = runner.invoke(cli, argv, env={"FORCE_COLOR": "1"})
    assert "\x1b[32msupport\x1b[0m" in coloured.output  # green
    assert "\x1b[31moppose\x1b[0m" in coloured.output  # red
    plain = runner.invoke(cli, argv, env={"NO_COLOR": "1", "FORCE_COLOR": ""})
    assert "\x1b[" not in plain.output


def _export_on_terminals(sqlite_url: str, tmp_path: Path, stdout_tty: bool, *args: str) -> str:
    """Run ``export`` with stderr (and perhaps stdout) on a pseudo-terminal; what the
    terminal shows."""
    import os
    import pty

    leader, follower = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "80", "TERM": "xterm"}
    out_file = (tmp_path / "stdout.txt").open("w")
    done = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", sqlite_url, "export", *args],
        stdout=follower if stdout_tty else out_file, stderr=follower, env=env, timeout=120,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_export_bar_shows_only_on_a_terminal_and_never_over_the_rows(sqlite_url, tmp_path):
    _stored_statement(sqlite_url)
    target = tmp_path / "out.csv"
    to_file = _export_on_terminals(sqlite_url, tmp_path, False, "-o", str(target))
    assert "exporting" in to_file and target.read_text().count("\n") == 3
    to_screen = _export_on_terminals(sqlite_url, tmp_path, True)
    assert "exporting" not in to_screen and "Gabrielius Landsbergis" in to_screen
    piped = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", sqlite_url, "export"],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin",
                                                          "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout.count("\n") == 3


def _commands(group, path=()):
    """Every command of the CLI with its path (``("db", "upgrade")``)."""
    import click

    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def test_help_texts_name_no_function_of_the_package(runner):
    """A rename must not leak into prose: no ``--help`` mentions one of our snake_case
    function names (``crawl_analyze_deliver`` once replaced the word "run" in a sentence)."""
    import ast

    package = ROOT / "stancewatch"
    functions = {
        node.name
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "_" in node.name.strip("_")
    }
    assert "crawl_analyze_deliver" in functions
    commands = list(_commands(cli))
    assert ("crawl",) in commands and ("db", "upgrade") in commands
    for command in commands:
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0, result.output
        words = set(re.findall(r"\w+", result.output))
        assert words & functions == set(), (command, words & functions)
