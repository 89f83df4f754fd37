"""The package layout shows the flow: a stage never imports a later one.

crawl -> analyze (with the engine in ``stance/``) -> deliver. The read side (``history/``), the
scheduler, the web page, the CLI, the demo and ``flow.py`` sit above the stages and may use any;
the shared modules at the top (settings, errors, db, actors, sources, redact, migrations) use no
stage, and ``models/`` imports nothing of ours but itself. Imports inside functions and under
``TYPE_CHECKING`` count too: a lazy import is still a dependency. And a name says one thing: no
two modules define a top-level class or function of the same name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "stancewatch"

#: Stage of each top-level part; a part may import parts of its own or an earlier rank.
RANK = {"crawl": 1, "stance": 2, "analyze": 2, "deliver": 3}
SHARED = {"settings", "errors", "db", "actors", "sources", "redact", "migrations", "data"}


def part_of(module: str) -> str:
    """``stancewatch.crawl.spider`` -> ``crawl``; ``stancewatch`` itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    """Every ``stancewatch...`` module a file imports, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("stancewatch")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "stancewatch":
                found |= {f"stancewatch.{a.name}" for a in node.names}
            elif node.module.startswith("stancewatch."):
                found.add(node.module)
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


def violations(found: list[tuple[str, Path]] | None = None) -> list[str]:
    bad = []
    for name, path in modules() if found is None else found:
        here = part_of(name)
        for target in sorted(imports_of(path)):
            there = part_of(target)
            if there in {"", here} or there.startswith("__"):
                continue
            if here == "models":
                bad.append(f"{name} imports {target}: models import nothing of ours")
            elif here in SHARED and there not in SHARED and there != "models":
                bad.append(f"{name} imports {target}: a shared module uses no stage")
            elif here in RANK and there in RANK and RANK[there] > RANK[here]:
                bad.append(f"{name} imports {target}: {here} comes before {there}")
            elif here in RANK and there not in RANK and there not in SHARED and there != "models":
                bad.append(f"{name} imports {target}: a stage never imports {there}")
    return bad


def test_no_stage_imports_a_later_stage():
    assert violations() == []


@pytest.mark.parametrize(
    ("module", "target", "allowed"),
    [
        ("stancewatch.crawl.spider", "stancewatch.deliver.outbox", False),
        ("stancewatch.analyze.replay", "stancewatch.deliver.outbox", False),
        ("stancewatch.models.outbox", "stancewatch.settings", False),
        ("stancewatch.deliver.runner", "stancewatch.analyze.tracker", True),
        ("stancewatch.flow", "stancewatch.deliver.runner", True),
    ],
)
def test_the_rule_tells_forward_from_backward(module, target, allowed, tmp_path):
    """The checker is not vacuous: a forward import is caught, a backward one passes."""
    fake = tmp_path / "fake.py"
    fake.write_text(f"def later():\n    import {target}\n", encoding="utf-8")
    assert (violations([(module, fake)]) == []) is allowed


def test_every_stage_is_one_folder():
    for stage in ("crawl", "analyze", "deliver", "history", "scheduler", "models", "web", "cli"):
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    for gone in ("spiders", "pipelines", "dedup", "track", "notify", "query.py", "analyze.py"):
        assert not (PACKAGE / gone).exists(), f"{gone} should have moved into its stage"


def test_jobs_stored_by_the_previous_layout_still_schedule(tmp_path):
    """APScheduler keeps ``module:function`` references in ``apscheduler_jobs``: the layout
    moves left the job functions where they were, so a database written before still loads."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from stancewatch.scheduler.jobs import crawl_job, deliver_job

    url = f"sqlite:///{tmp_path / 'before.db'}"

    def scheduler() -> BackgroundScheduler:
        return BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)})

    before = scheduler()
    before.start(paused=True)
    before.add_job("stancewatch.scheduler.jobs:crawl_job", "interval", minutes=10, id="alpha",
                   args=["alpha"])  # fmt: skip
    before.add_job("stancewatch.scheduler.jobs:deliver_job", "interval", minutes=1, id="deliver")
    before.shutdown(wait=False)
    after = scheduler()
    after.start(paused=True)
    try:
        jobs = {job.id: job for job in after.get_jobs()}
        assert jobs["alpha"].func is crawl_job and jobs["alpha"].args == ("alpha",)
        assert jobs["deliver"].func is deliver_job
        assert all(job.next_run_time is not None for job in jobs.values())
    finally:
        after.shutdown(wait=False)


#: Top-level names two modules may both define: protocol names, fixed from outside the package.
#: ``upgrade`` / ``downgrade`` are Alembic's verbs: ``migrations.py`` runs Alembic's commands of
#: those names and ``cli/db.py`` holds the ``db upgrade`` / ``db downgrade`` commands (click
#: names a command after its function). ``main`` is an entry point's conventional name.
PROTOCOL_NAMES = {"main", "upgrade", "downgrade"}


def top_level_names(path: Path) -> set[str]:
    """Classes and functions a module defines at its top level (private ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


def clashes(found: list[tuple[str, Path]] | None = None) -> dict[str, list[str]]:
    """Names defined by more than one module (protocol names aside), with those modules."""
    where: dict[str, list[str]] = {}
    for name, path in modules() if found is None else found:
        for defined in top_level_names(path):
            where.setdefault(defined, []).append(name)
    return {n: m for n, m in sorted(where.items()) if len(m) > 1 and n not in PROTOCOL_NAMES}


def test_each_class_and_function_name_is_defined_by_one_module():
    assert clashes() == {}


def test_the_name_check_is_not_vacuous(tmp_path):
    """Two modules defining one private name are caught; a protocol name passes."""
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text("def _page():\n    pass\n\n\ndef upgrade():\n    pass\n", encoding="utf-8")
    second.write_text("class _page:\n    def upgrade(self):\n        pass\n", encoding="utf-8")
    found = [("stancewatch.first", first), ("stancewatch.second", second)]
    assert clashes(found) == {"_page": ["stancewatch.first", "stancewatch.second"]}
    assert "Article" in top_level_names(PACKAGE / "models" / "crawl.py")  # it reads real files
