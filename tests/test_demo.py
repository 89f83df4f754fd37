"""``stancewatch demo``: the whole loop offline, as a new user runs it."""

from __future__ import annotations

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
    assert ("Volodymyr Zelenskyy", "support", "oppose") in alerts
    # only what the phases contain: Zelenskyy (and Ukraine, for which he speaks) drop the bid
    assert {a for a, _, _ in alerts} <= {"Volodymyr Zelenskyy", "Ukraine"}
    block = out.split("ALERT  Volodymyr Zelenskyy")[1].split("ALERT")[0].split("\nDone in")[0]
    assert "offered to drop Kyiv’s NATO dreams" in block  # the new evidence
    assert re.search(r"before \(2024-\d\d-\d\d, ", block)  # the 2024 support it replaces
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
