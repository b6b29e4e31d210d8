"""Refusals, who sees what (a federation sees per-group totals, a member only their own), the
pool's progress on a member's ordering page, and the API."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.federations.models import FederationGroup, FederationSupplier
from coopbuy.groups.models import Membership
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.services import pooled_round_open
from coopbuy.pooled.tests.factories import World, child_of, make_world, open_pool, order
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.ordering import product_rows
from coopbuy.rounds.schedules import round_repeat
from coopbuy.rounds.services import round_cancel, round_set_closing_time

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_a_federation_coordinator_opens_and_only_a_shared_supplier() -> None:
    w = make_world()
    with pytest.raises(PermissionDenied):
        _open_as(w, w.coordinators[0])
    FederationSupplier.objects.update(ended_at=timezone.now())
    with pytest.raises(PooledError) as refused:
        open_pool(w)
    assert refused.value.field == "supplier"


def _open_as(w: World, user: User) -> None:
    now = timezone.now()
    pooled_round_open(
        federation=w.federation, actor=user, supplier=w.supplier, name="X",
        opens_at=now, closes_at=now + timedelta(days=1),
    )  # fmt: skip


def test_a_round_whose_groups_have_no_members_is_refused() -> None:
    w = make_world()
    Membership.objects.filter(group__in=w.groups).update(ended_at=timezone.now(), end_reason="left")
    with pytest.raises(PooledError, match="a round whose groups have no members"):
        open_pool(w)
    FederationGroup.objects.update(status=FederationGroup.Status.LEFT)
    with pytest.raises(PooledError, match="no member groups"):
        open_pool(w)
    assert not Round.objects.exists()


def test_a_child_round_is_not_closed_or_cancelled_alone() -> None:
    w = make_world()
    pool = open_pool(w)
    child = child_of(pool, w.groups[0])
    with pytest.raises(RoundError, match="part of the pooled round Pooled November"):
        round_close(round=child, actor=w.coordinators[0])
    with pytest.raises(RoundError, match="part of the pooled round Pooled November"):
        round_cancel(round=child, actor=w.coordinators[0])
    # Its own deadline task leaves it to the pool's.
    assert not round_close(round=child, actor=None, now=pool.closes_at).closed_now
    child.refresh_from_db()
    assert child.status == Round.Status.OPEN


def test_a_child_rounds_deadline_is_the_pools_and_it_does_not_repeat_on_its_own() -> None:
    """Its group's coordinator is not offered what the pool decides, and is refused it."""
    w = make_world()
    pool = open_pool(w)
    child = child_of(pool, w.groups[0])
    with pytest.raises(RoundError, match="it closes with the pool") as refused:
        round_set_closing_time(
            round=child, actor=w.coordinators[0], closes_at=pool.closes_at + timedelta(days=1)
        )
    assert refused.value.field == "closes_at"
    with pytest.raises(RoundError, match="does not repeat on its own"):
        round_repeat(round=child, actor=w.coordinators[0], interval_weeks=2)
    api = _client(w.coordinators[0])
    url = f"/api/v1/groups/{w.groups[0].slug}/rounds/{child.pk}"
    later = (pool.closes_at + timedelta(days=1)).isoformat()
    moved = api.patch(url, {"closes_at": later}, content_type="application/json")
    assert moved.status_code == 422 and "closes with the pool" in moved.content.decode()
    assert "closes_at" in moved.content.decode()  # the field is named
    repeated = api.post(f"{url}/repeat", {"interval_weeks": 2}, content_type="application/json")
    assert repeated.status_code == 409, repeated.content  # as repeating a closed round
    assert "does not repeat on its own" in repeated.content.decode()
    child.refresh_from_db()
    assert (child.closes_at, child.schedule_id) == (pool.closes_at, None)
    page = _client(w.coordinators[0]).get(f"/g/{w.groups[0].slug}/rounds/{child.pk}/")
    text = page.content.decode()
    assert "This round is part of the pooled round Pooled November" in text
    for offer in ("Close now", "Cancel the round", "Move the deadline", "Repeat this round"):
        assert offer not in text, offer
    pooled_round_close(pool=pool, actor=w.fay)
    closed = _client(w.coordinators[0]).get(f"/g/{w.groups[0].slug}/rounds/{child.pk}/").content
    assert b"Send the orders to the suppliers" not in closed and b"Pick lists" in closed


def test_the_case_bar_counts_every_group_of_the_pool() -> None:
    w = make_world()
    pool = open_pool(w)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    rows, _more = product_rows(round=child_of(pool, w.groups[0]), membership=w.members["ann"])
    oats = next(r for r in rows if r.product.name == "Oats")
    assert (oats.pooled, oats.progress.in_next_case, oats.progress.more_to_fill) == (True, 3, 3)
    page = _client(w.users["ann"]).get(
        f"/g/{w.groups[0].slug}/rounds/{child_of(pool, w.groups[0]).pk}/order/"
    )
    text = page.content.decode()
    assert "3 more across the federation fill the next case." in text
    assert "Pooled with 2 other groups" in text


