"""Benchmark of closing a pooled round on PostgreSQL against a single group's close of as many
rows, in the same run (bench/README.md). Prints figures, asserts nothing.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopbuy_pooled_bench python bench/pooled_close.py
python bench/pooled_close.py --groups 10 --members 100   # a smaller run

A federation of `--groups` groups x `--members` members x 20 demand lines each closes with the
real service (`pooled_round_close`, fcfs); then one group of groups x members members with the
same lines closes with `round_close`. The database (its name must say bench) is made anew.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coopbuy_pooled_bench")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
os.environ["EMAIL_URL"] = "dummy://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")
LINES_PER_MEMBER = 20

if TYPE_CHECKING:
    from coopbuy.rounds.models import Round


def main() -> None:
    from round_close import fresh_database  # bench/round_close.py

    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--products", type=int, default=500)
    args = parser.parse_args()
    fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(args.groups, args.members, args.products)


def run(n_groups: int, per_group: int, n_products: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.urls import get_resolver
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.catalog.models import Product, Supplier
    from coopbuy.federations.models import (
        Federation,
        FederationGroup,
        FederationRole,
        FederationSupplier,
    )
    from coopbuy.groups.models import BuyingGroup, Membership
    from coopbuy.ledger.models import Book
    from coopbuy.pooled.closing import pooled_round_close
    from coopbuy.pooled.services import pooled_round_open
    from coopbuy.rounds.closing import round_close
    from coopbuy.rounds.models import DemandLine, Round, RoundProduct, RoundSupplier

    rnd = random.Random(7)
    now = timezone.now()
    password = make_password(None)
    total = n_groups * per_group
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.invalid", password=password, display_name=f"Member {i}")
         for i in range(total * 2)],
        batch_size=5000,
    )  # fmt: skip
    fay = User.objects.create(email="fay@bench.invalid", password=password, display_name="Fay")
    groups = BuyingGroup.objects.bulk_create(
        [BuyingGroup(name=f"Group {g}", slug=f"group-{g}") for g in range(n_groups + 1)]
    )
    single = groups[-1]
    memberships = Membership.objects.bulk_create(
        [Membership(group=groups[i // per_group], user=u) for i, u in enumerate(users[:total])]
        + [Membership(group=single, user=u) for u in users[total:]],
        batch_size=5000,
    )
    supplier = Supplier.objects.create(group=groups[0], name="Wholesale", delivery_fee=Decimal(25))
    sizes = [rnd.choice([1, 2, 3, 4, 6, 6, 10, 12, 12, 24]) for _ in range(n_products)]
    prices = [Decimal(rnd.randrange(50, 3000)) / 100 for _ in range(n_products)]
    Product.objects.bulk_create(
        [Product(supplier=supplier, sku=f"P{i}", name=f"Product {i}", case_size=sizes[i],
                 unit_price=prices[i]) for i in range(n_products)]
    )  # fmt: skip
    book = Book.objects.create(kind=Book.Kind.FEDERATION, name="Bench federation")
    federation = Federation.objects.create(name="Bench federation", slug="bench", book=book)
    FederationRole.objects.create(federation=federation, user=fay, role="coordinator")
    FederationGroup.objects.bulk_create(
        [FederationGroup(federation=federation, group=g, status="member") for g in groups[:-1]]
    )
    FederationSupplier.objects.create(federation=federation, supplier=supplier)
    pool = pooled_round_open(
        federation=federation, actor=fay, supplier=supplier, name="Bench pool",
        opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=1),
        drop_fee=Decimal("6.00"),
    )  # fmt: skip
    children = {r.group_id: r for r in Round.objects.filter(pool=pool)}
    local = {
        (r, c): pk
        for pk, r, c in RoundProduct.objects.filter(round__pool=pool).values_list(
            "pk", "round_id", "product_id"
        )
    }
    catalog = list(
        Product.objects.filter(supplier=supplier).order_by("pk").values_list("pk", flat=True)
    )
    weights = [1 / (i + 1) ** 0.8 for i in range(n_products)]
    start = now - timedelta(days=2)
    plan = []  # (member index, catalog product, quantity, tolerance, seconds)
    for i in range(total):
        for p in rnd.choices(catalog, weights=weights, k=LINES_PER_MEMBER):
            plan.append((i, p, rnd.randint(1, 6), rnd.choice([0, 0, 1, 2]), rnd.randrange(170_000)))
    lines = []
    for i, p, q, t, s in plan:
        m = memberships[i]
        child = children[m.group_id]
        at = start + timedelta(seconds=s)
        lines.append(
            DemandLine(round=child, membership=m, product_id=local[(child.pk, p)],
                       quantity=q, tolerance=t, placed_at=at)
        )  # fmt: skip
    DemandLine.objects.bulk_create(lines, batch_size=5000)
    # The single group: the same lines, one round.
    round = Round.objects.create(
        group=single, name="Bench single", status=Round.Status.OPEN,
        opens_at=now - timedelta(days=3), closes_at=now - timedelta(seconds=1), policy="fcfs",
    )  # fmt: skip
    own = Supplier.objects.create(group=single, name="Wholesale", delivery_fee=Decimal(25))
    rs = RoundSupplier.objects.create(round=round, supplier=own, name="Wholesale",
                                      delivery_fee=Decimal(25))  # fmt: skip
    rps = RoundProduct.objects.bulk_create(
        [RoundProduct(round=round, supplier=rs, sku=f"P{i}", name=f"Product {i}",
                      case_size=sizes[i], unit_price=prices[i]) for i in range(n_products)]
    )  # fmt: skip
    by_catalog = dict(zip(catalog, rps, strict=True))
    DemandLine.objects.bulk_create(
        [DemandLine(round=round, membership=memberships[total + i], product=by_catalog[p],
                    quantity=q, tolerance=t, placed_at=start + timedelta(seconds=s))
         for i, p, q, t, s in plan],
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    n = len(plan)
    get_resolver().url_patterns  # load the URLconf (the emails' links) before either timing  # noqa: B018
    copy_time = read_and_copy(round, n)
    t0 = time.perf_counter()
    done = pooled_round_close(pool=pool, actor=fay)
    pooled = time.perf_counter() - t0
    assert done.closed_now
    t0 = time.perf_counter()
    alone = round_close(round=round, actor=None)
    single_time = time.perf_counter() - t0
    assert alone.closed_now
    print(
        f"pooled: {n_groups} groups x {per_group} members x {LINES_PER_MEMBER} lines = {n:,} "
        f"demand lines: close {pooled:.2f} s; one group, the same {n:,} lines: close "
        f"{single_time:.2f} s; ratio {pooled / single_time:.2f} (goal <= 1.5)"
    )
    print(
        f"pooled close over bench/round_close.py's baseline (a bulk read of the {n:,} lines and "
        f"a COPY of as many, {copy_time:.2f} s): {pooled / copy_time:.2f}; the single group's "
        f"close over it: {single_time / copy_time:.2f}"
    )


def read_and_copy(round: Round, n: int) -> float:
    """bench/round_close.py's strict baseline: the lines read in bulk, then COPY (rolled back)."""
    from django.db import transaction

    from coopbuy.bulk import bulk_insert
    from coopbuy.rounds.models import DemandLine

    fields = ["round_id", "membership_id", "product_id", "quantity", "tolerance", "placed_at"]
    t0 = time.perf_counter()
    rows = list(
        DemandLine.objects.filter(round=round).order_by("placed_at", "id").values_list(*fields[1:])
    )
    with transaction.atomic():
        bulk_insert(DemandLine, fields, ((round.pk, *row) for row in rows))
        elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    assert len(rows) == n
    return elapsed


if __name__ == "__main__":
    main()
