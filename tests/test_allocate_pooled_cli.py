"""`coopbuy allocate` on a pooled problem (the contract's "groups" section), end to end."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopbuy.allocate_cli import main

DATA = Path(__file__).resolve().parents[1] / "coopbuy" / "core" / "tests" / "data"
POOLED = DATA / "pooled_example.json"


def call(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_pooled_problem_prints_groups_alone_and_savings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = call([str(POOLED)], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert [g["id"] for g in result["groups"]] == ["hebden", "todmorden"]
    assert {m["id"]: m["pooling_saving"] for m in result["members"]}["dan"] == "-0.74"


def test_policy_and_explain_apply_to_the_pool(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call([str(POOLED), "--policy", "optimal", "--explain"], capsys)
    result = json.loads(out)
    assert code == 0 and result["policy"] == "optimal"
    assert result["objective"]["proven_optimal"] is True
    assert any("pooled_case" in line for line in result["allocations"])


def test_bad_pooled_input_is_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = POOLED.read_text().replace('"group": "todmorden"}]', '"group": "leeds"}]')
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert call(["-"], capsys) == (
        2, "", 'coopbuy allocate: members[3].group: unknown group "leeds"\n'
    )  # fmt: skip


def test_a_group_field_without_groups_is_an_unknown_field(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(POOLED.read_text())
    del data["groups"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data)))
    assert call(["-"], capsys) == (2, "", "coopbuy allocate: members[0].group: unknown field\n")


def test_a_real_subprocess_never_imports_django() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopbuy.allocate_cli", str(POOLED)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout)["groups"][0]["drop_fee"] == "6.00"
    assert "django" not in done.stderr


def test_a_problem_without_groups_never_reaches_the_pooled_code(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pooled path ran for a plain problem")

    monkeypatch.setattr("coopbuy.allocate_cli.allocate_pooled", refuse)
    monkeypatch.setattr("coopbuy.allocate_cli.pooled_problem_from_json", refuse)
    code, out, err = call([str(DATA / "spec_example.json")], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads((DATA / "spec_example_output.json").read_text())
