"""bench/crash.py for 15 s: web servers and workers killed at random, every invariant still holds.

PostgreSQL only (the crash test needs several processes on one database server). It makes its own
database beside the test database (`<name>_crash_bench`) and drops it at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the crash test is PostgreSQL's"),
]
ROOT = Path(__file__).resolve().parent.parent


def test_a_short_crash_test_keeps_every_invariant() -> None:
    parts = urlsplit(os.environ["DATABASE_URL"])
    url = parts._replace(path=f"{parts.path.rstrip('/')}_crash_bench").geturl()
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "crash.py"), "--seconds", "15", "--seed", "3",
         "--database-url", url],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "every invariant held" in run.stdout
    assert "SIGKILL" in run.stdout  # the nemesis did strike
