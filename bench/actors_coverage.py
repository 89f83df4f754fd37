"""How many labelled holders of stance sets the actors file knows, and which it does not.

For each ``{"actor", "actor_kind"}`` line of the given jsonl files: is ``actor`` a canonical
name in the actors file, with that kind? Holders known under another canonical name (the label
is one of an actor's aliases) are listed apart: a spelling the label set and the file disagree
on. Prints; exits 1 when a holder is missing, so it can gate a change to actors.toml.

    python bench/actors_coverage.py FILE.jsonl [FILE.jsonl ...] [--actors FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from stancewatch.actors import load_actors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--actors", default=None)
    args = ap.parse_args()
    actors = load_actors(args.actors)
    kinds = {a.name: a.kind for a in actors}
    alias_of = {alias.casefold(): a.name for a in actors for alias in a.aliases}
    missing_any = False
    for path in args.paths:
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        holders = Counter((r["actor"], r.get("actor_kind")) for r in rows)
        known = {h for h in holders if h[0] in kinds and h[1] in (None, kinds[h[0]])}
        print(f"{path.name}: {len(known)}/{len(holders)} holders known "
              f"({sum(holders[h] for h in known)}/{len(rows)} lines)")  # fmt: skip
        for (name, kind), n in sorted(holders.items()):
            if (name, kind) in known:
                continue
            missing_any = True
            if name in kinds:
                why = f"kind {kinds[name]!r} in the file, {kind!r} in the labels"
            elif name.casefold() in alias_of:
                why = f"an alias of {alias_of[name.casefold()]!r}"
            else:
                why = "missing"
            print(f"  {name} ({kind}, {n} lines): {why}")
    return 1 if missing_any else 0


if __name__ == "__main__":
    sys.exit(main())
