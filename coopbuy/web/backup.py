"""Backups and restores of the whole database: the embedded SQLite file, or PostgreSQL.

SQLite is copied with SQLite's online backup API, so a backup taken while the site runs is
consistent (WAL included), and checked (`PRAGMA integrity_check`) before it is called done. A
restore checks the file first (a SQLite database that passes the integrity check and holds
coopbuy's migrations), keeps the current database beside it (`*.before-restore-*.sqlite3`) and
copies the backup in, through the same API, so nothing is lost if the restore was a mistake.

PostgreSQL is dumped with `pg_dump --format=custom` and restored with `pg_restore --clean`, both
from the PostgreSQL client tools, with the connection settings of `DATABASE_URL`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class BackupError(Exception):
    """A backup or restore that cannot be done, and why (shown to the operator as it is)."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check_sqlite(path: Path) -> None:
    """The file is a sound SQLite database with coopbuy's tables, or BackupError says why."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not a SQLite database.")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()
        if not verdict or verdict[0] != "ok":
            raise BackupError(f"{path} is damaged: {verdict[0] if verdict else 'no answer'}.")
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
        if not found or found[0] != 1:
            raise BackupError(f"{path} is not a coopbuy database (it has no migrations table).")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a database: {error}.") from error
    finally:
        connection.close()


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def sqlite_backup(database: Path, directory: Path) -> Path:
    """Copy the live database into `directory` as `coopbuy-<UTC time>.sqlite3`, checked."""
    if not database.is_file():
        raise BackupError(f"There is no database at {database}.")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"coopbuy-{_stamp()}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} exists already; wait a second and try again.")
    _copy_sqlite(database, target)
    _check_sqlite(target)
    return target


def sqlite_restore(backup: Path, database: Path) -> Path:
    """Replace the live database with `backup`; returns where the replaced one was kept."""
    _check_sqlite(backup)
    kept = database.with_name(f"{database.stem}.before-restore-{_stamp()}.sqlite3")
    if database.is_file():
        _copy_sqlite(database, kept)
    _copy_sqlite(backup, database)
    return kept


def _pg_env(settings: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def postgres_backup(settings: Mapping[str, Any], directory: Path) -> Path:
    """`pg_dump --format=custom` of the database into `directory`."""
    args, env = _pg_env(settings)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"coopbuy-{_stamp()}.pgdump"
    _run([_tool("pg_dump"), "--format=custom", "--file", str(target), *args,
          "--dbname", str(settings["NAME"])], env)  # fmt: skip
    return target


def postgres_restore(settings: Mapping[str, Any], backup: Path) -> None:
    """`pg_restore --clean --if-exists` of a dump made by `postgres_backup`, in one transaction."""
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file.")
    with backup.open("rb") as file:
        if file.read(5) != b"PGDMP":
            raise BackupError(f"{backup} is not a PostgreSQL dump made by `coopbuy backup`.")
    args, env = _pg_env(settings)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *args, "--dbname", str(settings["NAME"]), str(backup)], env)  # fmt: skip
