"""Settings precedence: defaults < config file < environment < CLI flags."""

from __future__ import annotations

import pytest

from stancewatch.errors import ConfigError
from stancewatch.settings import Settings, load_settings


def test_defaults_without_environment():
    s = load_settings(environ={})
    assert s.database_url == "sqlite:///stancewatch.db"
    assert s.robotstxt_obey is True
    assert s.user_agent.startswith("stancewatch/") and s.contact_url in s.user_agent


def test_precedence_file_then_environment_then_flags(tmp_path):
    cfg = tmp_path / "sw.toml"
    cfg.write_text('database_url = "sqlite:///file.db"\ndownload_timeout = 12\ndigest = true\n')
    env = {"STANCEWATCH_CONFIG": str(cfg), "STANCEWATCH_DOWNLOAD_TIMEOUT": "7"}
    s = load_settings(environ=env)
    assert (s.database_url, s.download_timeout, s.digest) == ("sqlite:///file.db", 7.0, True)
    s = load_settings(environ=env, overrides={"database_url": "sqlite:///flag.db"})
    assert s.database_url == "sqlite:///flag.db"


def test_notify_urls_split_on_spaces_and_commas():
    s = load_settings(environ={"STANCEWATCH_NOTIFY_URLS": "json://a/b, slack://T/B/C  mailto://x"})
    assert s.notify_urls == ("json://a/b", "slack://T/B/C", "mailto://x")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STANCEWATCH_DOWNLOAD_TIMEOUT": "soon"}, "download_timeout must be float"),
        ({"STANCEWATCH_ROBOTSTXT_OBEY": "perhaps"}, "robotstxt_obey must be bool"),
        ({"STANCEWATCH_CONFIG": "/nonexistent/sw.toml"}, "config file not found"),
    ],
)
def test_bad_values_are_one_line_errors(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)


def test_bad_toml_names_the_file(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("database_url = \n")
    with pytest.raises(ConfigError, match=r"invalid TOML in .*bad\.toml"):
        load_settings(environ={"STANCEWATCH_CONFIG": str(cfg)})


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().database_url = "x"  # type: ignore[misc]
