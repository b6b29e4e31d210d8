"""The crash test's processes and database: the web servers and workers it kills and restarts
(`Service`), its own database made anew and cut off, and waiting until the servers answer."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent


class Service:
    """A child process in its own session, so that SIGKILL takes its children with it."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: IO[bytes]) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = self.deaths = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=ROOT,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if "crash" not in name:
        sys.exit(f"refusing to drop the database {name!r}: a crash test database's name says crash")
    return name


def recreate_database(url: str, *, create: bool = True) -> None:
    import psycopg

    name = database_name(url)
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def restart_postgres(url: str) -> str:
    port = str(urlsplit(url).port or 5432)
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    for line in clusters.splitlines():
        version, cluster, cluster_port = line.split()[:3]
        if cluster_port == port:
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart",
                 "-m", "immediate"], check=True, capture_output=True,
            )  # fmt: skip
            return f"{version}/{cluster}"
    raise SystemExit(f"no PostgreSQL cluster on port {port} in pg_lsclusters")


def terminate_connections(url: str) -> int:
    """Cut every connection to the crash test's own database (safe on a shared cluster)."""
    import psycopg

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        cut = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name(url)],
        ).fetchone()
    return int(cut[0]) if cut else 0


def wait_until_serving(ports: list[int], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    for port in ports:
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health/", timeout=5).status_code < 600:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the web server on port {port} did not answer in {seconds} s")
            time.sleep(0.3)
