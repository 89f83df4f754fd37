"""Score the stance engine on labelled sets, the way a held-out judge would.

For each line ``{"text", "actor", "stance"}``: run the engine on ``text`` (with ``published`` =
the line's ``date`` when it has one), take the statement whose actor is ``actor`` resolved
through the actors' names and aliases ("Sergei Lavrov" is the actor "Sergey Lavrov", "Verkhovna
Rada" speaks as "Ukraine"; no statement = neutral), and report per file the per-label precision/recall/F1, accuracy and macro-F1 over
support / oppose / neutral, and the misses grouped by family. Prints; asserts nothing (the
gate is tests/test_stance_gate.py).

Families of misses (a miss may be in several; the first three say where the engine failed
and do not overlap, the last four say what the text holds):

- ``holder-not-found``: the matcher finds no mention of the holder in the text
- ``wrong-stance``: the holder is found and given a stance, the wrong one
- ``topic-missed``: the holder is found, gold is support/oppose, the engine says neutral
- ``negation``: a negator in the text (the engine's own ``NEGATOR``)
- ``conditional``: if / unless / once / until / when / as soon as / after the war ...
- ``reported``: a position reported about others ("said X opposed", "accused X of")
- ``office``: a person holder named only by an office ("the German chancellor")

``--full-actors`` also scores with the actors extended, in memory, by an entry (name, and the
surname as an alias for a person) for every labelled holder the actors file lacks, so that
coverage (who is known) and reading (what is understood) are told apart.

    python bench/eval_stance.py [FILE ...] [--actors FILE] [--full-actors] [--json] [--quiet]
    python bench/eval_stance.py bench/corpus/stance_real.jsonl --cv 5 [--baseline] [--no-written]

``--cv K``: K-fold cross-validation grouped by page of what is fitted (``bench/stance_cv.py``);
``--baseline`` the same folds for a TF-IDF + logistic regression baseline; ``--rules-only``
scores the engine without its learned model (the old engine, for a side-by-side figure).

With no FILE, every ``*.jsonl`` in bench/corpus/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from stance_cv import per_label  # bench/stance_cv.py, beside this script

from stancewatch.actors import Actor, ActorNames, load_actors
from stancewatch.errors import ConfigError
from stancewatch.stance import StanceEngine
from stancewatch.stance.lexicon import NEGATOR, SPEECH, fold

LABELS = ("support", "oppose", "neutral")
CORPUS = Path(__file__).resolve().parent / "corpus"
FAMILIES = (
    "holder-not-found",
    "wrong-stance",
    "topic-missed",
    "negation",
    "conditional",
    "reported",
    "office",
)
CONDITIONAL = re.compile(
    r"\b(if|unless|once|until|till|when|whenever|as soon as|as long as|provided|only after|"
    r"after the war|before the war|while the war|while the conflict|not before|conditions?)\b"
)
#: Verbs that give someone else's position: the accused and blamed, or what a speaker says
#: another holder thinks (checked with the holder after the verb, see ``_reported``).
ACCUSING = re.compile(
    r"\b(accus\w*|blam\w*|alleg\w*|claim\w*|insinuat\w*|charg(e|es|ed)|reportedly|according to)\b"
)
OFFICE = re.compile(
    r"\b(president|prime minister|premier|chancellor|foreign minister|defen[cs]e minister|"
    r"minister|secretary[- ]general|secretary of state|foreign secretary|chief|king|pm|fm|"
    r"spokes(man|woman|person)|ambassador|envoy|head of)\b"
)


#: The fields every labelled line must give (``date``, ``id``, ``source_url`` are optional).
REQUIRED = ("text", "actor", "stance")


class InputError(Exception):
    """A labelled file that cannot be scored: ``main`` prints it as one line and exits 2,
    since a traceback for a mistyped path or a broken line hides what to fix."""


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled lines of ``path`` (JSON Lines, blank lines skipped), each checked: a JSON
    object with a non-empty string for every REQUIRED field, a stance in LABELS and an ISO
    ``date`` or none. Raises InputError naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a JSON Lines file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    rows = [
        _row(line, f"{path}:{n}") for n, line in enumerate(text.splitlines(), 1) if line.strip()
    ]
    if not rows:
        raise InputError(f"{path}: no labelled lines")
    return rows


def _row(line: str, where: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise InputError(f"{where}: a line must be a JSON object, not {type(row).__name__}")
    for name in REQUIRED:
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise InputError(f"{where}: missing required field {name!r} (a non-empty string)")
    if row["stance"] not in LABELS:
        raise InputError(f"{where}: stance {row['stance']!r} is not one of {', '.join(LABELS)}")
    if row.get("date") is not None:
        try:
            datetime.fromisoformat(str(row["date"]))
        except ValueError:
            raise InputError(f"{where}: date {row['date']!r} is not an ISO date") from None
    return row


def keys(rows: list[dict[str, Any]]) -> list[str]:
    """One key per line: its id when the ids of the file are unique, else line number:id."""
    ids = [str(r.get("id", "")) for r in rows]
    if all(ids) and len(set(ids)) == len(ids):
        return ids
    return [f"{n}:{i}" for n, i in enumerate(ids, 1)]


def published(row: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(row["date"]) if row.get("date") else None


def predict(engine: StanceEngine, row: dict[str, Any], holder: str) -> tuple[str, str]:
    """The engine's stance for ``holder`` (neutral without a statement), and its cue."""
    found = {s.actor: s for s in engine.analyze(row["text"], published(row))}
    hit = found.get(holder)
    return (hit.stance, hit.cue) if hit else ("neutral", "-")


