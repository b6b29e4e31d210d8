"""`coopbuy.stopping`: a stop signal ends the command and its children even when Python swallows
the `KeyboardInterrupt` it raises (as it does inside a weakref callback during garbage collection).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.test_demo_stops_its_children import alive

# A command that starts a child through `Children`, then swallows every KeyboardInterrupt, as a
# weakref callback does; it prints the child's pid once it is ready.
SWALLOWS = textwrap.dedent(
    """
    import sys, time
    from coopbuy.stopping import Children
    children = Children()
    children.install_handlers()
    child = children.start([sys.executable, "-c", "import time; time.sleep(600)"])
    told = False
    while True:
        try:
            if not told:  # inside the try: the test may signal before print returns
                told = True
                print(child.pid, flush=True)
            time.sleep(0.05)
        except KeyboardInterrupt:
            pass  # swallowed: only the watchdog can stop us now
    """
)

# A command that stops the normal way: its `finally` stops the children.
UNWINDS = textwrap.dedent(
    """
    import sys, time
    from coopbuy.stopping import Children
    children = Children()
    children.install_handlers()
    try:
        child = children.start([sys.executable, "-c", "import time; time.sleep(600)"])
        print(child.pid, flush=True)
        time.sleep(600)
    except KeyboardInterrupt:
        sys.exit(7)
    finally:
        children.unwinding.set()
        children.stop()
    """
)


def _run(script: str) -> tuple[subprocess.Popen[str], int]:
    command = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert command.stdout is not None
    return command, int(command.stdout.readline())


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_swallowed_stop_still_ends_the_command_and_its_child(stop: signal.Signals) -> None:
    command, child = _run(SWALLOWS)
    try:
        time.sleep(0.5)  # into the loop that swallows every interrupt
        command.send_signal(stop)
        assert command.wait(timeout=60) == 130
        time.sleep(0.2)
        assert not alive(child)
    finally:
        command.kill()
        subprocess.run(["kill", "-9", str(child)], check=False, capture_output=True)


def test_a_stop_unwinds_through_finally_which_stops_the_child() -> None:
    command, child = _run(UNWINDS)
    try:
        command.send_signal(signal.SIGINT)
        assert command.wait(timeout=60) == 7  # the main thread's own exit, not the watchdog's 130
        time.sleep(0.2)
        assert not alive(child)
    finally:
        command.kill()
        subprocess.run(["kill", "-9", str(child)], check=False, capture_output=True)
