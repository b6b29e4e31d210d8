"""A treasurer demoted while their top-up is in flight: no money moves after the revoke.

The page or API handler passes its access check; before it calls the service, a coordinator on
another connection makes the treasurer a plain member and commits. The service checks the role
again and refuses; nothing is posted. PostgreSQL only (see `coopbuy.testing.races`).
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.memberships import membership_change_role
from coopbuy.groups.models import Membership
from coopbuy.ledger import treasurer_views, treasury_api
from coopbuy.ledger.forms import TopUpForm
from coopbuy.ledger.models import Transaction
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.races import act_right_after
from coopbuy.tokens.services import token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


def _treasury() -> tuple[Membership, Membership]:
    cora = make_user("Cora")
    group = make_group(cora)
    return add_member(group, make_user("Tess"), role="treasurer"), add_member(group)


def _demote(treasurer: Membership) -> object:
    cora = Membership.objects.get(group=treasurer.group, role="coordinator").user
    return membership_change_role(membership=treasurer, actor=cora, role="member")


def _nothing_posted(treasurer: Membership) -> None:
    assert Membership.objects.get(pk=treasurer.pk).role == "member"
    assert not Transaction.objects.filter(group=treasurer.group, kind="top_up").exists()
    assert not AuditEvent.objects.filter(action="ledger.top_up").exists()


def test_a_treasurer_demoted_while_their_api_top_up_is_in_flight_posts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    treasurer, member = _treasury()
    secret = token_create(user=treasurer.user, name="t", scope="read-write")[1]
    done = act_right_after(
        monkeypatch, treasury_api, "group_for_treasurer", lambda: _demote(treasurer)
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        f"/api/v1/groups/{treasurer.group.slug}/top-ups",
        json.dumps({"membership_id": member.pk, "amount": "20.00", "method": "bank"}),
        content_type="application/json", HTTP_IDEMPOTENCY_KEY="in-flight",
    )  # fmt: skip
    assert done
    assert response.status_code == 403, response.content
    _nothing_posted(treasurer)


def test_a_treasurer_demoted_while_their_top_up_page_posts_posts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    treasurer, member = _treasury()
    client = Client()
    client.force_login(treasurer.user)
    token = TopUpForm(group=treasurer.group, user_id=treasurer.user_id).initial["idempotency_key"]
    done = act_right_after(
        monkeypatch, treasurer_views, "group_for_treasurer", lambda: _demote(treasurer)
    )
    response = client.post(
        reverse("ledger:top_up", args=[treasurer.group.slug]),
        {"membership": member.pk, "amount": "20.00", "method": "bank",
         "idempotency_key": token},
    )  # fmt: skip
    assert done
    assert response.status_code == 403
    _nothing_posted(treasurer)