def _plain(text: str) -> str:
    """Folded and without accents ("Orbán" -> "orban")."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", fold(text)) if not unicodedata.combining(c)
    )


def _surname(name: str) -> str:
    return name.split()[-1]


def families(engine: StanceEngine, row: dict[str, Any], holder: str, predicted: str) -> list[str]:
    """The families of one miss of ``holder`` (the line's actor, resolved)."""
    text = row["text"]
    mentions = engine.matcher.find(text, when=published(row))
    own = [m for m in mentions if m.actor.name == holder]
    found: list[str] = []
    if not own:
        found.append("holder-not-found")
    elif predicted == "neutral":
        found.append("topic-missed")
    else:
        found.append("wrong-stance")
    low = fold(text)
    if NEGATOR.search(low):
        found.append("negation")
    if CONDITIONAL.search(low):
        found.append("conditional")
    if _reported(low, text, holder, mentions):
        found.append("reported")
    person = row.get("actor_kind") == "person" or any(m.actor.kind == "person" for m in own)
    if person and (
        (own and all(m.office for m in own))
        or (
            not own
            and _plain(_surname(row["actor"])) not in _plain(text)
            and OFFICE.search(low) is not None
        )
    ):
        found.append("office")
    return found


def _reported(low: str, text: str, holder: str, mentions: list) -> bool:
    """Accused, blamed, claimed about; or a speech verb after someone else with the holder
    named after it ("Zelensky said Germany opposed")."""
    if ACCUSING.search(low):
        return True
    plain, surname = _plain(text), _plain(_surname(holder))
    at = [m.start for m in mentions if m.actor.name == holder]
    at += [m.start() for m in re.finditer(r"\b" + re.escape(surname) + r"\b", plain)]
    for verb in SPEECH.finditer(low):
        before = any(m.actor.name != holder and m.end <= verb.start() for m in mentions)
        if before and any(a >= verb.end() for a in at):
            return True
    return False


@dataclass
class Miss:
    key: str
    row: dict[str, Any]
    predicted: str
    cue: str
    families: list[str]


@dataclass
class Result:
    """The figures for one labelled set."""

    n: int
    accuracy: float
    macro_f1: float
    labels: dict[str, dict[str, float]]
    predictions: dict[str, str]  # key -> predicted stance
    misses: list[Miss] = field(default_factory=list)
    ms_per_pair: float = 0.0

    def family_counts(self) -> dict[str, int]:
        counts = Counter(f for m in self.misses for f in m.families)
        return {f: counts.get(f, 0) for f in FAMILIES}

    def figures(self) -> dict[str, Any]:
        return {
            "pairs": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": {k: {m: round(v, 4) for m, v in d.items()} for k, d in self.labels.items()},
            "misses": len(self.misses),
            "families": self.family_counts(),
        }


def score(rows: list[dict[str, Any]], engine: StanceEngine, with_families: bool = True) -> Result:
    """Run ``engine`` over ``rows`` and score it."""
    pairs: list[tuple[str, str]] = []
    predictions: dict[str, str] = {}
    misses: list[Miss] = []
    names = ActorNames(engine.actors.values())
    started = time.perf_counter()
    for key, row in zip(keys(rows), rows, strict=True):
        holder = names.resolve(row["actor"], row.get("actor_kind")) or row["actor"]
        predicted, cue = predict(engine, row, holder)
        pairs.append((row["stance"], predicted))
        predictions[key] = predicted
        if predicted != row["stance"]:
            fams = families(engine, row, holder, predicted) if with_families else []
            misses.append(Miss(key, row, predicted, cue, fams))
    elapsed = time.perf_counter() - started
    labels = per_label(pairs)
    n = len(pairs)
    return Result(
        n=n,
        accuracy=sum(g == p for g, p in pairs) / n if n else 0.0,
        macro_f1=sum(d["f1"] for d in labels.values()) / len(LABELS),
        labels=labels,
        predictions=predictions,
        misses=misses,
        ms_per_pair=elapsed * 1000 / n if n else 0.0,
    )


def full_actors(actors: list[Actor], rows: list[dict[str, Any]]) -> list[Actor]:
    """``actors`` and an entry for every labelled holder that is no name or alias of theirs:
    the name, and for a person the surname (and the unaccented spellings) as aliases, when no
    other actor owns them. In memory only: never package data."""
    names = ActorNames(actors)
    claimed: set[str] = set()  # the added actors' spellings
    added: list[Actor] = []
    for name, kind in sorted({(r["actor"], r.get("actor_kind") or "person") for r in rows}):
        if names.resolve(name, kind) is not None or name.casefold() in claimed:
            continue
        forms = [_surname(name)] if kind == "person" and " " in name else []
        forms += [_plain(f) for f in (name, *forms) if _plain(f) != fold(f)]
        aliases = tuple(dict.fromkeys(
            f for f in forms if names.resolve(f) is None and f.casefold() not in claimed
        ))  # fmt: skip
        claimed.update(alias.casefold() for alias in (name, *aliases))
        added.append(Actor(name=name, kind=kind, aliases=aliases))
    return actors + added


def _print(name: str, title: str, result: Result, examples: int, quiet: bool) -> None:
    print(f"{name} [{title}]: {result.n} pairs ({result.ms_per_pair:.2f} ms each)")
    for label, d in result.labels.items():
        print(f"  {label:<8} precision {d['precision']:.3f}  recall {d['recall']:.3f}  "
              f"F1 {d['f1']:.3f}  (n={d['n']:.0f})")  # fmt: skip
    print(f"  accuracy {result.accuracy:.3f}   macro-F1 {result.macro_f1:.3f}   "
          f"misses {len(result.misses)}")  # fmt: skip
    if quiet:
        return
    counts = result.family_counts()
    for family in FAMILIES:
        print(f"  {family:<17} {counts[family]:>4}")
        shown = [m for m in result.misses if family in m.families][:examples]
        for m in shown:
            print(f"      {m.key:<7} {m.row['actor'][:22]:<22} gold {m.row['stance']:<7} "
                  f"got {m.predicted:<7} cue {m.cue}: {m.row['text'][:100]}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Score the files; a file or an actors file that cannot be read is one line on stderr
    and exit code 2 (argparse's code for bad arguments)."""
    try:
        _main(argv)
    except (InputError, ConfigError) as exc:
        print(f"eval_stance.py: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _main(argv: list[str] | None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="labelled JSON Lines files")
    ap.add_argument("--actors", default=None, help="actors file (default: the packaged one)")
    ap.add_argument("--full-actors", action="store_true",
                    help="also score with every labelled holder known")  # fmt: skip
    ap.add_argument("--json", action="store_true", help="the figures as JSON")
    ap.add_argument("--quiet", action="store_true", help="figures only, no misses")
    ap.add_argument("--examples", type=int, default=3, help="misses shown per family")
    ap.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV grouped by page")
    ap.add_argument("--no-written", action="store_true", help="CV: train on real folds only")
    ap.add_argument("--pooled", action="store_true",
                    help="CV: the files as one set (folds by page across them)")  # fmt: skip
    ap.add_argument("--baseline", action="store_true", help="CV: TF-IDF + LR baseline")
    ap.add_argument("--rules-only", action="store_true",
                    help="the engine without its learned model (the rules alone)")  # fmt: skip
    args = ap.parse_args(argv)
    paths = args.paths or sorted(CORPUS.glob("*.jsonl"))
    sets = {p.stem: load(p) for p in paths}
    if args.cv:
        _cross_validate(sets, args)
        return
    actors = load_actors(args.actors)
    engines = {
        "packaged" if args.actors is None else "actors": StanceEngine(
            actors, use_model=not args.rules_only
        )
    }
    if args.full_actors:
        extended = full_actors(actors, [r for rows in sets.values() for r in rows])
        engines["full"] = StanceEngine(extended, use_model=not args.rules_only)
        added = len(extended) - len(actors)
    report: dict[str, Any] = {}
    for name, rows in sets.items():
        report[name] = {}
        for title, engine in engines.items():
            result = score(rows, engine)
            report[name][title] = result.figures()
            if not args.json:
                _print(name, title, result, args.examples, args.quiet)
                print()
    if args.json:
        print(json.dumps(report, indent=2))
        return
    if args.full_actors:
        print(f"full actors: {added} labelled holders added to the {len(actors)} actors")
        for name, titles in report.items():
            line = "   ".join(
                f"{t} {f['accuracy']:.3f} / {f['macro_f1']:.3f}" for t, f in titles.items()
            )
            print(f"  {name:<16} accuracy / macro-F1: {line}")


def _cross_validate(sets: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    from stance_cv import cross_validate, report  # bench/stance_cv.py, beside this script

    actors = load_actors(args.actors)
    if args.full_actors:
        actors = full_actors(actors, [r for rows in sets.values() for r in rows])
    for name, rows in sets.items():  # folds group lines by page: each needs one to go by
        for n, r in enumerate(rows, 1):
            if not (r.get("source_url") or r.get("id")):
                raise InputError(f"{name}: labelled line {n}: --cv needs a source_url or an id")
    if args.pooled:
        sets = {"+".join(sets): [r for rows in sets.values() for r in rows]}
    for name, rows in sets.items():
        pairs = cross_validate(rows, args.cv, actors, not args.no_written, args.baseline)
        what = "baseline TF-IDF+LR" if args.baseline else "engine + model"
        report(pairs, f"{len(pairs)} pairs from {name}, {what}, grouped {args.cv}-fold CV")


if __name__ == "__main__":
    main()
