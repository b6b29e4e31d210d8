"""Reading a workbook (XLSX, ODS, XLS) in a child process that may use only so much memory.

python-calamine is native code: a file that makes it ask for more memory than there is aborts the
whole process, which a Python `try` cannot catch. `bounds.check_workbook` refuses the files we know
to do that; this is the second wall, for the ones it does not know. The parent runs
`python -m coopbuy.catalog.imports.workbook_child` with the file on stdin; the child lowers its own
address-space limit (RLIMIT_AS) and CPU time before importing calamine, reads the first sheet, and
writes `{"rows": [[text, ...], ...]}` or `{"error": "..."}` as JSON on stdout. Whatever else
happens to it (killed by the limit, the timeout, a crash) the parent reports as a file that cannot
be read, and the server process carries on.

No Django here: the child starts in a fraction of a second.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, time

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the child, bytes
TIMEOUT = 30.0  # seconds of wall-clock time for one file
CPU_SECONDS = 30
NO_SHEETS = "no sheets"


@dataclass(frozen=True)
class ChildResult:
    rows: list[list[str]] | None = None
    error: str | None = None  # what calamine said about a file it refused
    failure: str | None = None  # "memory", "time" or "crash": the child did not finish


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees (12.0 is "12", True is "yes")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def read_in_child(
    content: bytes, *, memory_limit: int = MEMORY_LIMIT, timeout: float = TIMEOUT
) -> ChildResult:
    """The first sheet's rows as text, read by a child process under the limits."""
    environment = {**os.environ, "COOPBUY_CHILD_MEMORY": str(memory_limit), "RUST_BACKTRACE": "0"}
    try:
        finished = subprocess.run(
            [sys.executable, "-m", __name__],
            input=content,
            capture_output=True,
            timeout=timeout,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ChildResult(failure="time")
    if finished.returncode != 0:
        memory = b"memory allocation" in finished.stderr or b"MemoryError" in finished.stderr
        return ChildResult(failure="memory" if memory else "crash")
    try:
        answer = json.loads(finished.stdout)
    except ValueError:
        return ChildResult(failure="crash")
    if "error" in answer:
        return ChildResult(error=str(answer["error"]))
    return ChildResult(rows=answer["rows"])


def _limit_self() -> None:
    memory = int(os.environ.get("COOPBUY_CHILD_MEMORY", MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _main() -> None:
    _limit_self()
    content = sys.stdin.buffer.read()
    import io

    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            answer: dict[str, object] = {"error": NO_SHEETS}
        else:
            values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
            answer = {"rows": [[cell_text(value) for value in row] for row in values]}
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        sys.exit(3)
    except Exception as error:  # calamine raises its own errors and ValueError for bad files
        answer = {"error": str(error)[:200]}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main()
