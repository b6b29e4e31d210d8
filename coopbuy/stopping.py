"""Stopping `coopbuy demo` and `coopbuy serve` with Ctrl+C or SIGTERM, children and all.

The handler raises `Stopped` (a `KeyboardInterrupt`) in the main thread, which unwinds through the
command's `finally` and stops the children (the worker, gunicorn) there. Two things can defeat
that, and both happened under load:
- Python swallows an exception raised while a weakref callback or `__del__` runs during garbage
  collection ("Exception ignored in ..."): the demo then went on serving after SIGINT. So the
  first signal also starts a watchdog: if the main thread has not begun stopping within
  `GRACE_SECONDS`, the watchdog stops the children itself and ends the process.
- A signal between `fork` and `Popen` returning would leave a child nobody knows of: signals are
  held while a child starts (and released in the child before it runs its program).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from types import FrameType

GRACE_SECONDS = 5.0
STOP_SECONDS = 10.0
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGINT, turned into an exception so that `finally` blocks stop the children."""


class Children:
    """The processes a command started, stopped exactly once by whoever gets there first."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # a stop signal arrived
        self.unwinding = threading.Event()  # the main thread is stopping the children

    def start(self, command: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start `command` with the stop signals held, so that a signal cannot land between the
        child's creation and its being recorded here."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            process = subprocess.Popen(
                list(command), env=os.environ.copy(), preexec_fn=_release_stop_signals
            )
            with self._lock:
                self._processes.append(process)
            return process
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def stop(self) -> None:
        """SIGTERM each child still running, wait for it, SIGKILL it if it does not end."""
        with self._lock:
            processes, self._processes = self._processes, []
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def install_handlers(self) -> None:
        """SIGTERM (systemd, docker stop, kill) unwinds like Ctrl+C instead of killing us outright,
        which would leave the children running without a parent. A shell starts a background job
        with SIGINT ignored and Python keeps ignoring it: `kill -INT` must still stop us."""
        for number in STOP_SIGNALS:
            signal.signal(number, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.unwinding.is_set():
            return  # already stopping the children: let that finish
        if not self.stopping.is_set():
            self.stopping.set()
            threading.Thread(target=self._watch, name="stop-watchdog", daemon=True).start()
        raise Stopped()

    def _watch(self) -> None:
        if self.unwinding.wait(GRACE_SECONDS):
            return
        # The main thread's `Stopped` was swallowed somewhere: stop everything from here.
        self.unwinding.set()
        self.stop()
        sys.stderr.write("coopbuy: stopped.\n")
        sys.stderr.flush()
        os._exit(130)


def _release_stop_signals() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
