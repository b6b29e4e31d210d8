"""Read configuration from the environment, with safe defaults for the embedded demo.

Kept apart from `settings.py` so that the rules (what a variable means, what its default is) can be
tested without loading Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigurationError(ValueError):
    """An environment variable has a value coopbuy cannot use; the message names it."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}: expected one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_seconds(name: str) -> float | None:
    """A positive number of seconds, or None when the variable is unset or empty (off)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < 3600:
        raise ConfigurationError(f"{name}: expected a number of seconds such as 2.5, got {raw!r}")
    return value


def sqlite_options() -> dict[str, object]:
    """How coopbuy opens its embedded SQLite database.

    WAL lets readers (a member's page, the worker polling for tasks) go on while one writer
    writes; IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing half
    way; a writer that finds the lock taken waits up to `$SQLITE_BUSY_TIMEOUT` seconds (default
    60: an 8-second bank import or a 20-second close must not turn a member's click, or the
    worker, into "database is locked").
    """
    raw = os.environ.get("SQLITE_BUSY_TIMEOUT", "60")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ConfigurationError(
            f"SQLITE_BUSY_TIMEOUT: expected seconds between 1 and 3600, got {raw!r}"
        )
    milliseconds = int(seconds * 1000)
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": seconds,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={milliseconds};"
        ),
    }


def data_dir() -> Path:
    """Where the embedded database, the generated secret and uploads live (`$COOPBUY_DATA_DIR`)."""
    return Path(os.environ.get("COOPBUY_DATA_DIR", "var")).resolve()


def secret_key(directory: Path) -> str:
    """`$SECRET_KEY`, else a random key generated once and kept in the data directory.

    The demo then needs no set-up, and sessions survive a restart.
    """
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    path = directory / "secret_key"
    if path.exists():
        return path.read_text().strip()
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def positive_seconds(name: str, default: int) -> int:
    """A whole number of seconds from the environment (`default` when unset or empty)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) == 0:
        raise ConfigurationError(
            f"{name}: expected a whole number of seconds such as 600, got {raw!r}"
        )
    return int(raw)


def outbox_timeouts() -> tuple[int, int, int]:
    """`EMAIL_TIMEOUT` (each wait on the mail server), `COOPBUY_OUTBOX_SEND_TIMEOUT` (one whole
    message) and `COOPBUY_OUTBOX_CLAIM_TIMEOUT` (a claim this old is handed back), in seconds.

    A claim is handed back only once its sender must be dead: the claim timeout must be at least
    twice the send timeout, and the send timeout at least the socket timeout
    (`coopbuy.outbox.sending`).
    """
    socket_timeout = positive_seconds("EMAIL_TIMEOUT", 30)
    send = positive_seconds("COOPBUY_OUTBOX_SEND_TIMEOUT", 120)
    claim = positive_seconds("COOPBUY_OUTBOX_CLAIM_TIMEOUT", 600)
    if send < socket_timeout:
        raise ConfigurationError(
            f"COOPBUY_OUTBOX_SEND_TIMEOUT ({send} s) must be at least EMAIL_TIMEOUT "
            f"({socket_timeout} s)"
        )
    if claim < 2 * send:
        raise ConfigurationError(
            f"COOPBUY_OUTBOX_CLAIM_TIMEOUT ({claim} s) must be at least twice "
            f"COOPBUY_OUTBOX_SEND_TIMEOUT ({send} s): a slow sender that is still alive would "
            "otherwise lose its claim and the message go out twice"
        )
    return socket_timeout, send, claim


def mailer_settings(url: str, timeout: int | None = None) -> dict[str, object]:
    """Translate `$EMAIL_URL` into Django's `MAILERS["default"]`.

    Forms: `console://`, `locmem://`, `dummy://`, `smtp://user:password@host:587/?tls=1`,
    `smtps://user:password@host:465`. Django's mail framework does the sending. `timeout`: the
    SMTP socket timeout in seconds.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "coopbuy.outbox.smtp.EmailBackend",  # Django's, its send bounded in all
        "smtps": "coopbuy.outbox.smtp.EmailBackend",
    }
    if scheme not in backends:
        raise ConfigurationError(
            f"EMAIL_URL: unknown scheme {scheme!r}; use smtp, smtps, console, locmem or dummy"
        )
    mailer: dict[str, object] = {"BACKEND": backends[scheme]}
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        options: dict[str, object] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": scheme == "smtps",
            "use_tls": query.get("tls", ["0"])[0].lower() in TRUE_WORDS,
        }
        if timeout is not None:  # each wait on the server; None: wait for ever
            options["timeout"] = timeout
        mailer["OPTIONS"] = options
    return mailer
