"""A role taken away while a request is in flight: nothing happens after the revoke.

Each test lets the view (or API handler) pass its access check, then, before it calls the service,
has a coordinator on another connection demote or remove the person and commit. The service must
see the change and refuse; nothing is written. PostgreSQL only (see `coopbuy.testing.races`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.memberships import membership_change_role, membership_remove
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Transaction
from coopbuy.rounds import api as rounds_api
from coopbuy.rounds import ordering_views
from coopbuy.rounds import views as rounds_views
from coopbuy.rounds.models import Allocation, DemandLine, Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.races import act_right_after
from coopbuy.tokens.services import token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


def _round() -> tuple[Round, Membership, Membership, RoundProduct]:
    """An open round with an order in it; Cora coordinates, Carl too, Mo is a member."""
    cora, mo = make_user("Cora"), make_user("Mo")
    group = make_group(cora)
    carl = add_member(group, make_user("Carl"), role="coordinator")
    member = add_member(group, mo)
    make_product(make_supplier(group), name="Oats", case_size=2, unit_price=Decimal("1.50"))
    round = open_round(group, cora, list(group.suppliers.all()))
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=add_member(group).user, product_id=oats.pk,
               quantity=2, tolerance=0)  # fmt: skip
    return round, carl, member, oats


def _demote(membership: Membership) -> object:
    cora = Membership.objects.get(group=membership.group, user__display_name="Cora").user
    return membership_change_role(membership=membership, actor=cora, role="member")


def test_a_coordinator_demoted_while_their_close_page_posts_closes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round, carl, _member, _oats = _round()
    client = Client()
    client.force_login(carl.user)
    done = act_right_after(
        monkeypatch, rounds_views, "round_for_coordinator", lambda: _demote(carl)
    )
    url = reverse("rounds:action", args=[round.group.slug, round.pk, "close"])
    response = client.post(url, {"confirm": "on"})
    assert done  # Carl was demoted after the page's check and before the close
    assert response.status_code == 403
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    assert not Allocation.objects.filter(round=round).exists()
    assert not Transaction.objects.filter(source_kind="round", source_id=round.pk).exists()
    assert not AuditEvent.objects.filter(action="round.closed").exists()


def test_a_coordinator_demoted_while_their_api_round_is_created_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round, carl, _member, _oats = _round()
    secret = token_create(user=carl.user, name="t", scope="read-write")[1]
    done = act_right_after(monkeypatch, rounds_api, "group_for_coordinator", lambda: _demote(carl))
    now = timezone.now()
    body = {
        "name": "Carl's round",
        "suppliers": [round.suppliers.get().supplier_id],
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(),
    }
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        f"/api/v1/groups/{round.group.slug}/rounds", json.dumps(body),
        content_type="application/json",
    )  # fmt: skip
    assert done
    assert response.status_code == 403, response.content
    assert not Round.objects.filter(name="Carl's round").exists()


def test_a_member_removed_while_their_basket_change_posts_orders_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round, carl, member, oats = _round()
    client = Client()
    client.force_login(member.user)
    done = act_right_after(
        monkeypatch, ordering_views, "group_for_member",
        lambda: membership_remove(membership=member, actor=carl.user),
    )  # fmt: skip
    url = reverse("rounds:basket", args=[round.group.slug, round.pk, oats.pk])
    response = client.post(url, {"quantity": "3", "tolerance": "0"}, HTTP_HX_REQUEST="true")
    assert done
    assert Membership.objects.get(pk=member.pk).ended_at is not None
    assert response.status_code == 403
    assert not DemandLine.objects.filter(membership=member).exists()
