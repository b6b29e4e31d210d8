"""Benchmark of the group directory by postcode (bench/README.md). Prints figures, asserts nothing.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopbuy_directory_bench python bench/directory.py
python bench/directory.py --groups 2000 --repeat 20   # a smaller run

The database named in DATABASE_URL (its name must contain "bench") is dropped and made anew, then
migrated. 10,000 public groups are spread over Great Britain like its people: each at a postcode
sector's centre (chosen in proportion to its postcodes) moved up to 1 km, a third with a
supplier and products, a quarter with a round schedule. For a few postcodes (a city, a market
town, the far north) it times, median and 95th percentile over --repeat runs:
  baseline   a plain indexed query: the first 25 public groups inside the search's bounding box
             (latitude/longitude index), no distances, no order by distance
  directory  the directory's read: geocode the postcode, bounding box on the same index, exact
             distances, radius, order, and the first page of 25 listings loaded whole
  api        GET /api/v1/groups?postcode=... through Django's test client (JSON included)
  page       GET /groups/?where=... (the HTML page, template rendering included)
The groups app has no index on (latitude, longitude) yet: the bench creates one first (and
times the directory without it too), see the report for the migration it asks for.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coopbuy_directory_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
os.environ["EMAIL_URL"] = "dummy://"
os.environ["API_RATE_LIMIT_ANONYMOUS"] = "100000000"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")
POSTCODES = ("HX7 8AD", "EC1A 1BB", "M1 1AE", "KW15 1")
INDEX = "group_location"  # the model's own index (groups migration 0003): dropped for the baseline


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


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm: caches, the gazetteer's tables, the query plan
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def seed(groups: int) -> None:
    from django.contrib.auth.hashers import make_password

    from coopbuy.accounts.models import User
    from coopbuy.catalog.models import Product, Supplier
    from coopbuy.core.geo.gazetteer import sectors
    from coopbuy.groups.models import BuyingGroup, Membership
    from coopbuy.rounds.models import RoundSchedule

    rnd = random.Random(11)
    areas = list(sectors().values())
    picks = rnd.choices(areas, weights=[a.postcodes for a in areas], k=groups)
    owner = User.objects.create(email="owner@bench.invalid", password=make_password(None))
    rows = []
    for i, area in enumerate(picks):
        lat = area.latitude + rnd.uniform(-0.009, 0.009)
        lon = area.longitude + rnd.uniform(-0.014, 0.014)
        rows.append(
            BuyingGroup(
                name=f"Group {i} near {area.code}", slug=f"g{i}", place=area.code,
                latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"),
                join_policy=rnd.choice(["open", "approval", "approval", "invitation"]),
                description="A buying group for the benchmark.",
            )
        )  # fmt: skip
    made = BuyingGroup.objects.bulk_create(rows, batch_size=2000)
    Membership.objects.bulk_create(
        [Membership(group=g, user=owner, role="coordinator") for g in made], batch_size=5000
    )
    suppliers = Supplier.objects.bulk_create(
        [Supplier(group=g, name=rnd.choice(["Suma", "Infinity Foods", "Essential Trading"]))
         for g in made[::3]], batch_size=5000,
    )  # fmt: skip
    Product.objects.bulk_create(
        [Product(supplier=s, sku=str(k), name=f"Item {k}", unit_price=Decimal("1.00"),
                 category=rnd.choice(["Dry goods", "Cleaning", "Drinks", "Fruit and vegetables"]))
         for s in suppliers for k in range(5)], batch_size=5000,
    )  # fmt: skip
    RoundSchedule.objects.bulk_create(
        [RoundSchedule(group=g, name="Orders", interval_weeks=rnd.choice([1, 2, 4]))
         for g in made[::4]], batch_size=5000,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--within-km", type=int, default=50)
    args = parser.parse_args()
    fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings

    # The page without collectstatic's manifest: plain static URLs.
    storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": storage}}
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from coopbuy.core.geo.distance import Box, bounding_box
    from coopbuy.groups.directory import DirectorySearch, directory
    from coopbuy.groups.models import BuyingGroup
    from coopbuy.places import decimal, geocode

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    seed(args.groups)
    print(f"{args.groups} groups seeded in {time.perf_counter() - t0:.1f} s; "
          f"radius {args.within_km} km; {args.repeat} runs each (ms: median / p95)")  # fmt: skip
    client = Client()

    def measure(indexed: bool) -> None:
        with connection.cursor() as cursor:
            if indexed:
                table = BuyingGroup._meta.db_table
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} (latitude, longitude)"
                )
            else:
                cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute("ANALYZE groups_buyinggroup")
        print(f"\n-- {'with' if indexed else 'without'} an index on (latitude, longitude)")
        for postcode in POSTCODES:
            origin = geocode(postcode, field="postcode")
            box = bounding_box(origin.latitude, origin.longitude, args.within_km)

            def baseline(box: Box = box) -> object:
                return list(
                    BuyingGroup.objects.filter(
                        visibility="public",
                        latitude__gte=decimal(box.min_lat), latitude__lte=decimal(box.max_lat),
                        longitude__gte=decimal(box.min_lon), longitude__lte=decimal(box.max_lon),
                    ).values_list("pk", "name", "latitude", "longitude")[:25]
                )  # fmt: skip

            def read(postcode: str = postcode) -> int:
                found = directory(
                    DirectorySearch(origin=geocode(postcode, field="postcode"),
                                    within_km=args.within_km)
                )  # fmt: skip
                found[:25]
                return len(found)

            def api(postcode: str = postcode) -> object:
                params = {"postcode": postcode, "within_km": args.within_km}
                response = client.get("/api/v1/groups", params, secure=True)
                assert response.status_code == 200, response.status_code
                return response

            def page(postcode: str = postcode) -> object:
                params = {"where": postcode, "within_km": args.within_km}
                response = client.get("/groups/", params, secure=True)
                assert response.status_code == 200, response.status_code
                return response

            found = read()
            line = [f"{postcode:>9}: {found:5} groups within {args.within_km} km"]
            for name, fn in (
                ("baseline", baseline),
                ("directory", read),
                ("api", api),
                ("page", page),
            ):
                median, p95 = timed(fn, args.repeat)
                line.append(f"{name} {median:6.1f} / {p95:6.1f}")
            print("  ".join(line))

    measure(indexed=False)
    measure(indexed=True)


if __name__ == "__main__":
    main()
