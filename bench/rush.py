"""The deadline rush (issue 15, item 6): basket edits and pledges under load, against a bare view.

.venv/bin/python bench/rush.py            # three interleaved repetitions, about 5 minutes
.venv/bin/python bench/rush.py --quick    # one repetition, fewer members

It drops and makes anew the PostgreSQL database of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/coopbuy_rush; its name must contain "rush"), migrates it, seeds
it through the services (`bench/rush_seed.py`), and serves it with gunicorn (sync workers, as
`coopbuy serve` does) with `bench/rush_settings.py`: the product's settings plus one bare view that
does one INSERT (`bench/rush_urls.py`), the baseline. Then, per repetition, interleaved:

- baseline: closed loop, `--clients` requests in flight, POST to the bare view;
- edit: the same load of basket edits through the API (PUT .../basket/{product}), 20 % of them
  on three hot products; spread: none on them; hot: all on them;
- pledge: pledges through the API to a campaign with a cap it does not reach, then a short
  rush to a campaign whose cap (60 units) is soon reached (the cap is checked afterwards);
- overload: basket edits arriving on a clock (open loop): a probe of the peak goodput (what is
  answered a second while a queue waits), then twice that peak for `--overload-seconds`, with the
  product's load shedding off and then on (`coopbuy/web/shedding.py`: the server runs with
  LOAD_SHED_QUEUE_SECONDS=`--shed`, and the client stamps X-Request-Start as a proxy would).

Then once, the deadline rush itself: arrivals ramping up to 1.5 times the peak goodput while
members browse (product list, basket) and edit, the round's deadline, the coordinator closing it,
and late requests for three more seconds, shedding on. Every answer is checked: late edits
refused (409, or 503 when shed), no 5xx, no request lost, every acknowledged edit in the
database. It prints figures and asserts nothing; the ratios divide figures measured in the same
repetition.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coopbuy_rush"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("SECRET_KEY", "rush-bench")
os.environ["EMAIL_URL"] = "dummy://"
os.environ["SECURE_SSL_REDIRECT"] = "0"  # plain http on loopback
os.environ["DEBUG"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")

from rush_client import (  # noqa: E402
    Call,
    Result,
    closed_loop,
    failed,
    figures,
    open_loop,
    percentile,
    send,
)
from rush_report import Rep, Rush, median, report  # noqa: E402
from rush_seed import Seed, campaign, seed  # noqa: E402

HOST = "127.0.0.1"
WARMUP = 0.5
SLOW = 10.0  # no request should wait longer than this
HOT_SHARE = 0.2
BIG_CAP = 10**6  # the throughput phase's campaign: capped (the cap is judged on every pledge)
CAP = 60  # units: the cap rush's campaign, reached within a second or two


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "rush" not in name:
        sys.exit(f"refusing to drop the database {name!r}: the rush benchmark's name says rush")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, log: Path, shed: float) -> subprocess.Popen[bytes]:
    """gunicorn as `coopbuy serve --no-worker` runs it; its log (Django's warnings of every 4xx)
    goes to `log`, not to the report."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.rush_settings",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": HOST,
        # Load shedding on, as behind a proxy: only requests that carry X-Request-Start (the
        # open-loop phases) can be shed; the closed-loop phases send none.
        "LOAD_SHED_QUEUE_SECONDS": str(shed),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [str(gunicorn), "coopbuy.config.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--backlog", "2048", "--timeout", "60",
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting")
        result = asyncio.run(send(HOST, port, Call("POST", "/bench/insert/", body={})))
        if result.status == 200:
            return
        time.sleep(0.3)
    sys.exit("gunicorn did not answer within 60 s")


class Load:
    """The requests of each phase, drawn from one seeded generator."""

    def __init__(self, seed: Seed, rnd: random.Random) -> None:
        self.seed = seed
        self.rnd = rnd

    def base(self) -> str:
        return f"/api/v1/groups/{self.seed.slug}/rounds"

    def member(self) -> int:
        return self.rnd.randrange(len(self.seed.tokens))

    def baseline(self, i: int) -> Call:
        return Call("POST", "/bench/insert/", body={"member": self.member(), "i": i}, kind="base")

    def edit(self, round_id: int, products: list[int], hot_share: float) -> Call:
        hot = self.rnd.random() < hot_share
        product = self.rnd.choice(products[:3] if hot else products[3:])
        member = self.member()
        quantity = self.rnd.randint(0, 6)
        return Call(
            "PUT",
            f"{self.base()}/{round_id}/basket/{product}",
            self.seed.tokens[member],
            {"quantity": quantity, "tolerance": self.rnd.choice([0, 0, 1])},
            kind="hot" if hot else "edit",
            key=(member, product),
            value=quantity,
        )

    def browse(self, round_id: int) -> Call:
        token = self.seed.tokens[self.member()]
        if self.rnd.random() < 0.6:
            page = self.rnd.choice([1, 1, 2])
            return Call(
                "GET", f"{self.base()}/{round_id}/products?page={page}", token, kind="browse"
            )
        return Call("GET", f"{self.base()}/{round_id}/basket", token, kind="browse")

    def pledge(self, code: str) -> Call:
        return Call(
            "PUT",
            f"/api/v1/campaigns/{code}/pledge",
            self.seed.tokens[self.member()],
            {"quantity": self.rnd.randint(1, 5)},
            kind="pledge",
        )


def closed(port: int, make: Callable[[int], Call], clients: int, seconds: float) -> list[Result]:
    return asyncio.run(closed_loop(HOST, port, make, clients=clients, seconds=seconds))


def overload(
    port: int, load: Load, rate: float, seconds: float, *, stamp: bool
) -> dict[str, float]:
    """Basket edits arriving evenly at `rate` a second for `seconds`; goodput is 2xx answered
    within SLOW seconds, a second of the time until the last of them was answered. `stamp`:
    requests carry X-Request-Start, so that the server's load shedding sees their queue time."""
    seed = load.seed
    calls = [
        (i / rate, load.edit(seed.measure_round, seed.measure_products, HOT_SHARE))
        for i in range(int(rate * seconds))
    ]
    start = time.perf_counter()
    results = asyncio.run(open_loop(HOST, port, calls, on_due=start, stamp=stamp))
    good = [r for r in results if 200 <= r.status < 300 and r.latency <= SLOW]
    span = max([seconds, *(r.ended - start for r in good)])
    latencies = [r.latency for r in results if r.status > 0]
    shed = [r.latency for r in results if r.status in (429, 503)]
    return {
        "rate": rate,
        "goodput": len(good) / span,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "over_10s": sum(1 for r in results if r.status == 0 or r.latency > SLOW),
        "shed": len(shed),
        "shed_p50": percentile(shed, 50),
        "failed": sum(1 for r in results if failed(r)),
        "sent": len(results),
    }


def cap_check(code: str) -> tuple[int, int]:
    from django.db import connections

    from coopbuy.campaigns.models import Campaign
    from coopbuy.campaigns.selectors import pledged_units

    made = Campaign.objects.get(code=code)
    units = pledged_units(made)
    connections.close_all()
    return units, int(made.cap or 0)


def repetition(
    port: int,
    load: Load,
    number: int,
    *,
    clients: int,
    seconds: float,
    overload_seconds: float,
) -> Rep:
    seed = load.seed
    rid, products = seed.measure_round, seed.measure_products
    code = campaign(seed, cap=BIG_CAP, max_per_person=5, title=f"Rush {number}")
    tight = campaign(seed, cap=CAP, max_per_person=5, title=f"Cap rush {number}")
    from django.db import connections

    connections.close_all()
    phases: dict[str, tuple[Callable[[int], Call], frozenset[int]]] = {
        "baseline": (load.baseline, frozenset({200})),
        "edit": (lambda i: load.edit(rid, products, HOT_SHARE), frozenset({200})),
        "spread": (lambda i: load.edit(rid, products, 0.0), frozenset({200})),
        "hot": (lambda i: load.edit(rid, products, 1.0), frozenset({200})),
        "pledge": (lambda i: load.pledge(code), frozenset({200})),
    }
    out = Rep()
    for name, (make, good) in phases.items():
        results = closed(port, make, clients, seconds)
        out.phases[name] = figures(results, warmup=WARMUP, seconds=seconds, good=good)
    # The cap rush: every client pledging at once to a campaign whose cap is soon reached.
    results = closed(port, lambda i: load.pledge(tight), clients, 2.0)
    out.pledge_accepted = sum(1 for r in results if r.status == 200)
    out.pledge_refused = sum(1 for r in results if r.status == 422)
    out.pledge_failed = sum(1 for r in results if failed(r))
    # Peak goodput: what the server answers a second while a queue waits for it. Probed with
    # twice the best closed-loop rate of this repetition (the closed loop leaves the workers
    # idle between an answer and the next request; the machine is shared, so the best of three
    # phases), then twice that peak, with load shedding off and on.
    closed_best = max(out.phases[name].throughput for name in ("edit", "spread", "hot"))
    out.probe = overload(port, load, 2 * closed_best, seconds, stamp=False)
    out.peak = max(out.probe["goodput"], closed_best)
    out.at_2x = overload(port, load, 2 * out.peak, overload_seconds, stamp=False)
    out.at_2x_shed = overload(port, load, 2 * out.peak, overload_seconds, stamp=True)
    out.units, out.cap = cap_check(tight)
    return out


def deadline_rush(port: int, load: Load, rate: float, ramp: float, late: float) -> Rush:
    """Arrivals ramping from a fifth to 1.5 times `rate` until the deadline, the coordinator's
    close at the deadline, and `late` seconds of late arrivals at `rate`."""
    from django.db import connections
    from django.db.models import Sum
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.rounds.models import DemandLine, Round
    from coopbuy.rounds.services import round_set_closing_time

    seed = load.seed
    rid = seed.rush_round
    calls: list[tuple[float, Call]] = []
    t = 0.0
    while t < ramp + late:
        share = min(t / ramp, 1.0)
        current = rate * (0.2 + 1.3 * share) if t < ramp else rate
        if load.rnd.random() < 0.4:
            calls.append((t, load.browse(rid)))
        else:
            calls.append((t, load.edit(rid, seed.rush_products, HOT_SHARE)))
        t += load.rnd.expovariate(current)
    close = Call("POST", f"{load.base()}/{rid}/close", seed.coordinator_token, kind="close")
    calls.append((ramp + 0.05, close))
    calls.sort(key=lambda c: c[0])
    round = Round.objects.get(pk=rid)
    coordinator = User.objects.get(pk=seed.coordinator_id)
    start = time.perf_counter()
    closes_at = timezone.now() + timedelta(seconds=ramp)
    round_set_closing_time(round=round, actor=coordinator, closes_at=closes_at)
    connections.close_all()
    results = asyncio.run(open_loop(HOST, port, calls, on_due=start, stamp=True))
    deadline = start + ramp
    edits = [r for r in results if r.call.key is not None]
    late_edits = [r for r in edits if r.started >= deadline + 0.05]
    statuses = Counter((r.call.kind, r.status) for r in results)
    # Every acknowledged edit is in the database: for each (member, product), the last edit
    # acknowledged, when it was sent after every other edit of the pair had been answered.
    by_pair: dict[tuple[int, int], list[Result]] = {}
    for r in edits:
        assert r.call.key is not None
        by_pair.setdefault(r.call.key, []).append(r)
    memberships = dict(
        zip(
            range(len(seed.tokens)),
            _memberships_in_order(seed),
            strict=True,
        )
    )
    stored = {
        (m, p): q
        for m, p, q in DemandLine.objects.filter(round_id=rid)
        .values("membership_id", "product_id")
        .annotate(q=Sum("quantity"))
        .values_list("membership_id", "product_id", "q")
    }
    checked = mismatched = 0
    for (member, product), rs in by_pair.items():
        acked = [r for r in rs if r.status == 200]
        if not acked:
            continue
        last = max(acked, key=lambda r: r.ended)
        if any(o is not last and o.ended > last.started for o in rs):
            continue  # overlapping edits of one pair: either order is right
        checked += 1
        if stored.get((memberships[member], product), 0) != last.call.value:
            mismatched += 1
    after_deadline = DemandLine.objects.filter(round_id=rid, placed_at__gte=closes_at).count()
    status = Round.objects.get(pk=rid).status
    connections.close_all()
    latencies = [r.latency for r in results if r.status > 0]
    return Rush(
        sent=len(results),
        statuses=statuses,
        late_edits=len(late_edits),
        late_accepted=sum(1 for r in late_edits if r.status == 200),
        late_refused=sum(1 for r in late_edits if r.status == 409),
        late_shed=sum(1 for r in late_edits if r.status == 503),
        failed=sum(1 for r in results if failed(r)),
        checked=checked,
        mismatched=mismatched,
        lines_after_deadline=after_deadline,
        round_status=status,
        close=next((r for r in results if r.call.kind == "close"), None),
        p99=percentile(latencies, 99),
        max=max(latencies, default=float("nan")),
    )


def _memberships_in_order(seed: Seed) -> list[int]:
    from coopbuy.groups.models import Membership

    rows = Membership.objects.filter(
        group__slug=seed.slug, user__email__endswith="@rush.invalid"
    ).exclude(user_id=seed.coordinator_id)
    by_email = dict(rows.values_list("user__email", "pk"))
    return [by_email[f"m{i}@rush.invalid"] for i in range(len(seed.tokens))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="one repetition, fewer members")
    parser.add_argument("--members", type=int)
    parser.add_argument("--products", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--repeats", type=int)
    parser.add_argument(
        "--overload-seconds", type=float, help="how long twice the saturating load lasts"
    )
    parser.add_argument(
        "--shed", type=float, default=2.0, help="the server's LOAD_SHED_QUEUE_SECONDS"
    )
    args = parser.parse_args()
    args.members = args.members or (100 if args.quick else 300)
    args.seconds = args.seconds or (3.0 if args.quick else 4.0)
    args.overload_seconds = args.overload_seconds or (6.0 if args.quick else 10.0)
    args.repeats = args.repeats or (1 if args.quick else 3)
    began = time.perf_counter()
    fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rush_baseline (id bigserial PRIMARY KEY, body bytea NOT NULL)")
    t0 = time.perf_counter()
    seeded = seed(members=args.members, products=args.products)
    connections.close_all()
    print(
        f"seeded {args.members} members with tokens, {args.products} products, two open rounds "
        f"in {time.perf_counter() - t0:.1f} s (migrations included: {t0 - began:.1f} s before)"
    )
    port = free_port()
    log = Path(tempfile.gettempdir()) / "coopbuy-rush-gunicorn.log"
    server = start_gunicorn(port, args.workers, log, args.shed)
    try:
        wait_until_up(port, server)
        load = Load(seeded, random.Random(6))
        rid, products = seeded.measure_round, seeded.measure_products
        # Every worker loads its URL map, the API and its connection on its first requests: warm
        # each of them up with every kind of request before anything is measured.
        code = campaign(seeded, cap=10**6, max_per_person=5, title="Warm-up")
        connections.close_all()
        for make in (
            load.baseline,
            lambda i: load.edit(rid, products, HOT_SHARE),
            lambda i: load.pledge(code),
            lambda i: load.browse(rid),
        ):
            closed(port, make, 2 * args.workers, 3.0)  # fmt: skip
        reps = [
            repetition(
                port,
                load,
                n,
                clients=args.clients,
                seconds=args.seconds,
                overload_seconds=args.overload_seconds,
            )
            for n in range(args.repeats)
        ]
        rate = median([r.peak for r in reps])
        rush = deadline_rush(port, load, rate, ramp=8.0 if args.quick else 12.0, late=3.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(reps, rush, args)
    print(
        f"\n{args.workers} gunicorn sync workers, PostgreSQL, load average "
        f"{os.getloadavg()[0]:.1f}; whole run {time.perf_counter() - began:.0f} s; server log {log}"
    )


if __name__ == "__main__":
    main()
