"""Benchmark of closing a round on PostgreSQL (bench/README.md). Prints figures, asserts nothing.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopbuy_bench python bench/round_close.py
python bench/round_close.py --members 2000   # a smaller run

The database named in DATABASE_URL (its name must contain "bench") is dropped and made anew at the
start, then migrated: the ledger is append-only, so a previous run's rows cannot be deleted.
Closing runs the real service (`round_close`, fcfs) with the outbox's sender switched off (the
emails are written to the outbox, which is part of closing, but not sent).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coopbuy_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
os.environ["EMAIL_URL"] = "dummy://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")
LINES_PER_MEMBER = 20


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop the database {name!r}: a benchmark database's name says bench")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=1_000)
    args = parser.parse_args()
    fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args.members, args.products)


def run(members: int, products: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.bulk import bulk_insert
    from coopbuy.catalog.models import Supplier
    from coopbuy.groups.models import BuyingGroup, Membership
    from coopbuy.rounds.closing import round_close
    from coopbuy.rounds.models import DemandLine, Round, RoundProduct, RoundSupplier

    group = BuyingGroup.objects.create(name="Bench", slug="bench")
    supplier = Supplier.objects.create(group=group, name="Wholesale", delivery_fee=Decimal("25"))
    password = make_password(None)
    total_members = members * 2
    users = User.objects.bulk_create(
        [
            User(email=f"m{i}@bench.invalid", password=password, display_name=f"Member {i}")
            for i in range(total_members)
        ],
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        [Membership(group=group, user=u) for u in users], batch_size=5000
    )
    rnd = random.Random(7)
    now = timezone.now()

    def make_round(name: str, n_members: int) -> Round:
        round = Round.objects.create(
            group=group, name=name, status=Round.Status.OPEN, opens_at=now - timedelta(days=3),
            closes_at=now - timedelta(seconds=1), policy="fcfs",
        )  # fmt: skip
        rs = RoundSupplier.objects.create(
            round=round, supplier=supplier, name=supplier.name, delivery_fee=Decimal("25")
        )
        rps = RoundProduct.objects.bulk_create(
            [
                RoundProduct(round=round, supplier=rs, sku=f"P{i}", name=f"Product {i}",
                             case_size=rnd.choice([1, 2, 3, 4, 6, 6, 10, 12, 12, 24]),
                             unit_price=Decimal(rnd.randrange(50, 3000)) / 100,
                             vat_rate=rnd.choice([Decimal(0), Decimal("0.2")]),
                             tiers=[[5, "0.40"]] if i % 3 == 0 else [])
                for i in range(products)
            ],
            batch_size=5000,
        )  # fmt: skip
        weights = [1 / (i + 1) ** 0.8 for i in range(products)]
        lines = []
        start = now - timedelta(days=2)
        for m in memberships[:n_members]:
            for p in rnd.choices(rps, weights=weights, k=LINES_PER_MEMBER):
                lines.append(
                    DemandLine(round=round, membership=m, product=p,
                               quantity=rnd.randint(1, 6), tolerance=rnd.choice([0, 0, 1, 2]),
                               placed_at=start + timedelta(seconds=rnd.randrange(170_000)))
                )  # fmt: skip
        DemandLine.objects.bulk_create(lines, batch_size=5000)
        return round

    def baseline_copy(round: Round, n: int) -> float:
        """The stricter baseline: the same bulk read, then COPY (what the close itself uses)."""
        t0 = time.perf_counter()
        rows = list(
            DemandLine.objects.filter(round=round)
            .order_by("placed_at", "id")
            .values_list("membership_id", "product_id", "quantity", "tolerance", "placed_at")
        )
        with transaction.atomic():
            bulk_insert(
                DemandLine,
                ["round_id", "membership_id", "product_id", "quantity", "tolerance", "placed_at"],
                ((round.pk, *row) for row in rows),
            )
            elapsed = time.perf_counter() - t0
            transaction.set_rollback(True)
        assert len(rows) == n
        return elapsed

    def baseline(round: Round, n: int) -> float:
        """A bulk read of the round's lines plus a bulk insert of as many rows (rolled back)."""
        t0 = time.perf_counter()
        rows = list(
            DemandLine.objects.filter(round=round)
            .order_by("placed_at", "id")
            .values_list("membership_id", "product_id", "quantity", "tolerance", "placed_at")
        )
        with transaction.atomic():
            DemandLine.objects.bulk_create(
                [DemandLine(round_id=round.pk, membership_id=m, product_id=p, quantity=q,
                            tolerance=t, placed_at=at) for m, p, q, t, at in rows],
                batch_size=5000,
            )  # fmt: skip
            elapsed = time.perf_counter() - t0
            transaction.set_rollback(True)
        assert len(rows) == n
        return elapsed

    results = {}
    for label, n_members in (("small", members), ("large", members * 2)):
        round = make_round(f"Bench {label}", n_members)
        n = n_members * LINES_PER_MEMBER
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        base = baseline(round, n)
        strict = baseline_copy(round, n)
        before = rss_mb()
        t0 = time.perf_counter()
        result = round_close(round=round, actor=None)
        elapsed = time.perf_counter() - t0
        assert result.closed_now
        results[label] = (n, elapsed, base, rss_mb() - before, result)
        print(
            f"{label}: {n:,} demand lines, {result.members:,} members, {result.lines:,} "
            f"allocation lines: close {elapsed:.2f} s; bulk read + bulk insert {base:.2f} s; "
            f"ratio {elapsed / base:.2f} (goal <= 5); peak RSS growth {results[label][3]:.0f} MB"
        )
        print(
            f"{label}: against bulk read + COPY ({strict:.2f} s, what the close itself writes "
            f"with): ratio {elapsed / strict:.2f}"
        )
    (n1, t1, *_), (n2, t2, *_) = results["small"], results["large"]
    print(f"scaling: close of {n2:,} lines / close of {n1:,} lines = {t2 / t1:.2f} (goal <= 2.3)")
    print(f"peak RSS of the process: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
