"""`coopbuy match PROBLEM.json|- [--time-limit S]`: propose new groups (shared/specs/matching.md).

Prints the result JSON on stdout and exits 0. The input is read by `coopbuy.bounded_input` and
parsed by msgspec into typed structs (`coopbuy.core.matching.jsontext`); when that declines (an
error anywhere), `json.loads` and the exact validators of `matching.jsonio` name the error. Any bad
input (unreadable file, invalid JSON, input past `MAX_BYTES` or nested too deeply for the parser, a
field that breaks the contract) prints one line `coopbuy match: <message>` on stderr and exits 2;
never a traceback. When the answer is not proven optimal it says so on stderr (the JSON still goes
to stdout, exit 0). Imports only the standard library and `coopbuy.core`, never Django, so it
starts fast; HiGHS is loaded only when a region needs it. `main` takes the arguments after the word
`match`. As in `coopbuy allocate`, stdout points at the null device while the engine runs, so
nothing a native library prints can end up in the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from coopbuy.bounded_input import InputTooBig, read_bounded, source_name
from coopbuy.core.errors import ProblemError
from coopbuy.core.matching import match, problem_from_json, result_to_json
from coopbuy.core.matching.jsontext import fast_problem_from_text
from coopbuy.native_stdout import native_stdout_silenced

PROG = "coopbuy match"
#: The most input read: 200 MB is about a million people, far past any real interest list.
MAX_BYTES = 200_000_000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for bad input
        print(f"{PROG}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _time_limit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 86400 seconds")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Propose new buying groups (shared/specs/matching.md).")
    parser.add_argument("problem", help="the problem JSON file, or - for standard input")
    parser.add_argument(
        "--time-limit",
        type=_time_limit,
        default=30.0,
        metavar="SECONDS",
        help="solver time limit (default 30)",
    )
    return parser


def _fail(message: str) -> int:
    """One line on stderr, whatever the input put in the message (a key with a line break)."""
    one_line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
    print(f"{PROG}: {one_line}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    source = source_name(args.problem)
    try:
        text = read_bounded(args.problem, MAX_BYTES, "characters")
    except (OSError, UnicodeDecodeError) as err:
        return _fail(f"{args.problem}: cannot read: {getattr(err, 'strerror', None) or err}")
    except InputTooBig as err:
        return _fail(f"{err.source}: too big: at most {err.limit:,} characters")
    problem = fast_problem_from_text(text)
    try:
        if problem is None:  # an error somewhere: the exact path names it
            try:
                data = json.loads(text)
            except json.JSONDecodeError as err:
                return _fail(
                    f"{source}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
                )
            except RecursionError:  # the C parser refuses nesting past Python's recursion limit
                return _fail(f"{source}: nested too deeply (the contract nests 4 levels)")
            except ValueError:  # Python refuses to read an integer of more than 4,300 digits
                return _fail(f"{source}: invalid JSON: a number has too many digits")
            problem = problem_from_json(data)
        with native_stdout_silenced():
            result = match(problem, time_limit=args.time_limit)
    except ProblemError as err:
        return _fail(str(err))
    except Exception as err:  # a bug must still not print a traceback at an organiser
        return _fail(f"internal error ({type(err).__name__}: {err}); please report it")
    objective = result.objective
    if not objective.proven_optimal:
        what = (
            "the most people placed is proven, the least travel is not"
            if objective.gap == 0
            else f"gap {objective.gap:.2%} on the people placed"
            f" ({objective.placed} placed, at most {objective.bound} possible)"
        )
        print(f"{PROG}: the answer is not proven optimal ({what}); a longer --time-limit may"
              " help", file=sys.stderr)  # fmt: skip
    sys.stdout.write(json.dumps(result_to_json(result), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
