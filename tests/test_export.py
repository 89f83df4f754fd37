"""``stancewatch export`` on both databases: formats, filters, bad values, files.

Expected counts come from plain SQL over the stored history.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from fixtures.history import fill_history
from sqlalchemy import text

from stancewatch.cli import cli


@pytest.fixture
def filled(sessions):
    return fill_history(sessions)


def export(runner, db_url, *args):
    return runner.invoke(cli, ["--database-url", db_url, "export", *args])


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_every_format_gives_every_statement(runner, db_url, engine, filled):
    parse = {
        "csv": lambda out: list(csv.DictReader(io.StringIO(out))),
        "json": json.loads,
        "jsonl": lambda out: [json.loads(line) for line in out.splitlines()],
    }
    for fmt, read in parse.items():
        result = export(runner, db_url, "--format", fmt)
        assert result.exit_code == 0, result.output
        got = read(result.stdout)
        assert len(got) == count(engine, "select count(*) from statements"), fmt
        assert {"actor", "stance", "evidence", "url", "source", "published_at"} <= set(got[0])


FILTER_CASES = [
    (["--actor", "olaf scholz"], "select count(*) from statements where actor = 'Olaf Scholz'"),
    (["--stance", "oppose"], "select count(*) from statements where stance = 'oppose'"),
    (
        ["--source", "cnbc-world"],
        "select count(*) from statements s join articles a on a.id = s.article_id "
        "join sources src on src.id = a.source_id where src.name = 'cnbc-world'",
    ),
    (
        ["--since", "2025-03-01", "--until", "2025-05-31"],
        "select count(*) from statements s join articles a on a.id = s.article_id "
        "where a.published_at >= '2025-03-01' and a.published_at < '2025-06-01'",
    ),
    (
        ["--what", "articles", "--stance", "support"],
        "select count(distinct article_id) from statements where stance = 'support'",
    ),
    (["--what", "articles"], "select count(*) from articles"),
    (
        ["--what", "changes", "--actor", "Volodymyr Zelenskyy"],
        "select count(*) from stance_changes where actor = 'Volodymyr Zelenskyy'",
    ),
]


def test_filters_select_what_sql_selects(runner, db_url, engine, filled):
    for args, sql in FILTER_CASES:
        result = export(runner, db_url, "--format", "jsonl", *args)
        assert result.exit_code == 0, result.output
        expected = count(engine, sql)
        assert expected > 0, args
        assert len(result.stdout.splitlines()) == expected, args


def test_an_empty_export_is_still_valid(runner, db_url, filled):
    late = ["--actor", "Olaf Scholz", "--since", "2099-01-01"]
    result = export(runner, db_url, "--format", "json", *late)
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = export(runner, db_url, "--format", "csv", *late)
    assert result.stdout.splitlines()[0].startswith("statement_id,")


@pytest.mark.parametrize("alias", ["Zelenskyy", "zelensky", "Зеленський", "VOLODYMYR ZELENSKIY"])
def test_an_alias_exports_its_actor(runner, db_url, engine, filled, alias):
    """The resolver of `history` and the web: an alias (Latin or Cyrillic, any case) exports
    the canonical actor's rows, not an empty file."""
    result = export(runner, db_url, "--format", "jsonl", "--actor", alias)
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout.splitlines()]
    expected = count(engine, "select count(*) from statements where actor = 'Volodymyr Zelenskyy'")
    assert expected > 0 and len(got) == expected
    assert {row["actor"] for row in got} == {"Volodymyr Zelenskyy"}


def test_an_unknown_actor_is_one_line_with_the_closest_names(runner, db_url, filled, tmp_path):
    target = tmp_path / "out" / "zelenskyy.csv"
    target.parent.mkdir()
    result = export(runner, db_url, "--actor", "Zelenskiyy", "-o", str(target))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: unknown actor: Zelenskiyy (did you mean Volodymyr Zelenskyy?)"
    )
    assert list(target.parent.iterdir()) == []  # no file, not even an empty one
    result = export(runner, db_url, "--actor", "Qqqq Xxxx")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: unknown actor: Qqqq Xxxx (see `stancewatch actors`)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stance", "maybe"], "Error: --stance: 'maybe' is not valid (use one of support, oppose, neutral)"),
        (["--since", "2025-13-01"], "Error: --since: not a date: '2025-13-01' (use YYYY-MM-DD)"),
        (["--until", "soon"], "Error: --until: not a date: 'soon' (use YYYY-MM-DD)"),
        (["--source", "nope"], "Error: unknown source: nope (known: aggregator, censor-nato-membership, cnbc-world, fakty-en)"),
    ],
)  # fmt: skip
def test_bad_filter_values_are_one_line_and_exit_2(runner, db_url, filled, args, message):
    result = export(runner, db_url, *args)
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_output_file_is_complete_and_leaves_no_partial(runner, db_url, engine, filled, tmp_path):
    target = tmp_path / "changes.csv"
    result = export(runner, db_url, "--what", "changes", "--output", str(target))
    assert result.exit_code == 0, result.output
    got = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(got) == count(engine, "select count(*) from stance_changes")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert f"to {target}" in result.stderr


def test_changes_export_leaves_out_retracted_changes(runner, db_url, engine, filled):
    with engine.begin() as conn:
        conn.execute(text("update stance_changes set retracted_at = recorded_at where id = 1"))
    result = export(runner, db_url, "--what", "changes", "--format", "jsonl")
    ids = [json.loads(line)["change_id"] for line in result.stdout.splitlines()]
    assert 1 not in ids
    assert len(ids) == count(engine, "select count(*) from stance_changes") - 1


def test_an_unwritable_output_is_a_one_line_error(runner, db_url, filled, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.csv"
    result = export(runner, db_url, "-o", str(missing))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"Error: cannot write {missing}: No such file or directory"
    ]
    assert not missing.parent.exists()  # nothing created, nothing half-written
