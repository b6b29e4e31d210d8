"""Benchmark of the report pages (issue 16). Prints figures and ratios, asserts nothing.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopbuy_reports_bench python bench/reports.py
python bench/reports.py --members 500   # a smaller run

The database named in DATABASE_URL (its name must contain "bench") is dropped and made anew.
Two groups of `--members` members: one with 100 closed rounds, one with 1. The pages read only
the report aggregates, so the rounds' aggregate rows are written directly (100 x members member
rows); what writing them costs at a close is part of bench/round_close.py. Measured: the group
report page with 100 rounds over the same page with 1 round (goal: at most 3), and a member's
savings page with 52 rounds in the last year over 1 round (goal: at most 2), each the median of
`--repeat` renders in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coopbuy_reports_bench")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
os.environ["EMAIL_URL"] = "dummy://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")


STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def main() -> None:
    from round_close import fresh_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.test import override_settings

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC}}
    with override_settings(STORAGES=storages):  # no collectstatic manifest needed
        run(args.members, args.repeat)


def seed(name: str, members: int, rounds: int, week: timedelta) -> tuple[Any, Any]:
    """A group with `members` members and `rounds` closed rounds' aggregates, one per `week`."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.groups.models import BuyingGroup, Membership
    from coopbuy.reports.models import MemberRoundFigures, RoundFigures
    from coopbuy.rounds.models import Round

    group = BuyingGroup.objects.create(name=name, slug=name)
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"{name}{i}@bench.example", display_name=f"M{i}", password=password)
        for i in range(members)
    )
    ships = Membership.objects.bulk_create(Membership(group=group, user=u) for u in users)
    now = timezone.now()
    for r in range(rounds):
        closed = now - week * (rounds - r)
        round = Round.objects.create(
            group=group, name=f"Week {r}", status="closed", opens_at=closed - week,
            closes_at=closed, closed_at=closed,
        )  # fmt: skip
        RoundFigures.objects.create(
            round=round, group=group, name=round.name, closed_at=closed, currency="GBP",
            members_ordering=members, spend=Decimal(members * 30), goods=Decimal(members * 25),
            savings_retail=Decimal(members * 6), savings_alone=Decimal(members * 4),
            case_units=members * 20, case_units_filled=members * 19, case_fill=Decimal("0.950"),
            requested_units=members * 20, received_units=members * 19, unmet_units=members,
            tolerance_offered=members * 2, tolerance_used=members, demand_fill=Decimal("0.950"),
            lowest_fill=Decimal("0.500"), jain=Decimal("0.970"),
        )  # fmt: skip
        MemberRoundFigures.objects.bulk_create(
            (
                MemberRoundFigures(
                    round=round,
                    group=group,
                    membership=m,
                    closed_at=closed,
                    spend=Decimal("30.00"),
                    goods=Decimal("25.00"),
                    delivery=Decimal("1.00"),
                    savings_retail=Decimal("6.00"),
                    savings_alone=Decimal("4.00"),
                    requested_units=20,
                    received_units=19,
                    tolerance_offered=2,
                    tolerance_used=1,
                    fill=Decimal("0.950"),
                )
                for m in ships
            ),
            batch_size=5_000,
        )
    return group, users[0]


def median_ms(view: Any, slug: str, user: Any, repeat: int) -> float:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    times = []
    for _ in range(repeat):
        request = RequestFactory().get("/")
        request.user = user
        request.session = SessionStore()
        start = time.perf_counter()
        response = view(request, slug)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def run(members: int, repeat: int) -> None:
    from datetime import timedelta

    from coopbuy.reports.views import group_report, my_savings

    start = time.perf_counter()
    one, one_user = seed("one", members, 1, timedelta(days=3))
    hundred, hundred_user = seed("hundred", members, 100, timedelta(days=3))
    weekly, weekly_user = seed("weekly", 1, 52, timedelta(days=7))
    print(f"seeded {members} members x (1 + 100) rounds in {time.perf_counter() - start:.1f} s")
    # (every round of `hundred` closed within the last year: the page charts all 100)
    page_1 = median_ms(group_report, one.slug, one_user, repeat)
    page_100 = median_ms(group_report, hundred.slug, hundred_user, repeat)
    print(f"group report, 1 round:    {page_1:7.1f} ms")
    print(
        f"group report, 100 rounds: {page_100:7.1f} ms   ratio {page_100 / page_1:.2f} (goal <= 3)"
    )
    me_1 = median_ms(my_savings, one.slug, one_user, repeat)
    me_52 = median_ms(my_savings, weekly.slug, weekly_user, repeat)
    print(f"my savings, 1 round:      {me_1:7.1f} ms")
    print(f"my savings, 52 rounds:    {me_52:7.1f} ms   ratio {me_52 / me_1:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()
