"""Docs that cannot drift: every command has help with an example and appears in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from stancewatch.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group = cli, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found.extend(commands(command, full + " "))
        else:
            found.append((full, command))
    return found


@pytest.mark.parametrize(
    ("name", "command"), commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_has_help_with_an_example(name, command):
    assert command.help and "Example" in command.help, name


@pytest.mark.parametrize(
    ("name", "command"), commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_is_in_the_readme(name, command):
    assert f"stancewatch {name}" in README, name
