"""A tender's emails: the invited suppliers' people are asked to bid at publishing (or when
invited later), an ended supplier user and a supplier not invited hear nothing, and each member
of the owner's groups is told once when the award is confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coopbuy.catalog.models import SupplierUser
from coopbuy.outbox.models import OutboxMessage
from coopbuy.tenders import services
from coopbuy.tenders.confirmation import tender_confirm
from coopbuy.tenders.models import Tender
from coopbuy.tenders.tests.world import bid_all, make_world, past_deadline, supplier_with_user
from coopbuy.testing.factories import add_member, make_user

pytestmark = pytest.mark.django_db


def _sent() -> list[tuple[list[str], str, str]]:
    return [(m.to, m.subject, m.body) for m in OutboxMessage.objects.order_by("pk")]


def test_publishing_asks_each_invited_suppliers_people_to_bid_and_no_one_else() -> None:
    world = make_world()
    sent = _sent()
    assert sorted(to[0] for to, _s, _b in sent) == sorted(s.email for s in world.sellers)
    assert world.other_seller is not None
    assert all(world.other_seller.email not in to for to, _s, _b in sent)
    _to, subject, body = next(m for m in sent if m[0] == [world.sellers[0].email])
    assert subject == "Pennine Test asks Alpha to bid: Dry goods 2027"
    assert f"/tenders/{world.tender.pk}/bid/{world.suppliers[0].pk}/" in body  # type: ignore[union-attr]
    assert "Bids are sealed" in body and "Deadline: " in body


def test_a_supplier_invited_after_publishing_is_asked_then_and_an_ended_user_never() -> None:
    world = make_world()
    supplier, seller = supplier_with_user(world.a, "Epsilon")
    gone = make_user("Gone Sales")
    SupplierUser.objects.create(supplier=supplier, user=gone, ended_at=timezone.now())
    OutboxMessage.objects.all().delete()
    assert world.tender is not None
    services.tender_invite(tender=world.tender, actor=world.fay, supplier=supplier)
    assert [to for to, _s, _b in _sent()] == [[seller.email]]
    OutboxMessage.objects.all().delete()
    services.tender_invite(tender=world.tender, actor=world.fay, supplier=supplier)  # again
    assert _sent() == []


def test_a_draft_invitation_sends_nothing_until_published() -> None:
    world = make_world()
    draft = services.tender_create(
        actor=world.fay,
        federation=world.federation,
        fields=services.TenderFields(
            title="Tins 2027", deadline=timezone.now() + timedelta(days=3), split="item",
            criteria={},
        ),
    )  # fmt: skip
    services.tender_item_save(
        tender=draft, actor=world.fay,
        item=services.ItemInput(code="tins", name="Tins", quantity=10, case_size=12),
    )  # fmt: skip
    OutboxMessage.objects.all().delete()
    services.tender_invite(tender=draft, actor=world.fay, supplier=world.suppliers[1])
    assert _sent() == []
    services.tender_publish(tender=draft, actor=world.fay)
    assert [to for to, _s, _b in _sent()] == [[world.sellers[1].email]]


def test_confirming_the_award_tells_each_member_of_the_owners_groups_once() -> None:
    world = make_world()
    add_member(world.b, world.mia)  # in both groups: still one message
    bid_all(world)
    past_deadline(world)
    assert world.tender is not None
    services.tender_award(tender=world.tender, actor=world.fay)
    OutboxMessage.objects.all().delete()
    tender_confirm(tender=Tender.objects.get(pk=world.tender.pk), actor=world.fay)
    sent = _sent()
    assert sorted(to[0] for to, _s, _b in sent) == sorted(
        {world.fay.email, world.bea.email, world.mia.email}
    )
    _to, subject, body = sent[0]
    assert subject == "Dry goods 2027: new prices are agreed"
    assert f"/tenders/{world.tender.pk}/saving/" in body
    assert all(world.outsider.email not in to for to, _s, _b in sent)
    assert all(s.email not in to for to, _s, _b in sent for s in world.sellers)
