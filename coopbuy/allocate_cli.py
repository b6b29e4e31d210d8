"""`coopbuy allocate PROBLEM.json|- [--policy P] [--explain] [--time-limit S]` (the contract).

Prints the result JSON on stdout and exits 0 (parsed and printed by `coopbuy.core.jsontext`: msgspec
for the parse, the output written column by column, byte for byte what `json.dumps(indent=2)` of
`jsonio.result_to_json` gives). Any bad input (unreadable file, invalid JSON, a field
that breaks the contract) prints one line `coopbuy allocate: <path>: <message>` on stderr and exits
2; never a traceback. Imports only the standard library and `coopbuy.core`, never Django, so it
starts fast. `main` takes the arguments after the word `allocate`.

stdout carries the JSON and nothing else: while the engine runs, file descriptor 1 points at the
null device, so nothing a native library prints (HiGHS writes a banner from C++ when its public
class is built) can end up in the JSON. The engine picks a silent HiGHS class anyway; this is the
guard for the day a library update prints something new.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from coopbuy.core.allocation import allocate
from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonio import problem_from_json
from coopbuy.core.jsontext import fast_problem_from_text, result_to_text
from coopbuy.core.pooling import allocate_pooled
from coopbuy.core.pooling_json import has_groups, pooled_problem_from_json, pooled_result_to_json
from coopbuy.core.problem import POLICIES
from coopbuy.native_stdout import native_stdout_silenced

PROG = "coopbuy allocate"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for bad input
        print(f"{PROG}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description="Allocate whole cases to members (shared/specs/allocation.md)."
    )
    parser.add_argument("problem", help="the problem JSON file, or - for standard input")
    parser.add_argument("--policy", choices=POLICIES, help="overrides the problem's policy")
    parser.add_argument(
        "--explain", action="store_true", help="add a reason to every allocation and unmet request"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="optimal: solver time limit (default 10)",
    )
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        if args.problem == "-":
            text = sys.stdin.read()
            source = "<stdin>"
        else:
            source = args.problem
            with open(args.problem, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as err:
        return _fail(f"{args.problem}: cannot read: {getattr(err, 'strerror', None) or err}")
    problem = fast_problem_from_text(text)
    if problem is None:  # an error somewhere, or a section only the exact path knows
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            return _fail(
                f"{source}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
            )
        if has_groups(data):  # a pooled round: the contract's "groups" section
            return _pooled(data, args)  # (the fast path declines `groups`: a key it does not know)
        try:
            problem = problem_from_json(data)
        except ProblemError as err:
            return _fail(str(err))
    try:
        with native_stdout_silenced():
            result = allocate(
                problem, policy=args.policy, time_limit=args.time_limit, explain_result=args.explain
            )
    except ProblemError as err:
        return _fail(str(err))
    except Exception as err:  # a bug must still not print a traceback at a treasurer
        return _fail(f"internal error ({type(err).__name__}: {err}); please report it")
    status = result.objective
    if status.proven_optimal is False:
        print(
            f"{PROG}: time limit reached: the best allocation found is not proven optimal"
            + (" (no bound yet)" if status.gap is None else f" (gap {status.gap:.2%})"),
            file=sys.stderr,
        )
    sys.stdout.write(result_to_text(result, explain=args.explain) + "\n")
    return 0


def _pooled(data: dict[str, object], args: argparse.Namespace) -> int:
    """`main` for a problem with groups: the pool, each group alone, the pooled output."""
    try:
        pooled = pooled_problem_from_json(data)
        with native_stdout_silenced():
            result = allocate_pooled(
                pooled, policy=args.policy, time_limit=args.time_limit, explain_result=args.explain
            )
    except ProblemError as err:
        return _fail(str(err))
    except Exception as err:  # a bug must still not print a traceback at a treasurer
        return _fail(f"internal error ({type(err).__name__}: {err}); please report it")
    if result.result.objective.proven_optimal is False:
        print(
            f"{PROG}: time limit reached: the pooled allocation is not proven optimal",
            file=sys.stderr,
        )
    unproven = [g.id for g in result.groups if g.alone_proven_optimal is False]
    if unproven:
        print(
            f"{PROG}: time limit reached: the alone figures of {', '.join(unproven)} are not"
            " proven optimal",
            file=sys.stderr,
        )
    output = pooled_result_to_json(result, explain=args.explain)
    sys.stdout.write(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
