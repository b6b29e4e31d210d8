"""Many buyers take the last place at once, and a join races the expiry: no double charge, no lost
hold (PostgreSQL row locks; SQLite has none)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import campaign_settle
from coopbuy.errors import UserFacingError
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Entry, Hold, Transaction
from coopbuy.teamdeals.services import team_join, team_start
from coopbuy.teamdeals.tests.factories import make_shop
from coopbuy.testing.factories import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
D = Decimal


def _race(jobs: list[Callable[[], str]]) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], str]) -> None:
        try:
            barrier.wait(30)
            result = job()
        except UserFacingError as error:
            result = f"refused: {error.message}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_twenty_buyers_take_the_last_place_at_once() -> None:
    shop = make_shop()
    team = team_start(deal=shop.deal, user=make_user())
    team_join(team=team, user=make_user())
    team_join(team=team, user=make_user())
    racers = [make_user(f"Racer {i}") for i in range(20)]

    def join(index: int) -> Callable[[], str]:
        return lambda: "filled" if team_join(team=team, user=racers[index]).filled else "joined"

    outcomes = _race([join(i) for i in range(20)])
    assert outcomes.count("filled") == 1 and len(outcomes) == 20
    assert all(o.startswith("refused: This team") for o in outcomes if o != "filled")
    campaign = Campaign.objects.get(pk=team.campaign_id)
    assert campaign.status == "tipped" and campaign.unit_price == D("18.00")
    assert Pledge.objects.filter(campaign=campaign, status="filled").count() == 4
    assert not Pledge.objects.filter(campaign=campaign, status="active").exists()
    charge = Transaction.objects.get(source_kind="campaign", source_id=campaign.pk)
    amounts = sorted(Entry.objects.filter(transaction=charge).values_list("amount", flat=True))
    assert amounts == [D("-18.00")] * 4 + [D("72.00")]
    assert not Hold.objects.filter(released_at__isnull=True).exists()
    assert [r.problems for r in check_books() if r.problems] == []


@pytest.mark.parametrize("round_", range(3))
def test_a_join_racing_the_expiry_is_either_in_and_charged_or_out_and_released(
    round_: int,
) -> None:
    shop = make_shop()
    starter, late = make_user("Starter"), make_user("Late")
    team = team_start(deal=shop.deal, user=starter)
    deadline = team.campaign.deadline
    moment = deadline - timedelta(milliseconds=1)  # the join just in time, the expiry at once
    outcomes = _race(
        [
            lambda: "joined" if not team_join(team=team, user=late, now=moment).filled else "x",
            lambda: (
                "settled"
                if campaign_settle(campaign=team.campaign, now=deadline).ended_now
                else "not"
            ),
        ]
    )
    assert "settled" in outcomes
    campaign = Campaign.objects.get(pk=team.campaign_id)
    assert not Hold.objects.filter(released_at__isnull=True).exists()  # nothing left held
    if "joined" in outcomes:  # the join came first: a team of two, both charged £22 once
        assert campaign.status == "tipped" and campaign.unit_price == D("22.00")
        charge = Transaction.objects.get(source_kind="campaign", source_id=campaign.pk)
        amounts = sorted(Entry.objects.filter(transaction=charge).values_list("amount", flat=True))
        assert amounts == [D("-22.00"), D("-22.00"), D("44.00")]
    else:  # the expiry came first: the join was refused, nobody pays
        assert any(o.startswith("refused: This team has ended") for o in outcomes)
        assert campaign.status == "failed"
        assert not Transaction.objects.filter(source_kind="campaign").exists()
        assert not Pledge.objects.filter(campaign=campaign, user=late).exists()
    assert [r.problems for r in check_books() if r.problems] == []
