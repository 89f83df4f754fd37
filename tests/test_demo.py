"""``stancewatch demo``: the whole loop offline, as a new user runs it."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys


def test_demo_alerts_zelenskyy_dropping_the_bid_and_nothing_else(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stancewatch", "demo", "--db", str(tmp_path / "demo.db")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    alerts = re.findall(r"^ALERT  (.+?): (\w+) → (\w+) on Ukraine joining NATO$", out, re.M)
    # only what the live phases contain: Zelenskyy drops the bid, and Ukraine, for which he
    # speaks, with him: one event, one alert naming both
    assert alerts == [("Volodymyr Zelenskyy (and Ukraine)", "support", "oppose")]
    # the 2024-2025 archive is found late: history, never an alert
    assert "ALERT" not in out.split("== Phase 2")[0]
    assert "== Phase 1: backfill" in out and "== Phase 2: live" in out
    block = out.split("ALERT  Volodymyr Zelenskyy")[1].split("ALERT")[0].split("\n== Phase")[0]
    assert "why: one statement of confidence ≥ 0.85" in block
    assert "offered to drop Kyiv’s NATO dreams" in block  # the new evidence
    assert re.search(r"before \(20\d\d-\d\d-\d\d, ", block)  # the support it replaces, dated
    assert block.count("http://127.0.0.1:") == 2  # both links
    # the Kachka interview in phase 3 does not flip him back
    assert "no stance change in this phase" in out.split("== Phase 3")[1]
    assert "stancewatch --database-url sqlite:///" in out and "history Zelenskyy" in out
    printed = re.findall(r"^  stancewatch (.+)$", out.split("Query what the demo stored:")[1], re.M)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert printed[-1] == f"--database-url {url} web"  # the web page on the demo database
    for line in printed[:-1]:  # and every query printed runs as written
        done = subprocess.run(
            [sys.executable, "-m", "stancewatch", *shlex.split(line)],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0 and done.stdout.strip(), (line, done.stderr)

    # restance with the default settings keeps the demo's history as it is
    def cli(*args: str) -> subprocess.CompletedProcess:
        db = f"sqlite:///{tmp_path / 'demo.db'}"
        return subprocess.run(
            [sys.executable, "-m", "stancewatch", "--database-url", db, *args],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )  # fmt: skip

    before = json.loads(cli("changes", "--format", "json").stdout)
    redone = json.loads(cli("restance", "--format", "json").stdout)
    assert (redone["changes_retracted"], redone["changes_new"]) == (0, 0)
    assert json.loads(cli("changes", "--format", "json").stdout) == before
    assert {(c["actor"], c["kind"]) for c in before} == {
        ("Volodymyr Zelenskyy", "live"),
        ("Ukraine", "live"),
    }
