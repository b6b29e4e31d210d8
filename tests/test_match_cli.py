"""`coopbuy match`: the matching contract's command line, end to end (subprocess) and in process."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopbuy.core.matching import MatchProblem, MatchResult, match
from coopbuy.core.tests.matching_support import person, problem
from coopbuy.match_cli import main

DATA = problem(
    [person("p1", 0, suma="60.00"), person("p3", 1, suma="100.00"),
     person("p4", 0, 2, host=False, suma="90.00"), person("p7", 3, suma="40.00"),
     person("p9", -1, suma="22.00"), person("far", 80, suma="22.00")],
    min_size=5, max_size=16, suppliers={"suma": "250.00"},
)  # fmt: skip


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopbuy", "match", *args],
        input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_command_prints_the_groups_as_json_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(DATA))
    done = run([str(path)])
    assert (done.returncode, done.stderr) == (0, "")
    out = json.loads(done.stdout)
    assert [(g["pickup"], g["members"]) for g in out["groups"]] == [
        ("p1", ["p1", "p3", "p4", "p7", "p9"])
    ]
    assert out["unmatched"] == [{"id": "far", "reason": "no_one_near"}]
    assert out["objective"] == {"placed": 5, "travel_km": "7.00", "proven_optimal": True,
                                "gap": 0.0}  # fmt: skip


def test_dash_reads_standard_input_and_the_time_limit_is_taken() -> None:
    done = run(["-", "--time-limit", "5"], stdin=json.dumps(DATA))
    assert done.returncode == 0 and json.loads(done.stdout)["objective"]["placed"] == 5


def test_the_command_does_not_import_django() -> None:
    code = (
        "import sys; from coopbuy.cli import main; main(['match', '-']);"
        " assert 'django' not in sys.modules, 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(DATA),
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-"], '{"min_size": 5', "coopbuy match: <stdin>: invalid JSON at line 1, column 15: Expecting ',' delimiter\n"),  # noqa: E501
        (["-"], "[]", "coopbuy match: problem: must be an object\n"),
        (["-"], json.dumps(DATA).replace('"max_km": "5"', '"max_km": 5.0', 1), "coopbuy match: people[0].max_km: must be a positive decimal string\n"),  # noqa: E501
        (["-"], "[" * 100_000 + "]" * 100_000, "coopbuy match: <stdin>: nested too deeply (the contract nests 4 levels)\n"),  # noqa: E501
        (["/no/such/file.json"], None, "coopbuy match: /no/such/file.json: cannot read: No such file or directory\n"),  # noqa: E501
        (["-", "--time-limit", "0"], "{}", "coopbuy match: argument --time-limit: must be more than 0 and at most 86400 seconds\n"),  # noqa: E501
        (["-", "--time-limit", "soon"], "{}", "coopbuy match: argument --time-limit: must be a number of seconds, not 'soon'\n"),  # noqa: E501
        ([], None, "coopbuy match: the following arguments are required: problem\n"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    args: list[str], stdin: str | None, message: str
) -> None:
    done = run(args, stdin=stdin if stdin is not None else "")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


def test_too_big_input_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("coopbuy.match_cli.MAX_BYTES", 100)
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(DATA)))
    assert main(["-"]) == 2
    assert capsys.readouterr().err == "coopbuy match: <stdin>: too big: at most 100 characters\n"


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        (6, "gap 16.67% on the people placed (5 placed, at most 6 possible)"),
        (5, "the most people placed is proven, the least travel is not"),
    ],
)
def test_an_answer_not_proven_says_so_on_stderr(
    bound: int, message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    def unproven(p: MatchProblem, time_limit: float) -> MatchResult:
        result = match(p, time_limit=time_limit)
        objective = dataclasses.replace(
            result.objective, proven_optimal=False, bound=bound, gap=(bound - 5) / bound
        )
        return dataclasses.replace(result, objective=objective)

    monkeypatch.setattr("coopbuy.match_cli.match", unproven)
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(DATA)))
    assert main(["-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["objective"]["proven_optimal"] is False
    assert (
        err == f"coopbuy match: the answer is not proven optimal ({message});"
        " a longer --time-limit may help\n"
    )
