"""sources.toml: the packaged file, validation with one-line messages, and the command."""

from __future__ import annotations

import json

import pytest

from stancewatch.cli import cli
from stancewatch.errors import ConfigError, UnknownSourceError
from stancewatch.sources import load_sources, parse_interval, select_sources


def test_packaged_sources_cover_the_seed_outlets():
    sources = {s.name: s for s in load_sources()}
    assert sources["censor-nato-membership"].kind == "listing"
    assert "censor.net" in sources["censor-nato-membership"].start_urls[0]
    assert {"cnbc-world", "cnbc-europe", "cnbc-news-sitemap", "fakty-en"} <= set(sources)
    assert len(sources) >= 12
    assert sources["reuters"].enabled is False
    for s in sources.values():
        assert s.kind in {"feed", "sitemap", "listing"} and s.start_urls


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[[sources]\n", "invalid TOML"),
        ('[[sources]]\nname = "a"\nkind = "blog"\nstart_urls = ["https://x.org/"]\n',
         "source #1 ('a'): unknown kind 'blog'"),
        ('[[sources]]\nname = "b"\nkind = "feed"\n', "source #1 ('b'): missing start_urls"),
        ('[[sources]]\nname = "c"\nkind = "feed"\nstart_urls = ["ftp://x"]\n', "not an http"),
        ('[[sources]]\nname = "d"\nkind = "feed"\nstart_urls = ["https://x.org/"]\n'
         'interval = "often"\n', "source #1 ('d'): not an interval"),
        ('[[sources]]\nname = "e"\nkind = "feed"\nstart_urls = ["https://x.org/"]\n'
         'article_pattern = "("\n', "article_pattern is not a regex"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_naming_the_entry(tmp_path, toml, message):
    path = tmp_path / "sources.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_sources(str(path))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_intervals():
    assert parse_interval("30m") == 1800
    assert parse_interval("2h") == 7200
    assert parse_interval(45) == 45
    with pytest.raises(ValueError):
        parse_interval("0s")


def test_select_unknown_source_names_it():
    with pytest.raises(UnknownSourceError, match="unknown source: nope"):
        select_sources(load_sources(), ("nope",))
    assert all(s.enabled for s in select_sources(load_sources(), ()))


def test_sources_command_json(runner):
    result = runner.invoke(cli, ["sources", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert rows[0]["name"] == "censor-nato-membership" and rows[0]["interval"] == 1800


def test_bad_sources_file_is_one_line_and_exit_2(runner, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[sources]]\nname = "x"\nkind = "blog"\nstart_urls = ["https://x.org/"]\n')
    result = runner.invoke(cli, ["--sources", str(path), "sources"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {path}: source #1 ('x'): unknown kind 'blog' (expected one of feed, sitemap, listing)"
    ]
