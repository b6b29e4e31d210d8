"""Suppliers' writes: submit (or revise) and withdraw a bid, until the deadline.

Every revision is a new `BidRevision` row (history is never rewritten); the latest counts. A bad
bid is refused whole with a message naming what is wrong, and nothing is saved. Readings:

- A price is a decimal with at most 2 places, from 0 to `MAX_UNIT_PRICE` (an "absurd" price
  above it is a typo far more often than a real offer). Tiers need distinct quantities >= 1.
- Every published criterion must be answered with a score in [0, 1] (at most 4 places).
- A bid stays valid at least until the deadline (`valid_until`, if given, not before it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.tenders.models import Bid, BidLine, BidRevision, Tender, TenderItem
from coopbuy.tenders.permissions import require_invited

MAX_UNIT_PRICE = Decimal("100000")
MAX_TERMS = Decimal("1000000")


class BidError(UserFacingError):
    pass


@dataclass(frozen=True, slots=True)
class LineInput:
    item: str  # the tender item's code
    unit_price: Decimal | str
    capacity: int | None = None
    tiers: list[tuple[int, Decimal | str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BidInput:
    lines: list[LineInput]
    delivery_fee: Decimal | str = Decimal(0)
    min_order_value: Decimal | str = Decimal(0)
    valid_until: date | None = None
    criteria: dict[str, Decimal | str] = field(default_factory=dict)
    note: str = ""


def _money(value: object, what: str, field_name: str, most: Decimal) -> Decimal:
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal("NaN")
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise BidError(
            _("%(what)s: give an amount in figures, such as 12.50.") % {"what": what},
            field=field_name,
        )
    if amount < 0:
        raise BidError(_("%(what)s cannot be negative.") % {"what": what}, field=field_name)
    if amount > most:
        raise BidError(
            _("%(what)s of %(amount)s is implausibly high (at most %(most)s): check it.")
            % {"what": what, "amount": amount, "most": most},
            field=field_name,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise BidError(_("%(what)s: give at most two decimals.") % {"what": what}, field=field_name)
    return amount.quantize(Decimal("0.01"))


def _score(name: str, value: object) -> str:
    try:
        score = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal("NaN")
    except InvalidOperation:
        score = Decimal("NaN")
    exponent = score.normalize().as_tuple().exponent if score.is_finite() else 0
    if (
        not score.is_finite()
        or not 0 <= score <= 1
        or (isinstance(exponent, int) and exponent < -4)
    ):
        raise BidError(
            _("The answer to “%(name)s” must be a decimal from 0 to 1, such as 0.8.")
            % {"name": name},
            field="criteria",
        )
    return format(score.normalize(), "f")


@dataclass(frozen=True, slots=True)
class _Line:
    item: TenderItem
    unit_price: Decimal
    capacity: int | None
    tiers: list[list[object]]


def _check(tender: Tender, data: BidInput, now: datetime) -> tuple[dict[str, str], list[_Line]]:
    if tender.status != Tender.Status.PUBLISHED:
        raise BidError(_("This tender is not open for bids."), field="tender")
    if now >= tender.deadline:
        raise BidError(_("The deadline for bids has passed: bids are closed."), field="deadline")
    items = {it.code: it for it in tender.items.all()}
    if not data.lines:
        raise BidError(_("Price at least one item of the tender."), field="prices")
    lines: list[_Line] = []
    seen: set[str] = set()
    for line in data.lines:
        item = items.get(line.item)
        if item is None:
            raise BidError(
                _("“%(item)s” is not an item of this tender.") % {"item": line.item},
                field="prices",
            )
        if line.item in seen:
            raise BidError(_("“%(item)s” is priced twice.") % {"item": line.item}, field="prices")
        seen.add(line.item)
        what = _("The price of %(item)s") % {"item": item.code}
        price = _money(line.unit_price, what, "prices", MAX_UNIT_PRICE)
        if line.capacity is not None and not 0 <= int(line.capacity) <= 10**9:
            raise BidError(
                _("The capacity for %(item)s is a whole number of units.") % {"item": item.code},
                field="prices",
            )
        tiers: list[list[object]] = []
        quantities: set[int] = set()
        for quantity, tier_price in line.tiers:
            if int(quantity) < 1 or int(quantity) in quantities:
                raise BidError(
                    _("The volume prices of %(item)s need distinct quantities from 1 unit.")
                    % {"item": item.code},
                    field="prices",
                )
            quantities.add(int(quantity))
            tier_what = _("A volume price of %(item)s") % {"item": item.code}
            tiers.append(
                [int(quantity), str(_money(tier_price, tier_what, "prices", MAX_UNIT_PRICE))]
            )
        tiers.sort(key=lambda t: int(str(t[0])))
        lines.append(_Line(item, price, line.capacity, tiers))
    criteria: dict[str, str] = {}
    unknown = sorted(set(data.criteria) - set(tender.criteria))
    if unknown:
        raise BidError(
            _("“%(name)s” is not a criterion of this tender.") % {"name": unknown[0]},
            field="criteria",
        )
    for name in tender.criteria:
        if name not in data.criteria or str(data.criteria[name]).strip() == "":
            raise BidError(
                _("Answer the criterion “%(name)s” (a score from 0 to 1).") % {"name": name},
                field="criteria",
            )
        criteria[name] = _score(name, data.criteria[name])
    if data.valid_until is not None and data.valid_until < tender.deadline.date():
        raise BidError(
            _("The bid must stay valid at least until the deadline."), field="valid_until"
        )
    return criteria, lines


def _lock(tender: Tender) -> Tender:
    return Tender.objects.select_for_update(no_key=True).get(pk=tender.pk)


@transaction.atomic
def bid_submit(
    *, tender: Tender, supplier: Supplier, actor: User, data: BidInput, now: datetime | None = None
) -> BidRevision:
    """Submit the supplier's bid, or revise it: a new revision, the latest counts."""
    now = now or timezone.now()
    require_invited(tender=tender, supplier=supplier, user=actor)
    tender = _lock(tender)
    criteria, lines = _check(tender, data, now)
    fee = _money(data.delivery_fee, _("The delivery fee"), "delivery_fee", MAX_TERMS)
    minimum = _money(data.min_order_value, _("The minimum order"), "min_order_value", MAX_TERMS)
    bid, created = Bid.objects.get_or_create(
        tender=tender, supplier=supplier, defaults={"first_submitted_at": now}
    )
    bid = Bid.objects.select_for_update(no_key=True).get(pk=bid.pk)
    bid.revisions_count += 1
    bid.status, bid.last_changed_at = Bid.Status.SUBMITTED, now
    bid.save(update_fields=["revisions_count", "status", "last_changed_at"])
    revision = BidRevision.objects.create(
        bid=bid, number=bid.revisions_count, submitted_at=now, submitted_by=actor,
        delivery_fee=fee, min_order_value=minimum, valid_until=data.valid_until,
        criteria=criteria, note=data.note.strip()[:2000],
    )  # fmt: skip
    BidLine.objects.bulk_create(
        BidLine(
            revision=revision,
            item=line.item,
            unit_price=line.unit_price,
            capacity=line.capacity,
            tiers=line.tiers,
        )
        for line in lines
    )
    audit_record(
        action="tender.bid_submitted" if created else "tender.bid_revised",
        summary=_("%(user)s sent a bid for %(supplier)s to %(title)s")
        % {"user": actor.name, "supplier": supplier.name, "title": tender.title},
        actor=actor,
        group=tender.group if tender.group_id else None,
        data={"tender": tender.pk, "bid": bid.pk, "revision": revision.number},
    )
    return revision


