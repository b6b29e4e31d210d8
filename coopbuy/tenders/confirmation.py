"""Confirming an award: the winning bids become catalogues, and members see what they save.

On confirmation every awarded bid becomes a `catalog.Supplier` (through the catalogue's own
services, so it is audited as any other) with a product per awarded item: the item's code as SKU,
its case size, the bid's base price, and its volume tiers turned from units into cases
(`ceil(min_quantity / case_size)`; a tier reached below 2 cases becomes the base price, since
catalogue tiers start at 2 cases); a capacity caps the cases per round. For a group's tender the
supplier is added to that group; for a federation's, to the group of the confirming coordinator
(one of the member groups they coordinate) and shared with the federation through a
`FederationSupplier` row, so it is the catalogue of the next pooled round.

A member's expected saving: for each awarded item, the units they were allocated of the same
product code in the owner's groups' finished rounds, what they paid for them, and what the same
units cost at the awarded price (units-weighted over the item's awards); the saving is the
difference, to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.catalog.services import product_save, supplier_create
from coopbuy.federations.models import FederationSupplier
from coopbuy.federations.permissions import coordinated_member_groups
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.rounds.models import Allocation
from coopbuy.tenders import emails
from coopbuy.tenders.models import Bid, BidLine, BidRevision, Tender, TenderContract, TenderOptIn
from coopbuy.tenders.permissions import owner_groups, require_organiser
from coopbuy.tenders.services import TenderError, locked_tender

CENT = Decimal("0.01")
FINISHED = ("closed", "ordered", "received", "settled")


def _catalogue_group(tender: Tender, actor: User, group: BuyingGroup | None) -> BuyingGroup:
    if tender.group_id is not None:
        assert tender.group is not None
        return tender.group
    assert tender.federation is not None
    mine = coordinated_member_groups(federation=tender.federation, user=actor)
    if group is None and len(mine) == 1:
        return mine[0]
    if group is None or group.pk not in {g.pk for g in mine}:
        raise TenderError(
            _("Choose one of the federation's groups you coordinate to keep the catalogue."),
            field="group",
        )
    return group


def _free_name(group: BuyingGroup, name: str) -> str:
    candidate, n = name[:120], 2
    while Supplier.objects.filter(group=group, name__iexact=candidate).exists():
        candidate = f"{name[:112]} ({n})"
        n += 1
    return candidate


def _products(line: BidLine) -> tuple[Decimal, list[tuple[int, Decimal]], int | None]:
    """The bid line as a catalogue price: base unit price, tiers in cases, most cases."""
    case = line.item.case_size
    base = line.unit_price
    by_cases: dict[int, Decimal] = {}
    for quantity, price in sorted((int(q), Decimal(p)) for q, p in line.tiers):
        cases = -(-quantity // case)
        if cases < 2:
            base = price
        else:
            by_cases[cases] = price
    most = None if line.capacity is None else line.capacity // case
    return base, sorted(by_cases.items()), most


@transaction.atomic
def tender_confirm(
    *, tender: Tender, actor: User, group: BuyingGroup | None = None
) -> list[TenderContract]:
    """Confirm the award: each winning bid becomes a catalogue for the next (pooled) round."""
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    if tender.status != Tender.Status.AWARDED:
        raise TenderError(_("Only an awarded tender can be confirmed or not."), field="status")
    target = _catalogue_group(tender, actor, group)
    awarded = {int(b["id"].removeprefix("bid-")) for b in tender.result["bids"] if b["awarded"]}
    won_items: dict[int, set[str]] = {}
    for a in tender.result["awards"]:
        won_items.setdefault(int(a["bid"].removeprefix("bid-")), set()).add(a["item"])
    contracts = []
    for bid in Bid.objects.filter(pk__in=awarded).select_related("supplier").order_by("pk"):
        revision = BidRevision.objects.filter(bid=bid).order_by("-number").first()
        assert revision is not None and not revision.withdrawn
        catalogue = supplier_create(
            group=target,
            actor=actor,
            name=_free_name(target, f"{bid.supplier.name}: {tender.title}"),
            email=bid.supplier.email,
            order_email=bid.supplier.order_email or bid.supplier.email,
            delivery_fee=revision.delivery_fee,
            min_order_value=revision.min_order_value,
            notes=_("From the tender “%(title)s”.") % {"title": tender.title},
        )
        lines = BidLine.objects.filter(
            revision=revision, item__code__in=won_items.get(bid.pk, set())
        )
        for line in lines.select_related("item").order_by("item__code"):
            base, tiers, most = _products(line)
            product_save(
                supplier=catalogue, actor=actor, sku=line.item.code, name=line.item.name,
                case_size=line.item.case_size, unit_price=base, tiers=tiers,
                unit_description=line.item.unit, category=line.item.category, max_cases=most,
            )  # fmt: skip
        if tender.federation_id is not None:
            FederationSupplier.objects.create(
                federation_id=tender.federation_id, supplier=catalogue, added_by=actor
            )
        contracts.append(TenderContract.objects.create(tender=tender, bid=bid, catalogue=catalogue))
    tender.status, tender.decided_at, tender.decided_by = (
        Tender.Status.CONFIRMED,
        timezone.now(),
        actor,
    )
    tender.save(update_fields=["status", "decided_at", "decided_by"])
    told = emails.award_confirmed(tender)
    audit_record(
        action="tender.confirmed",
        summary=_("%(user)s confirmed the award of %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=target,
        data={
            "tender": tender.pk,
            "catalogues": [c.catalogue_id for c in contracts],
            "members_told": told,
        },
    )
    return contracts


@dataclass(frozen=True, slots=True)
class SavingLine:
    code: str
    units: int
    paid: Decimal
    at_tender_price: Decimal
    tender_unit_price: Decimal

    @property
    def saving(self) -> Decimal:
        return self.paid - self.at_tender_price


@dataclass(frozen=True, slots=True)
class Saving:
    lines: list[SavingLine]

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), Decimal(0))

    @property
    def at_tender_price(self) -> Decimal:
        return sum((line.at_tender_price for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.paid - self.at_tender_price


def awarded_unit_prices(tender: Tender) -> dict[str, Decimal]:
    """Per item code, the awarded price per unit (units-weighted over its awards)."""
    units: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    for a in tender.result.get("awards", []):
        units[a["item"]] = units.get(a["item"], 0) + int(a["units"])
        amounts[a["item"]] = amounts.get(a["item"], Decimal(0)) + Decimal(a["amount"])
    return {code: amounts[code] / units[code] for code in units if units[code]}


def expected_saving(*, tender: Tender, user: User) -> Saving:
    """What this person would have saved on their past purchases at the awarded prices."""
    prices = awarded_unit_prices(tender)
    groups = [g.pk for g in owner_groups(tender)]
    rows = (
        Allocation.objects.filter(
            membership__user=user,
            membership__group_id__in=groups,
            round__status__in=FINISHED,
            product__sku__in=list(prices),
            units__gt=0,
        )
        .values("product__sku")
        .annotate(units=Sum("units"), paid=Sum("amount"))
        .order_by("product__sku")
    )
    lines = []
    for row in rows:
        code = row["product__sku"]
        at_price = (prices[code] * row["units"]).quantize(CENT, ROUND_HALF_UP)
        unit_price = prices[code].quantize(CENT, ROUND_HALF_UP)
        lines.append(
            SavingLine(
                code,
                int(row["units"]),
                Decimal(row["paid"]).quantize(CENT, ROUND_HALF_UP),
                at_price,
                unit_price,
            )
        )
    return Saving(lines)


@transaction.atomic
def tender_opt_in(*, tender: Tender, membership: Membership) -> TenderOptIn:
    """The member opts in to order from the confirmed tender's catalogue (recorded once)."""
    if tender.status != Tender.Status.CONFIRMED:
        raise TenderError(_("You can opt in once the award is confirmed."), field="tender")
    saving = expected_saving(tender=tender, user=membership.user)
    opt_in, created = TenderOptIn.objects.get_or_create(
        tender=tender, membership=membership, defaults={"expected_saving": saving.total}
    )
    if created:
        audit_record(
            action="tender.opted_in",
            summary=_("%(user)s opted in to %(title)s")
            % {"user": membership.user.name, "title": tender.title},
            actor=membership.user,
            group=membership.group,
            data={"tender": tender.pk, "expected_saving": str(saving.total)},
        )
    return opt_in
