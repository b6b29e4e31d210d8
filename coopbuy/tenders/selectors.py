"""Reads of tenders. The one reader of bids' content is `bids_for_award`, and it refuses before
the deadline: organisers, coordinators, staff and the API all go through it (sealed bids). A
supplier reads its own bid with `own_bid`; everyone else sees only `bid_count` before then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import FederationGroup, FederationRole
from coopbuy.groups.models import Membership
from coopbuy.tenders.models import Bid, BidLine, BidRevision, Tender, TenderInvitation


class BidsSealed(UserFacingError):
    """Bids are sealed until the deadline: nobody reads their content before."""


@dataclass(frozen=True, slots=True)
class OpenedBid:
    bid: Bid
    revision: BidRevision  # the latest, with its lines prefetched
    lines: list[BidLine]


def _latest(bid: Bid) -> BidRevision | None:
    return (
        BidRevision.objects.filter(bid=bid)
        .prefetch_related(Prefetch("lines", BidLine.objects.select_related("item")))
        .order_by("-number")
        .first()
    )


def bids_for_award(tender: Tender, now: datetime) -> list[OpenedBid]:
    """The latest revision of every standing (not withdrawn) bid, by supplier id: only after the
    deadline. Before it this refuses, whoever asks."""
    if now < tender.deadline:
        raise BidsSealed(
            _("Bids are sealed until the deadline (%(deadline)s): nobody can read them before.")
            % {"deadline": tender.deadline.strftime("%d %b %Y %H:%M")},
            field="deadline",
        )
    opened: list[OpenedBid] = []
    bids = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).select_related("supplier")
    for bid in bids.order_by("supplier_id"):
        revision = _latest(bid)
        if revision is not None and not revision.withdrawn:
            opened.append(OpenedBid(bid, revision, list(revision.lines.all())))
    return opened


def own_bid(*, tender: Tender, supplier: Supplier) -> tuple[Bid | None, BidRevision | None]:
    """The supplier's own bid and its latest revision (for the supplier's users only)."""
    bid = Bid.objects.filter(tender=tender, supplier=supplier).first()
    return bid, (_latest(bid) if bid is not None else None)


def bid_count(tender: Tender) -> int:
    """How many bids stand (metadata: safe to show before the deadline)."""
    return Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).count()


def bids_metadata(tender: Tender) -> QuerySet[Bid]:
    """Who bid and when, without any content."""
    return Bid.objects.filter(tender=tender).select_related("supplier").order_by("pk")


def _coordinated(user: User) -> tuple[QuerySet[FederationRole], QuerySet[Membership]]:
    """The federations and the groups this person coordinates now (who may start a tender)."""
    federations = FederationRole.objects.filter(
        user=user, role=FederationRole.Role.COORDINATOR, ended_at__isnull=True
    )
    groups = Membership.objects.active().filter(user=user, role=Membership.Role.COORDINATOR)
    return federations, groups


@dataclass(frozen=True, slots=True)
class Owner:
    """A federation or a group this person may start a tender for, and the page that starts it."""

    name: str
    kind: str  # "federation" or "group"
    slug: str


def tender_owners_for(user: User) -> list[Owner]:
    """Where this person may start a tender: the federations, then the groups they coordinate."""
    federations, groups = _coordinated(user)
    return [
        *(
            Owner(r.federation.name, "federation", r.federation.slug)
            for r in federations.select_related("federation").order_by("federation__name")
        ),
        *(
            Owner(m.group.name, "group", m.group.slug)
            for m in groups.select_related("group").order_by("group__name")
        ),
    ]


def tenders_for_organiser(user: User) -> QuerySet[Tender]:
    coordinated_federations, coordinated_groups = _coordinated(user)
    federations = coordinated_federations.values("federation_id")
    groups = coordinated_groups.values("group_id")
    return (
        Tender.objects.filter(Q(federation_id__in=federations) | Q(group_id__in=groups))
        .select_related("federation", "group")
        .order_by("-deadline", "pk")
    )


def invitations_for_user(user: User) -> QuerySet[TenderInvitation]:
    """Invitations to published tenders of the suppliers this person acts for."""
    return (
        TenderInvitation.objects.filter(
            supplier__users__user=user, supplier__users__ended_at__isnull=True
        )
        .exclude(tender__status=Tender.Status.DRAFT)
        .select_related("tender", "supplier", "tender__federation", "tender__group")
        .order_by("-tender__deadline", "pk")
    )


def tenders_for_member(user: User) -> QuerySet[Tender]:
    """Awarded or decided tenders of the person's groups (directly or through a federation)."""
    groups = Membership.objects.active().filter(user=user).values("group_id")
    federations = FederationGroup.objects.filter(
        group_id__in=groups, status=FederationGroup.Status.MEMBER
    ).values("federation_id")
    return (
        Tender.objects.filter(Q(group_id__in=groups) | Q(federation_id__in=federations))
        .filter(status__in=["awarded", "confirmed", "not_confirmed"])
        .select_related("federation", "group")
        .order_by("-deadline", "pk")
    )


def published_result(tender: Tender) -> dict[str, Any] | None:
    """The published award (after it only), each bid and award named by its supplier."""
    if not tender.result:
        return None
    names = {f"bid-{b.pk}": b.supplier.name for b in bids_metadata(tender)}
    result = dict(tender.result)
    result["awards"] = [
        {**a, "supplier_name": names.get(a["bid"], a["bid"])} for a in result["awards"]
    ]
    result["bids"] = [{**b, "supplier_name": names.get(b["id"], b["id"])} for b in result["bids"]]
    return result
