"""Configuration from the environment: meanings, defaults and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopbuy.config.environment import (
    ConfigurationError,
    env_bool,
    env_list,
    env_seconds,
    mailer_settings,
    outbox_timeouts,
    secret_key,
)


def test_env_bool_reads_common_words_and_names_the_variable_when_it_cannot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBUG", "yes")
    assert env_bool("DEBUG", False) is True
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG", True) is False
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match=r"^DEBUG: expected"):
        env_bool("DEBUG", False)


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "a.org, b.org,,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.org", "b.org"]


def test_env_seconds_is_off_when_unset_and_names_the_variable_when_unusable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOAD_SHED_QUEUE_SECONDS", raising=False)
    assert env_seconds("LOAD_SHED_QUEUE_SECONDS") is None
    monkeypatch.setenv("LOAD_SHED_QUEUE_SECONDS", " ")
    assert env_seconds("LOAD_SHED_QUEUE_SECONDS") is None
    monkeypatch.setenv("LOAD_SHED_QUEUE_SECONDS", "2.5")
    assert env_seconds("LOAD_SHED_QUEUE_SECONDS") == 2.5
    for bad in ("soon", "0", "-1", "nan", "inf", "1e9"):
        monkeypatch.setenv("LOAD_SHED_QUEUE_SECONDS", bad)
        with pytest.raises(ConfigurationError, match=r"^LOAD_SHED_QUEUE_SECONDS: expected"):
            env_seconds("LOAD_SHED_QUEUE_SECONDS")


def test_secret_key_is_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_mailer_settings_from_email_url() -> None:
    smtp = mailer_settings("smtp://user%40x:p%40ss@mail.example.org:587/?tls=1")
    assert smtp == {
        "BACKEND": "coopbuy.outbox.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "username": "user@x",
            "password": "p@ss",
            "use_ssl": False,
            "use_tls": True,
        },
    }
    assert mailer_settings("console://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    with pytest.raises(ConfigurationError, match=r"^EMAIL_URL: unknown scheme 'ftp'"):
        mailer_settings("ftp://x")
    timed = mailer_settings("smtps://mail.example.org", timeout=30)["OPTIONS"]
    assert isinstance(timed, dict) and timed["timeout"] == 30


def test_outbox_timeouts_default_and_refuse_a_claim_a_live_sender_could_outlast(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("EMAIL_TIMEOUT", "COOPBUY_OUTBOX_SEND_TIMEOUT", "COOPBUY_OUTBOX_CLAIM_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    assert outbox_timeouts() == (30, 120, 600)
    monkeypatch.setenv("COOPBUY_OUTBOX_CLAIM_TIMEOUT", "180")
    with pytest.raises(ConfigurationError, match=r"^COOPBUY_OUTBOX_CLAIM_TIMEOUT \(180 s\) must"):
        outbox_timeouts()
    monkeypatch.setenv("COOPBUY_OUTBOX_SEND_TIMEOUT", "90")
    assert outbox_timeouts() == (30, 90, 180)
    monkeypatch.setenv("EMAIL_TIMEOUT", "100")
    with pytest.raises(ConfigurationError, match=r"^COOPBUY_OUTBOX_SEND_TIMEOUT \(90 s\) must"):
        outbox_timeouts()
    monkeypatch.setenv("EMAIL_TIMEOUT", "ten")
    with pytest.raises(ConfigurationError, match=r"^EMAIL_TIMEOUT: expected a whole number"):
        outbox_timeouts()


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7" * 30 + "-Qz_kP9",
        "ALLOWED_HOSTS": "coop.example.org",
        "COOPBUY_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "coopbuy.config.settings",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "coopbuy", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_setting_gives_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "EMAIL_URL": "pigeon://loft", "COOPBUY_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "coopbuy", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "coopbuy: EMAIL_URL: unknown scheme 'pigeon'; use smtp, smtps, console, locmem or dummy"
    )
