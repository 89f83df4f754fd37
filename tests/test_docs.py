"""Docs that cannot drift: every command has help with an example and appears in the README,
the README's tables render as tables, and nothing in the repository points outside it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt

from stancewatch.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def table_problems(markdown: str) -> list[str]:
    """Lines that look like table rows but do not render inside a table (a table split by a
    heading or a paragraph shows its rows as literal pipes), and tables whose rows do not all
    have the header's number of cells, as a GitHub-flavoured Markdown renderer sees them."""
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(markdown)
    in_tables: set[int] = set()
    problems = []
    for i, token in enumerate(tokens):
        if token.type != "table_open" or token.map is None:
            continue
        in_tables.update(range(*token.map))
        widths, cells = [], 0
        for inner in tokens[i + 1 :]:
            if inner.type == "table_close":
                break
            if inner.type in ("th_open", "td_open"):
                cells += 1
            elif inner.type == "tr_close":
                widths.append(cells)
                cells = 0
        if len(set(widths)) > 1:
            problems.append(f"line {token.map[0] + 1}: rows of {sorted(set(widths))} cells")
    fenced = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            fenced.update(range(*token.map))
    for number, line in enumerate(markdown.splitlines()):
        if line.lstrip().startswith("|") and number not in in_tables | fenced:
            problems.append(f"line {number + 1}: {line[:60]}")
    return problems


def test_every_readme_table_renders_as_a_table():
    assert table_problems(README) == []


def test_the_table_check_catches_a_split_table():
    split = "| a | b |\n|---|---|\n| 1 | 2 |\n\n### Alerts\n\nText.\n| 3 | 4 |\n"
    assert table_problems(split) == ["line 8: | 3 | 4 |"]
    assert table_problems("| a | b |\n|---|---|\n| 1 | 2 |\n") == []


#: Files whose text a user reads or runs from a checkout: none may name a path outside it.
SHIPPED = ["README.md", "stancewatch/data/sources.toml", "bench/eval_stance.py", "docs/*",
           ".env.example", "docker-compose.yml"]  # fmt: skip
OUTSIDE = re.compile(r"/work/|(?<![\w/.])shared/(seeds|eval)\b")


def test_nothing_shipped_points_outside_the_repository():
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for pattern in SHIPPED
        for path in sorted(ROOT.glob(pattern))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert hits == []


def test_eval_stance_defaults_to_the_repository_corpus(monkeypatch):
    import importlib.util

    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # it imports its neighbours
    spec = importlib.util.spec_from_file_location("eval_stance", ROOT / "bench" / "eval_stance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "eval_stance", module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    assert module.CORPUS == ROOT / "bench" / "corpus"
    assert sorted(module.CORPUS.glob("*.jsonl")), "the corpus ships in the repository"


def test_the_quick_start_opens_with_a_virtual_environment():
    """Debian's own Python refuses ``pip install .`` outside a virtual environment."""
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b.strip() for b in re.findall(r"```sh\n(.*?)```", quick, re.S)]
    assert blocks[:3] == [
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install . && stancewatch demo",
        "pip install '.[test]' && python -m pytest",
    ]
    marked = quick.split("<!-- test-command -->", 1)[1].split("<!-- /test-command -->", 1)[0]
    assert blocks[2] in marked  # .ci/run runs the command between the markers
