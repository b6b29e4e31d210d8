"""Crash test (bench/README.md): kill web processes and workers at random, check nothing was lost.

.venv/bin/python bench/crash.py [--seconds 60] [--seed 1] [--restart-postgres]

On its own fresh PostgreSQL database (default `coopbuy_crash_bench`, dropped and made anew, then
dropped at the end unless --keep) it starts two gunicorn servers (two processes each) and two
workers (`coopbuy worker`) on loopback, and a mail server that only counts what it receives. It
seeds a group, members with credit, an open round and a capped campaign through the services.
Member clients (threads) change their baskets and pledges, a treasurer client records top-ups,
all through /api/v1 with Idempotency-Key headers, while a nemesis SIGKILLs a random web server
(its whole process group) or worker and restarts it, and once cuts every connection to the
database (pg_terminate_backend, only this database's); with --restart-postgres (off by default:
other people's tests share the cluster) it restarts PostgreSQL in immediate mode instead.
Then the clients retry every request that was not answered, with the same key, the round is
closed through the API, and the checks run: every answered request took effect exactly once,
every book balances, the campaign's cap holds, no email was sent twice, the round is closed.
Prints the figures and exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from urllib3.exceptions import NewConnectionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_checks import (  # noqa: E402
    check_close,
    check_money,
    check_orders,
    check_outbox,
    wait_for_outbox,
)
from crash_ops import CAP, Log, Op, World  # noqa: E402
from crash_services import (  # noqa: E402
    Service,
    database_name,
    free_port,
    recreate_database,
    restart_postgres,
    terminate_connections,
    wait_until_serving,
)
from crash_sink import MailSink  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coopbuy_crash_bench"
MEMBERS, PRODUCTS, MOST_PER_PERSON = 8, 5, 4
REQUEST_TIMEOUT = 60  # long: a request given up on could still commit after a later one
RETRIES = 20


def child_environment(url: str, data_dir: str, mail_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="coopbuy.config.settings",
        SECRET_KEY="crash-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        EMAIL_URL=f"smtp://127.0.0.1:{mail_port}/",
        COOPBUY_DATA_DIR=data_dir,
        API_RATE_LIMIT_TOKEN="1000000",
        API_RATE_LIMIT_USER="1000000",
        DATABASE_CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def seed(rng: random.Random) -> World:
    """A group, its treasurer, members with credit, an open round and a capped campaign."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from coopbuy.campaigns.models import Campaign
    from coopbuy.campaigns.services import TierInput, campaign_create
    from coopbuy.catalog.services import product_save, supplier_create
    from coopbuy.groups.services import group_create
    from coopbuy.ledger.keys import user_key
    from coopbuy.ledger.treasury import ledger_top_up
    from coopbuy.rounds.models import RoundProduct
    from coopbuy.rounds.services import round_create, round_open
    from coopbuy.testing.factories import add_member, make_user
    from coopbuy.tokens.services import token_create

    cora = make_user("Cora Crash")
    group = group_create(creator=cora, name="Crash test group")
    treasurer = add_member(group, make_user("Tess Treasurer"), role="treasurer")
    supplier = supplier_create(
        group=group, actor=cora, name="Crash Foods", order_email="orders@crash.example"
    )
    for n in range(PRODUCTS):
        product_save(
            supplier=supplier, actor=cora, sku=f"CR{n}", name=f"Product {n}",
            case_size=rng.choice([2, 3, 4, 6]), unit_price=Decimal(rng.randint(100, 500)) / 100,
        )  # fmt: skip
    now = timezone.now()
    round = round_create(
        group=group, actor=cora, name="Crash round", suppliers=[supplier],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    round = round_open(round=round, actor=cora)
    campaign = campaign_create(
        group=group, actor=cora, title="Crash campaign", supplier=supplier,
        tiers=[TierInput(5, Decimal("8.00"))], deadline=now + timedelta(days=7),
        measure=Campaign.Measure.UNITS, cap=CAP, max_per_person=MOST_PER_PERSON,
    )  # fmt: skip
    tokens, memberships = [], []
    for n in range(MEMBERS):
        membership = add_member(group, make_user(f"Member {n}"))
        ledger_top_up(
            membership=membership, amount=Decimal("1000.00"), method="bank", actor=cora,
            idempotency_key=user_key(owner="crash-seed", key=str(membership.pk)),
        )  # fmt: skip
        tokens.append(token_create(user=membership.user, name="crash", scope="read-write")[1])
        memberships.append(membership.pk)
    treasurer_token, treasurer_secret = token_create(
        user=treasurer.user, name="crash", scope="read-write"
    )
    return World(
        slug=group.slug,
        round_id=round.pk,
        products=list(
            RoundProduct.objects.filter(round=round).order_by("pk").values_list("pk", flat=True)
        ),
        campaign_code=campaign.code,
        member_tokens=tokens,
        membership_ids=memberships,
        treasurer_token=treasurer_secret,
        treasurer_token_id=treasurer_token.pk,
        coordinator_token=token_create(user=cora, name="crash", scope="read-write")[1],
    )


def send(session: requests.Session, ports: list[int], op: Op, rng: random.Random) -> str:
    """One try of `op`: ok (2xx), refused (a final 4xx) or unknown (it may or may not have acted).

    Like a load balancer, a server that refuses the connection (it is down) is passed over for
    the other one: nothing reached it.
    """
    op.tries += 1
    began = time.monotonic()
    for port in rng.sample(ports, len(ports)):
        try:
            response = session.request(
                op.method,
                f"http://127.0.0.1:{port}/api/v1{op.path}",
                json=op.body,
                headers={"Authorization": f"Bearer {op.token}", "Idempotency-Key": op.key},
                timeout=REQUEST_TIMEOUT,
            )
        except requests.ConnectionError as error:
            if isinstance(getattr(error.args[0], "reason", None), NewConnectionError):
                continue  # refused: not sent
            return _unknown(op, "connection lost")
        except requests.RequestException as error:
            return _unknown(op, type(error).__name__)
        break
    else:
        return _unknown(op, "both servers down")
    if op.tries == 1:
        op.seconds = time.monotonic() - began
    if 200 <= response.status_code < 300:
        return "ok"
    if response.status_code in (408, 409, 429) or response.status_code >= 500:
        return _unknown(op, f"HTTP {response.status_code}")  # 409: the key is still running
    return "refused"


def _unknown(op: Op, why: str) -> str:
    if op.tries == 1:
        op.why = why
    return "unknown"


def member_client(
    world: World, index: int, ports: list[int], until: float, log: Log, seed: int
) -> None:
    rng = random.Random(seed * 1000 + index)
    session, dirty = requests.Session(), set[tuple[object, ...]]()
    base = f"/groups/{world.slug}/rounds/{world.round_id}"
    while time.monotonic() < until:
        if rng.random() < 0.7:
            product, quantity = rng.choice(world.products), rng.randint(0, 6)
            op = Op(
                "basket", ("basket", index, product), "PUT", f"{base}/basket/{product}",
                {"quantity": quantity, "tolerance": 0}, world.member_tokens[index], quantity,
            )  # fmt: skip
        else:
            quantity = rng.randint(1, MOST_PER_PERSON)
            op = Op(
                "pledge", ("pledge", index), "PUT", f"/campaigns/{world.campaign_code}/pledge",
                {"quantity": quantity}, world.member_tokens[index], quantity,
            )  # fmt: skip
        if op.resource in dirty:  # unanswered: nothing more on it until it is retried
            time.sleep(0.02)
            continue
        op.outcome = send(session, ports, op, rng)
        log.add(op)
        if op.outcome == "unknown":
            dirty.add(op.resource)
        time.sleep(rng.uniform(0.02, 0.15))


def treasurer_client(world: World, ports: list[int], until: float, log: Log, seed: int) -> None:
    rng = random.Random(seed * 1000 + 999)
    session = requests.Session()
    while time.monotonic() < until:
        member = rng.randrange(MEMBERS)
        amount = f"{rng.randint(1, 20)}.{rng.randint(0, 99):02d}"
        body = {"membership_id": world.membership_ids[member], "amount": amount, "method": "bank"}
        op = Op(
            "top-up", ("top-up", member), "POST", f"/groups/{world.slug}/top-ups", body,
            world.treasurer_token, amount,
        )  # fmt: skip
        op.outcome = send(session, ports, op, rng)
        log.add(op)
        time.sleep(rng.uniform(0.05, 0.2))


def nemesis(
    services: list[Service], stop: threading.Event, rng: random.Random, log: Log,
    started: float, postgres_at: float, restart: bool, url: str,
) -> None:  # fmt: skip
    while not stop.wait(rng.uniform(1.5, 4.5)):
        for service in services:  # anything that died by itself (the database went away)
            if not service.alive():
                service.deaths += 1
                log.event(started, f"{service.name} had exited; restarted")
                service.start()
        if time.monotonic() >= postgres_at:
            if restart:
                log.event(started, f"PostgreSQL {restart_postgres(url)} restarted (immediate)")
            else:
                log.event(started, f"{terminate_connections(url)} database connections cut")
            postgres_at = float("inf")
            continue
        victim = rng.choice(services)
        victim.kill()
        log.event(started, f"SIGKILL {victim.name}")
        stop.wait(rng.uniform(0.2, 1.5))
        victim.start()


def retry_unanswered(ops: list[Op], ports: list[int]) -> int:
    session, rng, retried = requests.Session(), random.Random(0), 0
    for op in ops:
        if op.outcome != "unknown":
            continue
        retried += 1
        for attempt in range(RETRIES):
            op.outcome = send(session, ports, op, rng)
            if op.outcome != "unknown":
                break
            time.sleep(min(0.2 * 2**attempt, 3))
    return retried


def close_round(world: World, ports: list[int]) -> tuple[Op, bool]:
    """Close through the API until answered; the same key again must replay the same reply."""
    path = f"/groups/{world.slug}/rounds/{world.round_id}/close"
    op = Op("close", ("close",), "POST", path, {}, world.coordinator_token, None)
    retry_unanswered([op := _sent(op)], ports)
    session = requests.Session()
    url = f"http://127.0.0.1:{ports[0]}/api/v1{path}"
    headers = {"Authorization": f"Bearer {op.token}", "Idempotency-Key": op.key}
    first = session.post(url, json={}, headers=headers, timeout=REQUEST_TIMEOUT)
    again = session.post(url, json={}, headers=headers, timeout=REQUEST_TIMEOUT)
    return op, first.status_code == again.status_code and first.content == again.content


def _sent(op: Op) -> Op:
    op.outcome = "unknown"
    return op


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the clients run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="its name must say crash")
    parser.add_argument(
        "--restart-postgres", action="store_true",
        help="also restart the PostgreSQL cluster once, in immediate mode (it is shared: off by "
        "default)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    url, rng = args.database_url, random.Random(args.seed)
    database_name(url)
    sink = MailSink().start()
    data_dir = tempfile.mkdtemp(prefix="coopbuy-crash-")
    (Path(data_dir) / "static").mkdir()
    env = child_environment(url, data_dir, sink.port)
    os.environ.update(env)
    recreate_database(url)
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "coopbuy", "migrate", "-v", "0"], env=env, check=True)
    import django

    django.setup()
    from django.db import connections

    world = seed(rng)
    print(f"database {database_name(url)} migrated and seeded in {time.monotonic() - began:.1f} s")
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    logs = open(Path(data_dir) / "processes.log", "ab")  # noqa: SIM115
    services = [
        Service(f"web{n}", [gunicorn, "coopbuy.config.wsgi:application", "--bind",
                            f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"], env, logs)
        for n, port in enumerate(ports)
    ] + [
        Service(f"worker{n}", [sys.executable, "-m", "coopbuy", "worker", "--interval", "1"],
                env, logs)
        for n in range(2)
    ]  # fmt: skip
    log, stop = Log(), threading.Event()
    try:
        for service in services:
            service.start()
        wait_until_serving(ports)
        started = time.monotonic()
        until = started + args.seconds
        postgres_at = started + rng.uniform(0.3, 0.6) * args.seconds
        chaos = threading.Thread(
            target=nemesis,
            args=(services, stop, random.Random(args.seed + 7), log, started, postgres_at,
                  args.restart_postgres, url),
        )  # fmt: skip
        clients = [
            threading.Thread(target=member_client, args=(world, i, ports, until, log, args.seed))
            for i in range(MEMBERS)
        ] + [threading.Thread(target=treasurer_client, args=(world, ports, until, log, args.seed))]
        chaos.start()
        for thread in [*clients]:
            thread.start()
        for thread in clients:
            thread.join()
        stop.set()
        chaos.join()
        during = Counter((op.kind, op.outcome) for op in log.ops)
        for service in services:
            if not service.alive():
                service.start()
        wait_until_serving(ports)
        retried = retry_unanswered(log.ops, ports)
        connections.close_all()  # the database may have restarted under this process too
        problems = check_orders(world, log.ops)
        close, replayed = close_round(world, ports)
        wait_for_outbox(60)
    finally:
        stop.set()
        for service in services:
            service.stop()
    from coopbuy.outbox.sending import outbox_send_pending

    swept = outbox_send_pending()  # what `coopbuy send_outbox` would send after the crash
    problems += check_money(world, log.ops) + check_close(world, close, replayed)
    outbox_problems, mail = check_outbox(sink)
    problems += outbox_problems
    report(args, log, during, retried, services, swept, mail, problems)
    sink.stop()
    connections.close_all()
    if not args.keep:
        recreate_database(url, create=False)
    else:
        print(f"kept: database {database_name(url)}, logs in {data_dir}")
    return 1 if problems else 0


def report(
    args: argparse.Namespace, log: Log, during: Counter[tuple[str, str]], retried: int,
    services: list[Service], swept: int, mail: dict[str, int], problems: list[str],
) -> None:  # fmt: skip
    print(f"\ncrash test: {args.seconds:.0f} s, seed {args.seed}, restart PostgreSQL: "
          f"{'yes' if args.restart_postgres else 'no'}")  # fmt: skip
    for line in log.events:
        print(f"  {line}")
    print("requests during the run (answered / refused / unanswered):")
    for kind in ("basket", "pledge", "top-up"):
        ok, no, unknown = (during[(kind, o)] for o in ("ok", "refused", "unknown"))
        print(f"  {kind:7} {ok + no + unknown:5}: {ok} / {no} / {unknown}")
    why = Counter(op.why for op in log.ops if op.why)
    print(f"  unanswered because: {', '.join(f'{k} {v}' for k, v in why.most_common())}")
    answered = sorted(op.seconds for op in log.ops if op.seconds)
    if answered:
        print(f"  {len(log.ops) / args.seconds:.1f} requests/s; time to answer median "
              f"{answered[len(answered) // 2]:.2f} s, max {answered[-1]:.2f} s")  # fmt: skip
    final = Counter(op.outcome for op in log.ops)
    print(f"retried afterwards with the same key: {retried}; after the retries: {final['ok']} "
          f"answered, {final['refused']} refused, {final['unknown']} unanswered")  # fmt: skip
    kills = ", ".join(f"{s.name} {s.kills}" for s in services)
    print(f"SIGKILLs: {kills}; exited by themselves: {sum(s.deaths for s in services)}")
    print(f"emails: {', '.join(f'{k} {v}' for k, v in mail.items())}; swept after: {swept}")
    if problems:
        print(f"\n{len(problems)} VIOLATIONS:")
        for problem in problems[:50]:
            print(f"  {problem}")
    else:
        print("\nevery invariant held: answered requests took effect exactly once, books "
              "balance, cap kept, no email sent twice, the round closed")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
