"""`coopbuy allocate`: the contract's command line, outside the core (it may import coopbuy)."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopbuy.allocate_cli import main
from coopbuy.core.allocation import allocate
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.problem import Policy

DATA = Path(__file__).resolve().parents[1] / "coopbuy" / "core" / "tests" / "data"
SPEC = DATA / "spec_example.json"


def call(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_the_spec_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call([str(SPEC)], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads((DATA / "spec_example_output.json").read_text())


def test_policy_flag_overrides_and_explain_adds_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(
        [str(SPEC), "--policy", "optimal", "--explain", "--time-limit", "5"], capsys
    )
    result = json.loads(out)
    assert code == 0 and result["policy"] == "optimal"
    assert result["objective"]["proven_optimal"] is True
    assert all("explanation" in line for line in result["allocations"])
    # as under fcfs: the one case went to the earlier orders (units are handed out in time order)
    assert [(u["member"], u["code"]) for u in result["unmet"]] == [
        ("carol", "later_orders_came_first")
    ]


def test_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SPEC.read_text()))
    code, out, _ = call(["-"], capsys)
    assert code == 0 and json.loads(out)["policy"] == "fcfs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"currency": "GBP"', "coopbuy allocate: <stdin>: invalid JSON at line 1, column 19: Expecting ',' delimiter\n"),  # noqa: E501
        ("[]", "coopbuy allocate: problem: must be an object\n"),
        (SPEC.read_text().replace('"quantity": 3', '"quantity": -3'), "coopbuy allocate: demand[1].quantity: must be a non-negative integer\n"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    text: str, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert call(["-"], capsys) == (2, "", message)


def test_missing_file_and_bad_flags_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = call(["/nonexistent.json"], capsys)
    assert (code, out) == (2, "") and err.startswith(
        "coopbuy allocate: /nonexistent.json: cannot read"
    )
    code, out, err = call([str(SPEC), "--policy", "lottery"], capsys)
    assert code == 2 and "invalid choice" in err and "Traceback" not in err


def test_in_process_run_does_not_import_django(capsys: pytest.CaptureFixture[str]) -> None:
    code = subprocess.run(
        [sys.executable, "-c", f"import sys; from coopbuy.allocate_cli import main; "
         f"main([{str(SPEC)!r}]); assert 'django' not in sys.modules, 'django imported'"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert code.returncode == 0, code.stderr


def test_real_subprocess_starts_without_django_and_prints_the_result() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopbuy.allocate_cli", str(SPEC)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert json.loads(done.stdout)["objective"]["delivered_value"] == "18.60"
    assert "django" not in done.stderr  # -X importtime lists every module imported
    bad = subprocess.run(
        [sys.executable, "-m", "coopbuy.allocate_cli", "-"],
        input="{", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1


def _optimal_run_stdout(prelude: str) -> subprocess.CompletedProcess[str]:
    code = (
        f"{prelude}\nfrom coopbuy.allocate_cli import main\n"
        f"raise SystemExit(main([{str(SPEC)!r}, '--policy', 'optimal']))"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_optimal_run_prints_pure_json_on_stdout() -> None:
    done = _optimal_run_stdout("")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("{") and "HiGHS" not in done.stdout
    assert json.loads(done.stdout)["objective"]["proven_optimal"] is True


def test_stdout_stays_pure_json_with_the_public_highs_class() -> None:
    # Without the silent core class the engine falls back to `highspy.Highs()`, whose constructor
    # prints a banner from C++; the CLI's file-descriptor guard must keep it out of the JSON.
    banner = subprocess.run(
        [sys.executable, "-c", "import highspy; highspy.Highs()"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "HiGHS" in banner.stdout  # the guard below is tested against a real banner
    done = _optimal_run_stdout("import highspy._core as core\ndel core._Highs")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{") and "HiGHS" not in done.stdout
    assert json.loads(done.stdout)["objective"]["proven_optimal"] is True


@pytest.mark.parametrize("extra", [[], ["--explain"], ["--policy", "proportional", "--explain"]])
def test_cli_prints_byte_for_byte_what_json_dumps_gives(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = call([str(SPEC), *extra], capsys)
    explain = "--explain" in extra
    policy: Policy | None = "proportional" if "proportional" in extra else None
    result = allocate(
        problem_from_json(json.loads(SPEC.read_text())), policy=policy, explain_result=explain
    )
    assert code == 0
    assert out == json.dumps(result_to_json(result, explain=explain), indent=2) + "\n"
