"""`coopbuy demo` stopped with SIGTERM or SIGINT ends its worker: nothing is left running."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def worker_of(pid: int) -> list[int]:
    """The demo's worker: other short-lived children come and go while it seeds (`ldconfig`, run
    by ctypes when a library is looked up), and a signal then would test the seeding instead."""
    found = []
    for child in children_of(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command:
            found.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_environment(data: Path) -> dict[str, str]:
    environment = {**os.environ, "COOPBUY_DATA_DIR": str(data)}
    environment.pop("DATABASE_URL", None)  # the demo's own embedded database
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return environment


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo prepared once (about a minute); each test serves a copy of it, which takes
    seconds, since the demo's seeding adds only what is missing."""
    data = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "coopbuy", "demo", "--no-serve"],
        env=demo_environment(data),
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=600,
    )
    return data


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_demo_ends_its_worker_when_stopped(
    seeded: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    shutil.copytree(seeded, tmp_path, dirs_exist_ok=True)
    environment = demo_environment(tmp_path)
    demo = subprocess.Popen(
        [sys.executable, "-m", "coopbuy", "demo", "--port", str(free_port())],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal for the demo alone, as `kill` sends it
    )
    try:
        deadline = time.monotonic() + 240
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and demo.poll() is None:
            time.sleep(0.5)
            workers = worker_of(demo.pid)
        assert workers, "the demo started no worker"
        time.sleep(1)
        demo.send_signal(stop)
        assert demo.wait(timeout=30) is not None
        time.sleep(0.5)
        assert [pid for pid in workers if alive(pid)] == []
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
        for pid in children_of(demo.pid):
            os.kill(pid, signal.SIGKILL)


def test_the_demo_stopped_while_it_prepares_ends_promptly(tmp_path: Path) -> None:
    """Ctrl+C while it migrates and seeds: exit 130 with a short message, no hang (an interrupt
    swallowed by a weakref callback used to leave it serving)."""
    environment = demo_environment(tmp_path)
    demo = subprocess.Popen(
        [sys.executable, "-m", "coopbuy", "demo", "--port", str(free_port())],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(3)
        assert demo.poll() is None, "the demo should still be preparing"
        demo.send_signal(signal.SIGINT)
        _out, errors = demo.communicate(timeout=60)
        assert demo.returncode == 130
        assert "stopped." in errors.splitlines()[-1]  # said last, whichever way it stopped
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
