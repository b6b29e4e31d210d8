"""Pooled demand fills a draft; a group's own tender; who may do what, role by role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.tenders import services
from coopbuy.tenders.demand import DemandFilter, tender_prefill
from coopbuy.tenders.models import Tender, TenderItem
from coopbuy.tenders.tests.world import make_world, past_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _token, raw = token_create(user=user, name="t", scope="read-write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _fields(title: str = "Veg boxes") -> services.TenderFields:
    return services.TenderFields(title=title, deadline=timezone.now() + timedelta(days=3))


def test_pooled_demand_averages_the_last_rounds_over_the_federations_groups() -> None:
    world = make_world()
    ma = Membership.objects.get(user=world.mia, group=world.a)
    mb = add_member(world.b)
    past_round(world.a, 10, {ma: [("oats-25kg", 10, "30.00"), ("rice-1kg", 3, "4.50")]})
    past_round(world.a, 20, {ma: [("oats-25kg", 5, "15.00")]})
    past_round(world.a, 200, {ma: [("oats-25kg", 99, "99.00")]})  # beyond the last 2 rounds
    past_round(world.b, 10, {mb: [("oats-25kg", 7, "21.00")]})
    draft = services.tender_create(actor=world.fay, federation=world.federation, fields=_fields())
    items = tender_prefill(tender=draft, actor=world.fay, spec=DemandFilter(rounds=2))
    # group a: (10 + 5) / 2 = 7.5 -> 8, rice 3 / 2 -> 2; group b: 7 / 1 = 7
    assert [(i.code, i.quantity, i.case_size) for i in items] == [
        ("oats-25kg", 15, 10),
        ("rice-1kg", 2, 10),
    ]
    services.tender_item_save(
        tender=draft, actor=world.fay, item=services.ItemInput("rice-1kg", "Rice", 20)
    )
    assert TenderItem.objects.get(tender=draft, code="rice-1kg").quantity == 20  # editable
    with pytest.raises(services.TenderError, match="bought nothing"):
        tender_prefill(tender=draft, actor=world.fay, spec=DemandFilter(category="Cleaning"))
    with pytest.raises(PermissionDenied):
        tender_prefill(tender=draft, actor=world.bea, spec=DemandFilter())


def test_a_groups_tender_is_run_by_its_coordinators_only() -> None:
    coordinator, member, other = make_user("Cora"), make_user("Max"), make_user("Otto")
    group = make_group(coordinator, name="Corner Group")
    add_member(group, member)
    make_group(other)
    response = _api(coordinator).post(
        "/api/v1/tenders",
        {"group_slug": group.slug, "title": "Veg", "deadline": _fields().deadline.isoformat(),
         "split": "units"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    tender = Tender.objects.get(pk=response.json()["id"])
    assert (tender.group, tender.federation, tender.split) == (group, None, "units")
    for who, status in ((member, 403), (other, 403)):  # a public group: refused, not hidden
        refused = _api(who).post(
            "/api/v1/tenders",
            {"group_slug": group.slug, "title": "X", "deadline": _fields().deadline.isoformat()},
            content_type="application/json",
        )
        assert refused.status_code == status
        assert _api(who).get(f"/api/v1/tenders/{tender.pk}").status_code == 404
        client = Client()
        client.force_login(who)
        assert client.get(f"/tenders/{tender.pk}/").status_code == 404
        assert client.get(f"/tenders/new/group/{group.slug}/").status_code == status
    client = Client()
    client.force_login(coordinator)
    assert client.get(f"/tenders/{tender.pk}/").status_code == 200
    assert client.get("/tenders/").status_code == 200
    both = _api(coordinator).post(
        "/api/v1/tenders",
        {"group_slug": group.slug, "federation_slug": "x", "title": "X",
         "deadline": _fields().deadline.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert both.status_code == 422


def test_the_federation_tender_journey_through_the_pages() -> None:
    world = make_world()
    client = Client()
    client.force_login(world.fay)
    create = client.get(f"/tenders/new/federation/{world.federation.slug}/")
    assert create.status_code == 200
    deadline = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    made = client.post(
        f"/tenders/new/federation/{world.federation.slug}/",
        {"title": "Oils", "split": "lot", "deadline": deadline, "max_weight_sum": "0.5",
         "criteria": "organic = 0.2"},
    )  # fmt: skip
    assert made.status_code == 302
    tender = Tender.objects.get(title="Oils")
    assert (tender.split, tender.criteria) == ("lot", {"organic": "0.2"})
    refused = client.post(f"/tenders/{tender.pk}/publish/", follow=True)
    assert "Add at least one item" in refused.content.decode()
    client.post(
        f"/tenders/{tender.pk}/items/",
        {"code": "olive-oil-5l", "name": "Olive oil", "quantity": "30", "case_size": "4"},
    )
    client.post(f"/tenders/{tender.pk}/invite/", {"supplier": world.suppliers[2].pk})
    assert client.post(f"/tenders/{tender.pk}/publish/").status_code == 302
    tender.refresh_from_db()
    assert tender.status == "published"
    assert list(tender.invitations.values_list("supplier", flat=True)) == [world.suppliers[2].pk]
    # Bea coordinates a member group but not the federation: not an organiser.
    bea = Client()
    bea.force_login(world.bea)
    assert bea.get(f"/tenders/{tender.pk}/").status_code == 404
    assert bea.get(f"/tenders/new/federation/{world.federation.slug}/").status_code == 404
    seller = Client()
    seller.force_login(world.sellers[2])
    assert "Oils" in seller.get("/tenders/").content.decode()
