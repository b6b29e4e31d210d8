"""`coopbuy backup` and `coopbuy restore`: a backup restores the data it was taken with, and a
file that is not a sound coopbuy backup is refused before anything is replaced."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from coopbuy.web.backup import (
    BackupError,
    postgres_backup,
    postgres_restore,
    sqlite_backup,
    sqlite_restore,
)


def _database(path: Path, notes: list[str]) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)")
    db.execute("CREATE TABLE note (text TEXT)")
    db.executemany("INSERT INTO note VALUES (?)", [(n,) for n in notes])
    db.commit()
    db.close()
    return path


def _notes(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT text FROM note ORDER BY rowid")]
    finally:
        db.close()


def test_a_restore_brings_back_the_backup_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    live = _database(tmp_path / "coopbuy.sqlite3", ["oats", "lentils"])
    backup = sqlite_backup(live, tmp_path / "backups")
    assert backup.parent == tmp_path / "backups" and backup.suffix == ".sqlite3"
    db = sqlite3.connect(live)
    db.execute("INSERT INTO note VALUES ('after the backup')")
    db.commit()
    db.close()

    kept = sqlite_restore(backup, live)

    assert _notes(live) == ["oats", "lentils"]
    assert _notes(kept) == ["oats", "lentils", "after the backup"]


def test_a_backup_of_a_database_in_wal_mode_holds_what_is_not_checkpointed(
    tmp_path: Path,
) -> None:
    live = _database(tmp_path / "coopbuy.sqlite3", [])
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO note VALUES ('only in the WAL')")
    writer.commit()
    try:
        assert _notes(sqlite_backup(live, tmp_path / "b")) == ["only in the WAL"]
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "not a SQLite database"),
        (b"name,amount\nAnn,1.50\n", "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "cannot be read"),
    ],
)
def test_a_file_that_is_not_a_sound_database_is_refused_and_nothing_replaced(
    tmp_path: Path, content: bytes, says: str
) -> None:
    live = _database(tmp_path / "coopbuy.sqlite3", ["oats"])
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    with pytest.raises(BackupError, match=says):
        sqlite_restore(bad, live)
    assert _notes(live) == ["oats"]
    assert not list(tmp_path.glob("*before-restore*"))


def test_a_sqlite_database_that_is_not_coopbuys_is_refused(tmp_path: Path) -> None:
    live = _database(tmp_path / "coopbuy.sqlite3", ["oats"])
    other = sqlite3.connect(tmp_path / "other.sqlite3")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    with pytest.raises(BackupError, match="not a coopbuy database"):
        sqlite_restore(tmp_path / "other.sqlite3", live)
    assert _notes(live) == ["oats"]


def test_a_backup_of_a_missing_database_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="There is no database"):
        sqlite_backup(tmp_path / "none.sqlite3", tmp_path / "b")


def _coopbuy(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"COOPBUY_DATA_DIR": str(data_dir), "SECRET_KEY": "backup-test-" + "x" * 50}
    return subprocess.run(
        [sys.executable, "-m", "coopbuy", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_the_commands_back_up_and_restore_the_embedded_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _coopbuy(data, "migrate", "--verbosity", "0").returncode == 0
    made = _coopbuy(data, "backup", "--to", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().removeprefix("Backed up to "))
    db = sqlite3.connect(data / "coopbuy.sqlite3")
    db.execute("DELETE FROM django_migrations WHERE app = 'ledger'")
    db.commit()
    db.close()

    refused = _coopbuy(data, "restore", str(backup))
    assert refused.returncode != 0 and "--yes" in refused.stderr

    restored = _coopbuy(data, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    db = sqlite3.connect(data / "coopbuy.sqlite3")
    ledger = db.execute("SELECT count(*) FROM django_migrations WHERE app = 'ledger'").fetchone()
    db.close()
    assert ledger[0] > 0
    assert "Traceback" not in refused.stderr


def test_postgresql_dump_and_restore(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL")
    import psycopg

    name = f"coopbuy_backup_{uuid.uuid4().hex[:10]}"
    settings = {**connection.settings_dict, "NAME": name}
    params = {k: settings[v] for k, v in (("host", "HOST"), ("port", "PORT"),
              ("user", "USER"), ("password", "PASSWORD")) if settings.get(v)}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(dbname=name, autocommit=True, **params) as scratch:
            scratch.execute("CREATE TABLE note (text text)")
            scratch.execute("INSERT INTO note VALUES ('oats'), ('lentils')")
            dump = postgres_backup(settings, tmp_path)
            scratch.execute("DELETE FROM note")
            scratch.execute("INSERT INTO note VALUES ('after the dump')")
        postgres_restore(settings, dump)
        with psycopg.connect(dbname=name, autocommit=True, **params) as scratch:
            rows = [r[0] for r in scratch.execute("SELECT text FROM note ORDER BY text")]
        assert rows == ["lentils", "oats"]
        (tmp_path / "x.pgdump").write_text("not a dump")
        with pytest.raises(BackupError, match="not a PostgreSQL dump"):
            postgres_restore(settings, tmp_path / "x.pgdump")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
