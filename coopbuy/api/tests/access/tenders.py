"""Tenders: group A's own tender, organised by A's coordinators, bid on by A's supplier.

seed() makes three tenders of group A (a group's own tender, so its organisers are A's
coordinators): `tender_id`, published and open, A's supplier (`supplier_id`, whose user is the
world's `supplier_user`) invited and bidding; a draft (for the drafting operations); and an
awarded one (for the result, the members' saving and opt-in, and the decision). Sealed bids: a
bid's content is read only by its own supplier's users (`supplier_user`); organisers see the bid
count, and nobody reads the content before the deadline, so those operations are classified by
who may call them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.catalog.models import Supplier
from coopbuy.federations.services import federation_create
from coopbuy.groups.models import BuyingGroup
from coopbuy.tenders import services
from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit
from coopbuy.tenders.models import (
    Bid,
    BidRevision,
    Tender,
    TenderInvitation,
    TenderItem,
    TenderOptIn,
)

if TYPE_CHECKING:
    from coopbuy.accounts.models import User
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

TENDER = "/tenders/{tender_id}"
BID = f"{TENDER}/bids/{{supplier_id}}"
ACCESS = {
    "GET /tenders/mine": "signed_in",  # the caller's own: lists only what they organise
    "GET /tenders/invitations": "signed_in",  # the caller's own suppliers' invitations
    "POST /tenders": "coordinator",  # the body names group A
    f"GET {TENDER}": "coordinator",
    f"POST {TENDER}/items": "coordinator",
    f"POST {TENDER}/prefill": "coordinator",
    f"POST {TENDER}/invitations": "coordinator",
    f"POST {TENDER}/publish": "coordinator",
    f"POST {TENDER}/award": "coordinator",
    f"POST {TENDER}/confirm": "coordinator",
    f"POST {TENDER}/not-confirmed": "coordinator",
    f"GET {TENDER}/result": "member_or_supplier",  # A's supplier is invited to it
    f"GET {BID}": "supplier_user",  # sealed: its own supplier only, never the organisers
    f"PUT {BID}": "supplier_user",
    f"POST {BID}/withdraw": "supplier_user",
    f"GET {TENDER}/saving": "member",
    f"POST {TENDER}/opt-in": "member",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /tenders": {
        "group_slug": "group-a",  # group A's address (seed checks it)
        "title": "Dry goods",
        "deadline": "2099-01-01T12:00:00+00:00",
        "split": "item",
    },
    f"POST {TENDER}/items": {"code": "RICE", "name": "Rice", "quantity": 40, "case_size": 10},
    f"POST {TENDER}/prefill": {"rounds": 3},
    f"POST {TENDER}/invitations": {"supplier_id": 1},  # A's supplier or not: 200 or 422
    f"POST {TENDER}/confirm": {},
    f"POST {TENDER}/not-confirmed": {"reason": "The prices rose since"},
    f"PUT {BID}": {"prices": [{"item": "OATS", "unit_price": "1.90", "capacity": 100}]},
}
# The operations that run on the draft, and those that run on the awarded tender.
ON_DRAFT = ("/items", "/prefill", "/invitations", "/publish")
ON_AWARDED = ("/result", "/saving", "/opt-in", "/confirm", "/not-confirmed")


def _tender(coordinator: User, group: BuyingGroup, title: str) -> Tender:
    tender = services.tender_create(
        actor=coordinator,
        group=group,
        fields=services.TenderFields(title=title, deadline=timezone.now() + timedelta(days=7)),
    )
    services.tender_item_save(
        tender=tender,
        actor=coordinator,
        item=services.ItemInput(code="OATS", name="Oats", quantity=120, case_size=6),
    )
    return tender


def _published(coordinator: User, group: BuyingGroup, title: str, world: World) -> Tender:
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    tender = _tender(coordinator, group, title)
    services.tender_invite(tender=tender, actor=coordinator, supplier=supplier)
    tender = services.tender_publish(tender=tender, actor=coordinator)
    bid_submit(
        tender=tender,
        supplier=supplier,
        actor=world.people["supplier_user"],
        data=BidInput(lines=[LineInput("OATS", Decimal("2.00"), 150)]),
    )
    return tender


def seed(world: World) -> None:
    assert world.a.slug == BODIES["POST /tenders"]["group_slug"]  # type: ignore[index]
    coordinator = world.people["coordinator"]
    open_ = _published(coordinator, world.a, "Oats for the spring", world)
    draft = _tender(coordinator, world.a, "Oats, a draft")
    awarded = _published(coordinator, world.a, "Oats for the winter", world)
    Tender.objects.filter(pk=awarded.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    awarded.refresh_from_db()
    services.tender_award(tender=awarded, actor=coordinator)
    federation = federation_create(creator=coordinator, name="Tender federation")
    world.ids.update(tender_id=open_.pk, draft_tender_id=draft.pk, awarded_tender_id=awarded.pk)
    world.scopes["tender_federation_slug"] = federation.slug


def path_values(world: World, template: str) -> dict[str, object]:
    if not template.startswith(f"{TENDER}/"):
        return {}
    if template.endswith(ON_DRAFT):
        return {"tender_id": world.ids["draft_tender_id"]}
    if template.endswith(ON_AWARDED):
        return {"tender_id": world.ids["awarded_tender_id"]}
    return {}


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    tenders = Tender.objects.filter(group=group)
    return (
        list(
            tenders.order_by("pk").values_list(
                "pk", "status", "title", "deadline", "result", "not_confirmed_reason"
            )
        ),
        list(
            TenderItem.objects.filter(tender__in=tenders)
            .order_by("pk")
            .values_list("pk", "code", "quantity")
        ),
        list(
            TenderInvitation.objects.filter(tender__in=tenders)
            .order_by("pk")
            .values_list("tender", "supplier")
        ),
        list(Bid.objects.filter(tender__in=tenders).order_by("pk").values_list("pk", "status")),
        BidRevision.objects.filter(bid__tender__in=tenders).count(),
        TenderOptIn.objects.filter(tender__in=tenders).count(),
    )
