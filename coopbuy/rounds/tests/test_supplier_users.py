"""Supplier users: invited by a coordinator through the outbox, they accept signed in and see the
purchase orders addressed to their supplier, and nothing else (issue 10, item 6a)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import Supplier, SupplierInvitation, SupplierUser
from coopbuy.catalog.supplier_users import (
    SupplierUserError,
    supplier_invitation_accept,
    supplier_invitation_create,
    supplier_user_end,
)
from coopbuy.groups.models import BuyingGroup
from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds.closing import round_close, round_send_order
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


@dataclass
class World:
    cora: User
    group: BuyingGroup
    farm: Supplier
    mill: Supplier
    ann: User


def _world() -> World:
    cora = make_user("Cora")
    group = make_group(cora, name="Hebden")
    farm, mill = make_supplier(group, name="Farm"), make_supplier(group, name="Mill")
    make_product(farm, sku="OATS", name="Oats", case_size=6, unit_price=Decimal("2.00"))
    make_product(mill, sku="FLOUR", name="Flour", case_size=4, unit_price=Decimal("1.50"))
    ann = add_member(group, make_user("Ann")).user
    round = open_round(group, cora, [farm, mill], name="March order")
    for product in RoundProduct.objects.filter(round=round):
        basket_set(round=round, user=ann, product_id=product.pk, quantity=product.case_size,
                   tolerance=0)  # fmt: skip
    round_close(round=round, actor=cora)
    round_send_order(round=round, actor=cora)
    return World(cora, group, farm, mill, ann)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_invites_through_the_outbox_and_the_person_accepts_on_the_web() -> None:
    w = _world()
    farm, group = w.farm, w.group
    page = reverse("catalog:supplier_people", args=[group.slug, farm.pk])
    response = _client(w.cora).post(page, {"email": "Rep@Farm.example"})
    assert response.status_code == 302
    invitation = SupplierInvitation.objects.get()
    message = OutboxMessage.objects.get(to=["rep@farm.example"])
    assert f"/suppliers/invitations/{invitation.code}/" in message.body
    assert "Farm" in message.subject

    rep = make_user("Rita", email="rep@farm.example")
    link = reverse("catalog:supplier_invitation", args=[invitation.code])
    assert Client().post(link).status_code == 302  # signed out: sent to sign in, nothing accepted
    assert not SupplierUser.objects.exists()
    response = _client(rep).post(link)
    assert response.status_code == 302 and response["Location"] == reverse("catalog:my_suppliers")
    assert SupplierUser.objects.get().user == rep
    assert AuditEvent.objects.filter(action="supplier_user.added", subject=rep).exists()
    again = _client(rep).post(link)
    assert "already been accepted" in again.content.decode()


def test_a_supplier_user_sees_their_purchase_orders_and_nothing_else() -> None:
    w = _world()
    rep = make_user("Rita")
    invitation = supplier_invitation_create(supplier=w.farm, actor=w.cora, email=rep.email)
    supplier_invitation_accept(code=invitation.code, user=rep)
    client = _client(rep)

    mine = client.get(reverse("catalog:my_suppliers")).content.decode()
    assert "Farm" in mine and "Mill" not in mine
    orders = client.get(reverse("rounds:supplier_orders", args=[w.farm.pk]))
    text = orders.content.decode()
    assert orders.status_code == 200 and "March order" in text and "OATS" in text
    assert "FLOUR" not in text and "Ann" not in text  # the supplier's lines only, no members
    assert client.get(reverse("rounds:supplier_orders", args=[w.mill.pk])).status_code == 404
    group = w.group
    assert client.get(reverse("groups:members", args=[group.slug])).status_code == 403
    # A member of the group who does not act for the supplier does not see the page either.
    assert (
        _client(w.ann).get(reverse("rounds:supplier_orders", args=[w.farm.pk])).status_code == 404
    )

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=rep, name='t')[1]}")
    listed = api.get("/api/v1/suppliers/mine").json()
    assert [(s["name"], s["group_name"]) for s in listed["items"]] == [("Farm", "Hebden")]
    body = api.get(f"/api/v1/suppliers/{w.farm.pk}/purchase-orders").json()
    (order,) = body["items"]
    assert order["round_name"] == "March order" and order["total"] == "12.00"
    assert [(x["sku"], x["cases"], x["units"]) for x in order["lines"]] == [("OATS", 1, 6)]
    assert api.get(f"/api/v1/suppliers/{w.mill.pk}/purchase-orders").status_code == 404


def test_only_a_coordinator_invites_and_a_removed_supplier_user_loses_access() -> None:
    w = _world()
    with pytest.raises(PermissionDenied):
        supplier_invitation_create(supplier=w.farm, actor=w.ann, email="x@y.example")
    with pytest.raises(SupplierUserError, match="valid email"):
        supplier_invitation_create(supplier=w.farm, actor=w.cora, email="nope")
    rep = make_user("Rita")
    invitation = supplier_invitation_create(supplier=w.farm, actor=w.cora, email=rep.email)
    person = supplier_invitation_accept(code=invitation.code, user=rep)
    with pytest.raises(SupplierUserError, match="already acts"):
        supplier_invitation_create(supplier=w.farm, actor=w.cora, email=rep.email)
    supplier_user_end(supplier_user=person, actor=w.cora)
    url = reverse("rounds:supplier_orders", args=[w.farm.pk])
    assert _client(rep).get(url).status_code == 404
    assert SupplierUser.objects.filter(pk=person.pk).exists()  # ended, kept
