"""What the command fuzz tests share (`coopbuy allocate`, `match`, `tender award`): JSON of any
shape, a spec example with parts replaced, a run of the command's `main` on standard input, and
the check that the answer is a result (exit 0, JSON on stdout) or one clear line on stderr (exit
2): never a traceback, never an "internal error", in bounded time."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

DATA = Path(__file__).resolve().parents[2] / "coopbuy/core/tests/data"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["0", "-1", "1e999", "NaN", "2.005", "GBP", "fcfs", "optimal", ""]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


def spec(name: str) -> Any:
    """A contract's example input, from `coopbuy/core/tests/data`."""
    return json.loads((DATA / name).read_text())


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `value` (the empty path first)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `document` with the value at `path` replaced by `value`."""
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def with_changes(document: Any, changes: Sequence[tuple[tuple[Any, ...], Any]]) -> Any:
    """`document` with each change applied in turn (one whose path no longer exists skipped)."""
    for path, value in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            document = replaced(document, path, value)
    return document


def run(main: Callable[[list[str]], int], argv: list[str], text: str) -> tuple[int, str, str]:
    """`main(argv)` with `text` on standard input (a text stream over UTF-8 bytes, as a pipe
    gives), capturing stdout and stderr; it must answer within 20 s."""
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogatepass")), "utf-8")
    saved, sys.stdin = sys.stdin, stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            started = time.monotonic()
            code = main(argv)
            assert time.monotonic() - started < 20
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check(prog: str, code: int, out: str, err: str) -> None:
    """A result, or one line `<prog>: ...` on stderr with exit 2 and nothing on stdout."""
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        json.loads(out)
    else:
        assert code == 2 and out == "", (code, out)
        assert err.startswith(f"{prog}: ") and err.count("\n") == 1, err


#: Texts past the parsers' limits: nesting, an integer of more than 4,300 digits.
EXTREMES = ["[" * 50_000, '{"a": ' + "9" * 5000 + "}"]
