"""The `coopbuy` command: demo, serve, worker, allocate, match, tender, and Django's commands.

`coopbuy allocate`, `match` and `tender` are dispatched before anything imports Django, so that they
start fast.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence

from coopbuy.stopping import Children

SETTINGS = "coopbuy.config.settings"
# Our own management commands, spelt as people type them.
COMMAND_ALIASES = {"import-catalog": "import_catalog", "ledger": "ledger"}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command == "allocate":
        from coopbuy.allocate_cli import main as allocate_main

        return allocate_main(args[1:])
    if command == "tender":
        from coopbuy.tender_cli import main as tender_main

        return tender_main(args[1:])
    if command == "match":
        from coopbuy.match_cli import main as match_main

        return match_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if command == "demo":
        return demo(args[1:])
    if command == "serve":
        return serve(args[1:])
    if command in COMMAND_ALIASES:
        return _django([COMMAND_ALIASES[command], *args[1:]])
    if command == "worker":
        return _django(["run_worker", *args[1:]])
    if command in {"help", "-h", "--help"}:
        print(__doc__.strip() if __doc__ else "")
        print(
            "\nOwn commands: demo [--host H] [--port P], serve, worker, allocate PROBLEM.json,"
            " match PROBLEM.json, tender award PROBLEM.json"
        )
        print("Django's commands: coopbuy help --commands (or any command name)")
        if command == "help" and len(args) > 1:
            return _django(args)
        return 0
    return _django(args)


def _django(args: list[str]) -> int:
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from coopbuy.config.environment import ConfigurationError

    try:
        execute_from_command_line(["coopbuy", *args])
    except KeyboardInterrupt:
        return 130
    except ConfigurationError as error:
        print(f"coopbuy: {error}", file=sys.stderr)
        return 2
    except OperationalError as error:
        print(
            f"coopbuy: the database cannot be used: {error}. Check DATABASE_URL and that the "
            "database server is running.",
            file=sys.stderr,
        )
        return 2
    return 0


def _setup_django() -> None:
    from coopbuy.config.environment import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        print(f"coopbuy: {error}", file=sys.stderr)
        raise SystemExit(2) from error


WORKER = [sys.executable, "-m", "coopbuy", "worker", "--interval", "1"]


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="coopbuy demo", description="Migrate, seed a realistic demo and serve it."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="prepare the demo and stop")
    options = parser.parse_args(argv)
    # The demo runs on plain http on this machine: debug on, mail printed to the console.
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("EMAIL_URL", "console://")
    os.environ.setdefault("SITE_URL", f"http://{options.host}:{options.port}")
    os.environ.setdefault("ALLOWED_HOSTS", f"{options.host},localhost,127.0.0.1,[::1]")
    children = Children()
    children.install_handlers()
    try:
        return _demo(options, children)
    except KeyboardInterrupt:
        print("coopbuy demo: stopped.", file=sys.stderr)
        return 130
    finally:
        children.unwinding.set()
        children.stop()


def _demo(options: argparse.Namespace, children: Children) -> int:
    _setup_django()

    from django.conf import settings
    from django.core.management import call_command

    from coopbuy.demo.seed import seed_demo

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"coopbuy demo: data in {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    summary = seed_demo()
    url = f"http://{options.host}:{options.port}/"
    print(summary.describe(url))
    if options.no_serve:
        return 0
    print("Emails the demo sends are printed here. Press Ctrl+C to stop.")
    children.start(WORKER)  # the background worker runs beside the web server and stops with it
    call_command("runserver", f"{options.host}:{options.port}", use_reloader=False)
    return 0


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="coopbuy serve",
        description="Serve coopbuy with gunicorn, configured from the environment.",
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    options = parser.parse_args(argv)
    _setup_django()

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    children = Children()
    children.install_handlers()
    try:
        if not options.no_worker:
            children.start(WORKER)
        server = children.start(
            [
                gunicorn,
                "coopbuy.config.wsgi:application",
                "--bind",
                f"{options.host}:{options.port}",
                "--workers",
                str(options.workers),
                "--access-logfile",
                "-",
            ]
        )
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        children.unwinding.set()
        children.stop()


if __name__ == "__main__":
    raise SystemExit(main())
