"""The front door: what a new user types first, and the database faults they meet, each a one-line
error with its documented exit code (2 bad input, 3 database unreachable), never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stancewatch.cli import cli

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
        ("mysql://app:s3cret-pw@db.example.org/news", "mysql://app:***@db.example.org/news"),
        ("postgresql://app:s3cret-pw@127.0.0.1:abc/x", "postgresql://app:***@127.0.0.1:abc/x"),
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
        "Error: database unreachable (postgresql+psycopg://app:***@127.0.0.1:99999/news"
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
    path = tmp_path / "fresh.db"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "STANCEWATCH_LIBRARY_LOG_LEVEL": "INFO",
    }
    done = subprocess.run(
        [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{path}", "db", "upgrade"],
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
        "Error: unknown actor: Zelenskky (did you mean Zelensky? see `stancewatch actors`)"
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