@transaction.atomic
def bid_withdraw(
    *, tender: Tender, supplier: Supplier, actor: User, now: datetime | None = None
) -> Bid:
    """Withdraw the bid before the deadline: a revision without lines records it."""
    now = now or timezone.now()
    require_invited(tender=tender, supplier=supplier, user=actor)
    tender = _lock(tender)
    if tender.status != Tender.Status.PUBLISHED or now >= tender.deadline:
        raise BidError(_("The deadline for bids has passed: bids are closed."), field="deadline")
    bid = (
        Bid.objects.select_for_update(no_key=True).filter(tender=tender, supplier=supplier).first()
    )
    if bid is None or bid.status == Bid.Status.WITHDRAWN:
        raise BidError(_("There is no standing bid to withdraw."), field="bid")
    bid.revisions_count += 1
    bid.status, bid.last_changed_at = Bid.Status.WITHDRAWN, now
    bid.save(update_fields=["revisions_count", "status", "last_changed_at"])
    BidRevision.objects.create(
        bid=bid, number=bid.revisions_count, submitted_at=now, submitted_by=actor, withdrawn=True
    )
    audit_record(
        action="tender.bid_withdrawn",
        summary=_("%(user)s withdrew the bid of %(supplier)s for %(title)s")
        % {"user": actor.name, "supplier": supplier.name, "title": tender.title},
        actor=actor,
        group=tender.group if tender.group_id else None,
        data={"tender": tender.pk, "bid": bid.pk},
    )
    return bid
