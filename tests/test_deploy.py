"""Deployment files: docker-compose.yml runs real commands, the image runs as non-root, and
the compose stack's commands work in order against the real PostgreSQL (without Docker)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest
import yaml
from sqlalchemy import text

from stancewatch.cli import cli
from stancewatch.db import make_engine
from stancewatch.demo import DemoSite
from stancewatch.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def stancewatch_commands() -> list[tuple[str, list[str]]]:
    """(where, argv) of every ``stancewatch ...`` command and health check in the file."""
    found = []
    for name, service in SERVICES.items():
        command = service.get("command")
        if command:
            found.append((f"{name}.command", list(command)))
        test = service.get("healthcheck", {}).get("test")
        if test and test[0] == "CMD":
            found.append((f"{name}.healthcheck", list(test[1:])))
    return [(where, argv[1:]) for where, argv in found if argv[0] == "stancewatch"]


def resolve(argv: list[str]) -> click.Command | None:
    """The click command ``argv`` names, after checking its arguments parse; None if unknown."""
    group: click.Group = cli
    args = list(argv)
    while args:
        name = args.pop(0)
        command = group.commands.get(name)
        if command is None:
            return None
        if isinstance(command, click.Group):
            group = command
            continue
        command.make_context(name, args)  # raises on an unknown option or a bad value
        return command
    return None


@pytest.mark.parametrize(("where", "argv"), stancewatch_commands(), ids=lambda v: str(v))
def test_every_compose_command_is_a_real_stancewatch_command(where, argv):
    assert resolve(argv) is not None, f"{where}: stancewatch {' '.join(argv)}"


def test_the_stack_has_its_services_in_order():
    assert set(SERVICES) >= {"db", "migrate", "scheduler", "web"}
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in db["healthcheck"]["test"]
    volume = db["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"], "the database lives in a named volume"
    assert SERVICES["migrate"]["command"] == ["stancewatch", "db", "upgrade"]
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("scheduler", "web"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert SERVICES[name]["restart"] == "unless-stopped"
    assert SERVICES["scheduler"]["healthcheck"]["test"] == [
        "CMD", "stancewatch", "status", "--service"
    ]  # fmt: skip
    for port in SERVICES["web"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), "the web page is published on localhost only"


def test_the_image_runs_as_a_non_root_user():
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert bases and all(base == "python:3.11-slim" for base in bases)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert any("pip install" in line and " ." in line for line in lines)


def test_env_example_names_only_real_settings():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*STANCEWATCH_([A-Z_]+)=", text, re.M))
    fields = {name.upper() for name in Settings.__dataclass_fields__}
    assert "NOTIFY_URLS" in names
    assert "DATABASE_URL" not in names, "compose builds the URL from POSTGRES_PASSWORD"
    assert names <= fields, names - fields
    assert re.search(r"^# STANCEWATCH_NOTIFY_URLS=mailtos?://", text, re.M)
    assert re.search(r"^# STANCEWATCH_NOTIFY_URLS=slack://", text, re.M)


def _seconds(duration: str) -> float:
    """A compose duration (``45s``, ``1m30s``) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)


def test_docker_lets_running_crawls_have_their_grace_period():
    grace = _seconds(SERVICES["scheduler"]["stop_grace_period"])
    environment = SERVICES["scheduler"].get("environment", {})
    crawl_grace = float(environment.get("STANCEWATCH_CRAWL_GRACE_PERIOD") or
                        Settings().crawl_grace_period)  # fmt: skip
    assert grace >= crawl_grace + 10, (grace, crawl_grace)  # and time to record the stop


def test_every_image_tag_is_pinned():
    version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    for name, service in SERVICES.items():
        image = service["image"]
        repo, _, tag = image.partition(":")
        assert tag and tag != "latest", f"{name}: {image}"
        if "build" in service:
            assert tag == version.group(1), f"{name}: the image is tagged with the version"
        else:
            assert re.match(r"\d+\.\d+", tag), f"{name}: {image} is not pinned to a release"


def test_secrets_reach_only_the_containers_that_need_them():
    """The password is written once (.env); compose builds the database URL from it; the
    alert targets reach the scheduler alone; no service gets the whole .env."""
    env_text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert len(re.findall(r"^POSTGRES_PASSWORD=", env_text, re.M)) == 1
    assert env_text.count("change-me") == 1
    raw = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "env_file" not in raw
    database = {"migrate", "scheduler", "web", "worker", "analyzer"}
    for name, service in SERVICES.items():
        environment = service.get("environment", {})
        assert ("STANCEWATCH_DATABASE_URL" in environment) == (name in database), name
        assert ("POSTGRES_PASSWORD" in environment) == (name == "db"), name
        assert ("STANCEWATCH_NOTIFY_URLS" in environment) == (name == "scheduler"), name
    url = SERVICES["web"]["environment"]["STANCEWATCH_DATABASE_URL"]
    assert url.startswith("postgresql://stancewatch:${POSTGRES_PASSWORD:?") and url.endswith(
        "@db/stancewatch"
    )


