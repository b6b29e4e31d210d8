"""`coopbuy tender award PROBLEM.json|- [--time-limit S]` (shared/specs/tender.md).

Prints the award JSON on stdout and exits 0. The input is read by `coopbuy.bounded_input` and
parsed by msgspec into typed structs (`coopbuy.core.tender.jsontext`); when that declines (an error
anywhere), `json.loads` and the exact validators of `tender.jsonio` name the error. Any bad input
(unreadable or oversized file, invalid JSON, a field that breaks the contract) prints one line
`coopbuy tender award: <path>: <message>` on stderr and exits 2; never a traceback. Imports only
the standard library and `coopbuy.core` (plus the stdout guard and the bounded reader beside it),
never Django. The input read is bounded (`MAX_INPUT_BYTES`), so a runaway file cannot exhaust
memory. `main` takes the arguments after the word `tender`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from coopbuy.bounded_input import InputNotText, InputTooBig, read_bounded, source_name
from coopbuy.core.errors import ProblemError
from coopbuy.core.tender import award, tender_from_json, tender_result_to_json
from coopbuy.core.tender.jsontext import fast_tender_from_text
from coopbuy.native_stdout import native_stdout_silenced

PROG = "coopbuy tender award"
MAX_INPUT_BYTES = 32 * 1024 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for bad input
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="coopbuy tender", description="Tenders (shared/specs/tender.md).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    award_parser = commands.add_parser(
        "award", help="decide who supplies what from the bids", description="Award a tender."
    )
    award_parser.add_argument("problem", help="the tender JSON file, or - for standard input")
    award_parser.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="solver time limit (default 10)",
    )
    return parser


def _fail(message: str) -> int:
    """One line on stderr, whatever the input put in the message (a key with a line break)."""
    one_line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
    print(f"{PROG}: {one_line}", file=sys.stderr)
    return 2


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n} bytes"


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    source = source_name(args.problem)
    try:
        text = read_bounded(args.problem, MAX_INPUT_BYTES, "bytes")
    except OSError as err:
        return _fail(f"{args.problem}: cannot read: {err.strerror or err}")
    except InputTooBig as err:
        return _fail(f"{err.source}: larger than the limit of {_size(err.limit)}")
    except InputNotText as err:
        return _fail(f"{err.source}: not UTF-8 text")
    problem = fast_tender_from_text(text)
    if problem is None:  # an error somewhere: the exact path names it
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            return _fail(
                f"{source}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
            )
        except RecursionError:
            return _fail(f"{source}: invalid JSON: nested too deeply")
        except ValueError:  # Python refuses to read an integer of more than 4,300 digits
            return _fail(f"{source}: invalid JSON: a number has too many digits")
    try:
        if problem is None:
            problem = tender_from_json(data)
        with native_stdout_silenced():
            result = award(problem, time_limit=args.time_limit)
    except ProblemError as err:
        return _fail(str(err))
    except Exception as err:  # a bug must still not print a traceback at an organiser
        return _fail(f"internal error ({type(err).__name__}: {err}); please report it")
    if not result.objective.proven_optimal:
        print(
            f"{PROG}: time limit reached: the best award found is not proven optimal"
            f" (gap {result.objective.gap:.2%})",
            file=sys.stderr,
        )
    sys.stdout.write(json.dumps(tender_result_to_json(result), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
