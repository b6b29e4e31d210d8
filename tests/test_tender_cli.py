"""`coopbuy tender award`: the tender contract's command line, end to end."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopbuy import tender_cli
from coopbuy.cli import main as coopbuy_main
from coopbuy.tender_cli import main

DATA = Path(__file__).resolve().parents[1] / "coopbuy" / "core" / "tests" / "data"
SPEC = DATA / "tender_spec_example.json"


class _Stdin:
    def __init__(self, text: bytes) -> None:
        self.buffer = io.BytesIO(text)


def call(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_award_prints_the_spec_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(["award", str(SPEC), "--time-limit", "5"], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads((DATA / "tender_spec_example_output.json").read_text())


def test_the_coopbuy_command_dispatches_tender(capsys: pytest.CaptureFixture[str]) -> None:
    assert coopbuy_main(["tender", "award", str(SPEC)]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["cost"] == "608.00"


def test_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(SPEC.read_bytes()))
    code, out, _ = call(["award", "-"], capsys)
    assert code == 0 and json.loads(out)["bids"][0]["rank"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"currency": "GBP"', "coopbuy tender award: <stdin>: invalid JSON at line 1, column 19: Expecting ',' delimiter\n"),  # noqa: E501
        (b"[" * 100_000, "coopbuy tender award: <stdin>: invalid JSON: nested too deeply\n"),
        (b"\xff\xfe", "coopbuy tender award: <stdin>: not UTF-8 text\n"),
        (b"[]", "coopbuy tender award: problem: must be an object\n"),
        (SPEC.read_bytes().replace(b'"0.10"', b'"0.60"'), "coopbuy tender award: weights: must sum to at most 0.5, not 0.65\n"),  # noqa: E501
        (SPEC.read_bytes().replace(b'"6.10"', b"6.10"), 'coopbuy tender award: bids[0].prices[1].unit_price: must be a decimal string such as "3.10", not a number\n'),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    text: bytes, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(text))
    assert call(["award", "-"], capsys) == (2, "", message)


def test_oversized_input_is_refused_without_reading_it_all(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tender_cli, "MAX_INPUT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", _Stdin(b" " * 11))
    assert call(["award", "-"], capsys) == (
        2,
        "",
        "coopbuy tender award: <stdin>: larger than the limit of 10 bytes\n",
    )


def test_missing_file_bad_flags_and_no_subcommand_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = call(["award", "/nonexistent.json"], capsys)
    assert (code, out) == (2, "") and err.startswith(
        "coopbuy tender award: /nonexistent.json: cannot read"
    )
    code, _, err = call(["award", str(SPEC), "--time-limit", "soon"], capsys)
    assert code == 2 and "invalid float value" in err and "Traceback" not in err
    code, _, err = call([], capsys)
    assert code == 2 and "required" in err
    code, _, err = call(["award", str(SPEC), "--time-limit", "0"], capsys)
    assert (code, err) == (
        2,
        "coopbuy tender award: time_limit: must be a positive number of seconds\n",
    )


def test_a_real_subprocess_never_imports_django() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopbuy", "tender", "award", str(SPEC)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["evaluated_cost"] == "553.28"
    assert "django" not in done.stderr  # -X importtime lists every module imported
    bad = subprocess.run(
        [sys.executable, "-m", "coopbuy", "tender", "award", "-"],
        input="{", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1