def test_the_scheduler_health_check_ignores_a_failing_outside_site(runner, sqlite_url, tmp_path):
    """Three failed runs of an outside site are a source-health alert, not a service to
    restart: the compose health check passes while plain ``status`` reports the problem."""
    from stancewatch.db import session_factory
    from stancewatch.models import CrawlRun, Source, utcnow

    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "outside"\nkind = "feed"\nstart_urls = ["http://127.0.0.1:9/f"]\n'
        'interval = "30m"\n'
    )  # fmt: skip
    engine = make_engine(sqlite_url)
    with session_factory(engine).begin() as s:
        source = Source(name="outside", kind="feed")
        s.add(source)
        s.flush()
        for _ in range(3):
            s.add(CrawlRun(source_id=source.id, started_at=utcnow(), finished_at=utcnow(),
                           status="down", reason="site down: timeout x1"))  # fmt: skip
    engine.dispose()
    argv = ["--database-url", sqlite_url, "--sources", str(sources)]
    check = SERVICES["scheduler"]["healthcheck"]["test"][2:]
    healthy = runner.invoke(cli, [*argv, *check])
    assert healthy.exit_code == 0, healthy.output
    assert "unhealthy: source outside failed its last 3 runs" in healthy.output
    assert runner.invoke(cli, [*argv, "status"]).exit_code == 1
    unreachable = runner.invoke(cli, ["--database-url", "postgresql://x@127.0.0.1:1/x", *check])
    assert unreachable.exit_code == 3, unreachable.output


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_docker_compose_accepts_the_file(tmp_path):
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    done = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(url: str) -> dict[str, str]:
    """The environment a container gets: the settings through STANCEWATCH_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWATCH_")}
    return env | {"STANCEWATCH_DATABASE_URL": url}


#: The scheduler's settings for a quick test, as its container would get them.
SCHEDULER_ENV = {
    "STANCEWATCH_AUTOTHROTTLE": "false",
    "STANCEWATCH_RETRY_TIMES": "0",
    "STANCEWATCH_SCHEDULER_JITTER": "0.2",
    "STANCEWATCH_LATE_COVERAGE_DAYS": "0",  # the demo replays 2024-2025 coverage
    "STANCEWATCH_LOG_LEVEL": "INFO",
}


def _finished_runs(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select s.name, count(*) from crawl_runs r join sources s on s.id = r.source_id "
                "where r.finished_at is not null group by s.name"
            )
        ).all()
    engine.dispose()
    return {name: n for name, n in rows}


def _wait(what: str, predicate, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the process exited before {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} in {timeout} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


@pytest.mark.postgres
def test_compose_commands_in_order_against_postgres(empty_pg_url, tmp_path):
    """The stack's commands in compose order, without Docker, on the real PostgreSQL: migrate;
    the scheduler for two crawl cycles of the demo site (the December 2025 coverage published
    between them); then the web page answering /api/changes with the change it recorded."""
    env = _env(empty_pg_url)
    migrate = SERVICES["migrate"]["command"]
    done = subprocess.run(
        [sys.executable, "-m", *migrate], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "database at revision" in done.stdout

    with DemoSite(phase=1) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(site.sources_toml(interval="3s"), encoding="utf-8")
        names = set(re.findall(r'^name = "(.+)"', sources.read_text(), re.M))
        run_env = env | SCHEDULER_ENV | {"STANCEWATCH_SOURCES": str(sources)}
        log_path = tmp_path / "scheduler.log"
        scheduler = subprocess.Popen(
            [sys.executable, "-m", *SERVICES["scheduler"]["command"]],
            env=run_env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait("first cycle", lambda: set(_finished_runs(empty_pg_url)) == names,
                  scheduler, log_path)  # fmt: skip
            first = _finished_runs(empty_pg_url)
            site.publish_phase(2)
            _wait("second cycle", lambda: all(
                n > first[k] for k, n in _finished_runs(empty_pg_url).items()
            ), scheduler, log_path)  # fmt: skip
            _wait("a recorded change", lambda: _changes(empty_pg_url), scheduler, log_path, 60)
        finally:
            scheduler.terminate()
            rc = scheduler.wait(60)
        assert rc == 0, log_path.read_text()[-3000:]

    port = _free_port()
    web = [a if a != "8000" else str(port) for a in SERVICES["web"]["command"]]
    web = [a if a != "0.0.0.0" else "127.0.0.1" for a in web]
    log = (tmp_path / "web.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", *web], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/changes", timeout=2) as r:
                    changes = json.loads(r.read())
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, "web did not answer within 30 s"
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(10)
    flips = {(c["actor"], c["old_stance"], c["new_stance"]) for c in changes}
    assert ("Volodymyr Zelenskyy", "support", "oppose") in flips
    assert {c["actor"] for c in changes} == set(_changes(empty_pg_url))


def _changes(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        actors = [r[0] for r in conn.execute(text("select actor from stance_changes"))]
    engine.dispose()
    return actors


def test_workers_are_a_profile_with_health_checks():
    """Redis, crawl workers and analysis workers start only with the "workers" profile."""
    for name in ("redis", "worker", "analyzer"):
        assert SERVICES[name]["profiles"] == ["workers"], name
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "profiles" not in SERVICES["scheduler"] and "profiles" not in SERVICES["web"]
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert SERVICES["worker"]["command"] == ["stancewatch", "worker"]
    assert SERVICES["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "container_name" not in SERVICES["worker"]  # docker compose up --scale worker=4
    assert SERVICES["analyzer"]["command"] == ["stancewatch", "analyze", "--worker"]
