"""bench/eval_stance.py refuses a file it cannot score with one line naming the file (and the
line), and exit code 2, instead of a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.append(str(BENCH))

from eval_stance import main  # noqa: E402

GOOD = {"text": "Poland backs Ukraine's NATO bid", "actor": "Poland", "stance": "support"}


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one-line error ``eval_stance.py`` gives for ``argv``, checked to exit with 2."""
    with pytest.raises(SystemExit) as exc:
        main(["--quiet", *argv])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("eval_stance.py: error: ")
    return err.strip()


def lines(tmp_path: Path, *rows: object) -> str:
    path = tmp_path / "set.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    missing = tmp_path / "nope.jsonl"
    assert refused(capsys, str(missing)).endswith(f"{missing}: no such file")


def test_a_directory_is_refused(tmp_path, capsys):
    assert refused(capsys, str(tmp_path)).endswith(f"{tmp_path}: is a directory, not a JSON Lines file")  # fmt: skip


def test_a_malformed_line_is_named_by_its_number(tmp_path, capsys):
    path = lines(tmp_path, GOOD, "", "{not json")  # the blank line still counts
    assert f"{path}:3: not JSON" in refused(capsys, path)


def test_a_line_that_is_no_object_is_refused(tmp_path, capsys):
    path = lines(tmp_path, GOOD, ["a", "list"])
    assert refused(capsys, path).endswith(f"{path}:2: a line must be a JSON object, not list")


@pytest.mark.parametrize("field", ["text", "actor", "stance"])
def test_a_line_missing_a_required_field_names_it(tmp_path, capsys, field):
    row = {k: v for k, v in GOOD.items() if k != field}
    path = lines(tmp_path, GOOD, GOOD, row)
    err = refused(capsys, path)
    assert err.endswith(f"{path}:3: missing required field {field!r} (a non-empty string)")


def test_an_unknown_stance_or_a_bad_date_is_refused(tmp_path, capsys):
    path = lines(tmp_path, GOOD | {"stance": "pro"})
    assert "stance 'pro' is not one of support, oppose, neutral" in refused(capsys, path)
    path = lines(tmp_path, GOOD | {"date": "3 May 2024"})
    assert "date '3 May 2024' is not an ISO date" in refused(capsys, path)


def test_a_missing_actors_file_is_one_line_too(tmp_path, capsys):
    path = lines(tmp_path, GOOD)
    err = refused(capsys, path, "--actors", str(tmp_path / "actors.toml"))
    assert err.endswith("actors file not found: " + str(tmp_path / "actors.toml"))


def test_a_good_file_is_scored(tmp_path, capsys):
    main(["--quiet", lines(tmp_path, GOOD, GOOD | {"date": "2024-05-03", "stance": "support"})])
    out = capsys.readouterr().out
    assert out.startswith("set [packaged]: 2 pairs")
