"""How many of the package's files one crawl walks through, from sources.toml to apprise.

Crawls the demo site's phase 1 (untraced), publishes phase 2 (Zelenskyy drops the bid), then
runs ``stancewatch crawl NAME`` in this process, with an apprise ``json://`` target on a port
nothing listens on (the alert is rendered and attempted, and stays pending), and records which
Python files of the package run, in order, with ``sys.setprofile``. Prints the distinct files,
and how often the walk enters a file it had already left, twice: over every call ("traced"),
and over each function's first call only ("reading": a newcomer reads a function once, in the
order the flow first reaches it). The script uses only the CLI and the
demo site, which every layout has, so it compares layouts (run it from an old checkout):

    python bench/walk_files.py [--source NAME ...] [--list]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from stancewatch.demo.site import DemoSite


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", action="append", default=[], help="default: every source")
    ap.add_argument("--list", action="store_true", help="print the walk, file by file")
    args = ap.parse_args()
    import stancewatch
    from stancewatch.cli import cli

    root = str(Path(stancewatch.__file__).resolve().parent) + os.sep
    walk: list[str] = []  # every call, consecutive calls in one file collapsed
    reading: list[str] = []  # the same, counting only each function's first call
    read: set[tuple[str, int]] = set()

    def profile(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call":
            code = frame.f_code
            name = code.co_filename
            if not name.startswith(root) or not name.endswith(".py"):
                return
            if not walk or walk[-1] != name:
                walk.append(name)
            if (name, code.co_firstlineno) not in read:
                read.add((name, code.co_firstlineno))
                if not reading or reading[-1] != name:
                    reading.append(name)

    with DemoSite(phase=1) as site, tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.toml"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        os.environ["STANCEWATCH_NOTIFY_URLS"] = "json://127.0.0.1:9/"  # discard: refused
        os.environ["STANCEWATCH_LATE_COVERAGE_DAYS"] = "0"  # the demo replays old coverage
        argv = ["--database-url", f"sqlite:///{tmp}/walk.db", "--sources", str(sources),
                "crawl", *args.source]  # fmt: skip
        _child(argv)  # phase 1: the baseline (Scrapy's reactor starts once per process)
        site.publish_phase(2)
        sys.setprofile(profile)
        try:
            cli.main(argv, standalone_mode=False)
        finally:
            sys.setprofile(None)
    if args.list:
        for name in reading:
            print(" ", name[len(root) :])
    for label, steps in (("traced", walk), ("reading", reading)):
        files, returns = _returns(steps)
        print(f"{label}: {files} files; {returns} entries into a file already visited, in "
              f"{len(steps)} steps")  # fmt: skip


def _returns(steps: list[str]) -> tuple[int, int]:
    """The distinct files of a walk, and how often it enters one it had already left."""
    seen: set[str] = set()
    returns = 0
    for name in steps:
        returns += name in seen
        seen.add(name)
    return len(seen), returns


def _child(argv: list[str]) -> None:
    import subprocess

    subprocess.run([sys.executable, "-m", "stancewatch", *argv], check=True, capture_output=True)


if __name__ == "__main__":
    main()