def test_the_federation_sees_group_totals_never_a_basket_and_others_see_nothing() -> None:
    w = make_world()
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    base = f"/federations/{w.federation.slug}/pooled/{pool.pk}/"
    fay = _client(w.fay)
    assert fay.get(f"/federations/{w.federation.slug}/pooled/").status_code == 200
    assert fay.post(base + "close").status_code == 302
    page = fay.get(base).content.decode()
    assert "Group A" in page and "Cases only the pool filled" in page
    assert "Ann" not in page and "Bob" not in page  # per group, never a member
    csv_text = fay.get(base + "order.csv").content.decode()
    assert "order,,SKU" in csv_text and csv_text.count("\ndrop,") == 3
    for outsider in (w.coordinators[0], w.users["ann"]):
        assert _client(outsider).get(base).status_code == 404
        assert _client(outsider).get(base + "order.csv").status_code == 404
    # The API: the same per-group figures for the federation; not found for a group's people.
    api = f"/api/v1/federations/{w.federation.slug}/pooled-rounds/{pool.pk}"
    data = fay.get(api).json()
    assert [(g["group"], g["owed_to_federation"], g["extra_cases"]) for g in data["groups"]] == [
        (w.groups[0].slug, "13.50", 1),  # 9.00 + 3.00 of the 6.00 fee + the 1.50 drop
        (w.groups[1].slug, "9.50", 1),
        (w.groups[2].slug, "5.50", 1),
    ]
    assert "members" not in json.dumps(data).replace("members_receiving", "")
    assert _client(w.coordinators[0]).get(api).status_code == 404
    # A member reads their own saving in their group's round; the page says it too.
    child = child_of(pool, w.groups[1])
    mine = _client(w.users["bob"]).get(
        f"/api/v1/federations/groups/{w.groups[1].slug}/rounds/{child.pk}/pooling"
    )
    assert mine.json()["sentence"] == (
        "Pooling with 2 other groups made no difference to your bill this round and filled "
        "1 case your group could not have filled alone."
    )
    bobs = _client(w.users["bob"]).get(f"/g/{w.groups[1].slug}/rounds/{child.pk}/")
    assert "filled 1 case your group could not have filled alone" in bobs.content.decode()
    assert Decimal(data["goods"]) == Decimal("18.00")


def test_closing_twice_through_the_deadline_changes_nothing() -> None:
    w = make_world()
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 6)
    assert not pooled_round_close(pool=pool, actor=None).closed_now  # not due yet
    assert pooled_round_close(pool=pool, actor=None, now=pool.closes_at).closed_now
    assert not pooled_round_close(pool=pool, actor=None, now=pool.closes_at).closed_now


def test_a_basket_change_brings_the_pool_panel_back_with_the_pools_totals() -> None:
    """A basket change's answer carries the panel anew, out of band: it counts what was just
    ordered, in every group. Once the pool has closed, the panel says what pooling did."""
    w = make_world()
    pool = open_pool(w)
    child = child_of(pool, w.groups[0])
    ann = _client(w.users["ann"])
    page = ann.get(f"/g/{w.groups[0].slug}/rounds/{child.pk}/order/").content.decode()
    assert 'id="pooled-panel"' in page and "hx-swap-oob" not in page
    order(pool, w, "bob", w.oats, 2)
    oats = RoundProduct.objects.get(round=child, name=w.oats.name)
    answer = ann.post(
        f"/g/{w.groups[0].slug}/rounds/{child.pk}/basket/{oats.pk}/",
        {"quantity": "3", "tolerance": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="pooled-panel" hx-swap-oob="true"' in answer
    assert "Across the federation: 2 members have ordered 5 units worth £15.00." in answer
    pooled_round_close(pool=pool, actor=w.fay)
    closed = ann.get(f"/g/{w.groups[0].slug}/rounds/{child.pk}/").content.decode()
    assert "Pooling with 2 other groups" in closed and 'id="pooled-panel"' not in closed


def test_closing_or_cancelling_a_pool_on_its_page_asks_first() -> None:
    """One click closes every group's round: the page asks before (app.js's data-confirm)."""
    w = make_world()
    pool = open_pool(w)
    page = _client(w.fay).get(f"/federations/{w.federation.slug}/pooled/{pool.pk}/")
    text = page.content.decode()
    assert (
        'data-confirm="Close the pooled round now? Ordering stops in all 3 groups, the cases are '
        'allocated and every member who ordered is told."'
    ) in text
    assert 'data-confirm="Cancel the pooled round? Every group' in text
