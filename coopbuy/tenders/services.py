"""Every organiser's write to a tender: one use case, one transaction, one audit row.

A tender is built as a draft (items by hand or from pooled demand, see `demand.py`), published
to its invited suppliers, and after the deadline awarded by the tender contract
(`coopbuy.core.tender.award`); the organisers then confirm it (`confirmation.py`) or record why
not. Locks: the federation or group first, then the tender (ADR 0005).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.core.errors import ProblemError
from coopbuy.core.tender import award, tender_result_to_json
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import Federation, FederationRole
from coopbuy.federations.permissions import require_federation_role
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import require_coordinator
from coopbuy.tenders import adapters, emails, selectors
from coopbuy.tenders.models import CONTRACT_MAX_WEIGHT_SUM, Tender, TenderInvitation, TenderItem
from coopbuy.tenders.permissions import require_organiser

MAX_QUANTITY = 10_000_000
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class TenderError(UserFacingError):
    pass


@dataclass(frozen=True, slots=True)
class TenderFields:
    title: str
    deadline: datetime
    description: str = ""
    delivery_points: str = ""
    delivery_from: date | None = None
    delivery_until: date | None = None
    split: str = Tender.Split.ITEM
    criteria: dict[str, str] | None = None
    max_weight_sum: Decimal = CONTRACT_MAX_WEIGHT_SUM


def _audit_group(tender: Tender) -> BuyingGroup | None:
    return tender.group if tender.group_id else None


def locked_tender(tender: Tender, *, actor: User) -> Tender:
    """The tender's row, locked, after its owner's (the federation or the group) and after the
    organiser's own role, which stays locked until the service commits: a role ended or taken
    away meanwhile is seen, or waits (docs/adr/0005: owner, its roles or memberships, then the
    tender). `require_organiser` has refused anyone else before."""
    if tender.federation_id is not None:
        federation = Federation.objects.select_for_update(no_key=True).get(pk=tender.federation_id)
        require_federation_role(
            federation=federation, user=actor, roles=(FederationRole.Role.COORDINATOR,)
        )
    elif tender.group_id is not None:
        group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=tender.group_id)
        require_coordinator(group=group, user=actor)
    return (
        Tender.objects.select_for_update(no_key=True, of=("self",))
        .select_related("federation", "group")
        .get(pk=tender.pk)
    )


def parse_criteria(raw: dict[str, Any], maximum: Decimal) -> dict[str, str]:
    """Criterion names → weights as exact decimal strings in [0, 1]; their sum at most `maximum`."""
    if not Decimal(0) <= maximum <= CONTRACT_MAX_WEIGHT_SUM:
        raise TenderError(
            _("The published maximum of the weights is between 0 and 0.5."),
            field="max_weight_sum",
        )
    weights: dict[str, str] = {}
    total = Decimal(0)
    for name, value in raw.items():
        key = slugify(str(name))[:40]
        if not key:
            raise TenderError(_("Name each criterion with letters or digits."), field="criteria")
        try:
            weight = Decimal(str(value).strip())
        except InvalidOperation:
            weight = Decimal(-1)
        if isinstance(value, float) or not weight.is_finite() or not 0 <= weight <= 1:
            raise TenderError(
                _("The weight of “%(name)s” must be a decimal between 0 and 1, such as 0.10.")
                % {"name": key},
                field="criteria",
            )
        exponent = weight.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            raise TenderError(
                _("The weight of “%(name)s” has more than 4 decimals.") % {"name": key},
                field="criteria",
            )
        weights[key] = format(weight.normalize(), "f")
        total += weight
    if total > maximum:
        raise TenderError(
            _("The weights add up to %(sum)s, over the published maximum of %(max)s.")
            % {"sum": format(total.normalize(), "f"), "max": format(maximum.normalize(), "f")},
            field="criteria",
        )
    return weights


def _apply(tender: Tender, fields: TenderFields) -> None:
    title = fields.title.strip()
    if not title:
        raise TenderError(_("Give the tender a title."), field="title")
    if fields.split not in Tender.Split.values:
        raise TenderError(_("Choose how the award may be split."), field="split")
    if fields.deadline <= timezone.now():
        raise TenderError(_("The deadline for bids must be in the future."), field="deadline")
    if (
        fields.delivery_from
        and fields.delivery_until
        and fields.delivery_until < fields.delivery_from
    ):
        raise TenderError(_("The last delivery is before the first."), field="delivery_until")
    tender.criteria = parse_criteria(fields.criteria or {}, fields.max_weight_sum)
    tender.max_weight_sum = fields.max_weight_sum
    tender.title, tender.description = title[:160], fields.description.strip()
    tender.delivery_points = fields.delivery_points.strip()
    tender.delivery_from, tender.delivery_until = fields.delivery_from, fields.delivery_until
    tender.split, tender.deadline = fields.split, fields.deadline


@transaction.atomic
def tender_create(
    *,
    actor: User,
    fields: TenderFields,
    federation: Federation | None = None,
    group: BuyingGroup | None = None,
) -> Tender:
    """A draft tender for a federation (its coordinators) or a group (its coordinators)."""
    if (federation is None) == (group is None):
        raise TenderError(_("A tender belongs to one federation or one group."), field="owner")
    if federation is not None:
        require_federation_role(
            federation=federation, user=actor, roles=(FederationRole.Role.COORDINATOR,)
        )
    else:
        assert group is not None
        require_coordinator(group=group, user=actor)
    tender = Tender(federation=federation, group=group, created_by=actor, deadline=fields.deadline)
    _apply(tender, fields)
    tender.save()
    audit_record(
        action="tender.created",
        summary=_("%(user)s drafted the tender %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=group,
        data={"tender": tender.pk},
    )
    return tender


def require_draft(tender: Tender) -> None:
    if tender.status != Tender.Status.DRAFT:
        raise TenderError(_("Only a draft tender can be changed."), field="status")


@transaction.atomic
def tender_update(*, tender: Tender, actor: User, fields: TenderFields) -> Tender:
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    require_draft(tender)
    _apply(tender, fields)
    tender.save()
    audit_record(
        action="tender.updated",
        summary=_("%(user)s changed the tender %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk},
    )
    return tender


@dataclass(frozen=True, slots=True)
class ItemInput:
    code: str
    name: str
    quantity: int
    unit: str = ""
    case_size: int = 1
    lot: str = ""
    category: str = ""
    specification: str = ""
    # What pooled demand made of `quantity` (`demand.pooled_demand`); None: entered by hand.
    from_rounds: int | None = None
    from_interest: int | None = None


def check_item(data: ItemInput) -> ItemInput:
    code = data.code.strip()
    if not CODE.fullmatch(code):
        raise TenderError(
            _("Give the item a code (its SKU) of letters, digits, dots, dashes or underscores."),
            field="code",
        )
    if not data.name.strip():
        raise TenderError(_("Name the item or describe its specification."), field="name")
    if not 0 <= int(data.quantity) <= MAX_QUANTITY:
        raise TenderError(_("The expected quantity is a whole number of units."), field="quantity")
    if int(data.case_size) < 1:
        raise TenderError(_("A case holds at least one unit."), field="case_size")
    return ItemInput(
        code, data.name.strip()[:200], int(data.quantity), data.unit.strip()[:80],
        int(data.case_size), slugify(data.lot)[:64], data.category.strip()[:80],
        data.specification.strip(), data.from_rounds, data.from_interest,
    )  # fmt: skip


def save_items(tender: Tender, items: list[ItemInput]) -> list[TenderItem]:
    """Create or update items by code (inside a caller's transaction, tender locked). An item
    edited by hand keeps what pooled demand made of it, for the organiser to compare."""
    saved = []
    for data in items:
        fields: dict[str, Any] = {
            "name": data.name, "quantity": data.quantity, "unit": data.unit,
            "case_size": data.case_size, "lot": data.lot, "category": data.category,
            "specification": data.specification,
        }  # fmt: skip
        if data.from_rounds is not None or data.from_interest is not None:
            fields |= {"from_rounds": data.from_rounds, "from_interest": data.from_interest}
        item, _created = TenderItem.objects.update_or_create(
            tender=tender, code=data.code, defaults=fields
        )
        saved.append(item)
    return saved


@transaction.atomic
def tender_item_save(*, tender: Tender, actor: User, item: ItemInput) -> TenderItem:
    """Add an item to a draft, or change the item with this code."""
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    require_draft(tender)
    (saved,) = save_items(tender, [check_item(item)])
    audit_record(
        action="tender.item_saved",
        summary=_("%(user)s set %(item)s in the tender %(title)s")
        % {"user": actor.name, "item": saved.name, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk, "item": saved.code, "quantity": saved.quantity},
    )
    return saved


@transaction.atomic
def tender_item_delete(*, tender: Tender, actor: User, code: str) -> None:
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    require_draft(tender)
    deleted, _rows = TenderItem.objects.filter(tender=tender, code=code).delete()
    if not deleted:
        raise TenderError(_("The tender has no item %(code)s.") % {"code": code}, field="code")
    audit_record(
        action="tender.item_deleted",
        summary=_("%(user)s removed %(code)s from the tender %(title)s")
        % {"user": actor.name, "code": code, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk, "item": code},
    )


@transaction.atomic
def tender_invite(*, tender: Tender, actor: User, supplier: Supplier) -> TenderInvitation:
    """Invite a supplier with at least one supplier user (someone must be able to bid)."""
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    if tender.status not in (Tender.Status.DRAFT, Tender.Status.PUBLISHED):
        raise TenderError(_("Bidding is over: nobody can be invited now."), field="supplier")
    if not supplier.users.filter(ended_at__isnull=True).exists():
        raise TenderError(
            _("%(name)s has nobody who can bid for it: invite a supplier user first.")
            % {"name": supplier.name},
            field="supplier",
        )
    invitation, created = TenderInvitation.objects.get_or_create(
        tender=tender, supplier=supplier, defaults={"invited_by": actor}
    )
    if created and tender.status == Tender.Status.PUBLISHED:
        emails.invited_to_bid(tender, [invitation])
    if created:
        audit_record(
            action="tender.supplier_invited",
            summary=_("%(user)s invited %(supplier)s to bid for %(title)s")
            % {"user": actor.name, "supplier": supplier.name, "title": tender.title},
            actor=actor,
            group=_audit_group(tender),
            data={"tender": tender.pk, "supplier": supplier.pk},
        )
    return invitation


@transaction.atomic
def tender_publish(*, tender: Tender, actor: User) -> Tender:
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    require_draft(tender)
    if not tender.items.filter(quantity__gt=0).exists():
        raise TenderError(_("Add at least one item with a quantity first."), field="items")
    if not tender.invitations.exists():
        raise TenderError(_("Invite at least one supplier first."), field="supplier")
    if tender.deadline <= timezone.now():
        raise TenderError(_("The deadline has passed: move it first."), field="deadline")
    tender.status, tender.published_at = Tender.Status.PUBLISHED, timezone.now()
    tender.save(update_fields=["status", "published_at"])
    told = emails.invited_to_bid(tender, tender.invitations.all())
    audit_record(
        action="tender.published",
        summary=_("%(user)s published the tender %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk, "suppliers_told": told},
    )
    return tender


@transaction.atomic
def tender_award(*, tender: Tender, actor: User, now: datetime | None = None) -> Tender:
    """Open the bids (after the deadline only) and award by the contract; publish the result."""
    require_organiser(tender=tender, user=actor)
    now = now or timezone.now()
    tender = locked_tender(tender, actor=actor)
    if tender.status not in (Tender.Status.PUBLISHED, Tender.Status.CLOSED):
        raise TenderError(_("Only a published tender can be awarded, once."), field="status")
    opened = selectors.bids_for_award(tender, now)
    if not opened:
        raise TenderError(_("No bid stands: there is nothing to award."), field="bids")
    try:
        problem = adapters.problem_for_tender(tender, opened)
    except ProblemError as error:  # the bids were checked on entry: this is a slip, say where
        raise TenderError(
            _("The bids cannot be awarded: %(error)s") % {"error": str(error)}, field="bids"
        ) from error
    result = award(problem)
    tender.problem = adapters.problem_json(tender, opened)
    tender.result = tender_result_to_json(result)
    tender.status, tender.awarded_at, tender.awarded_by = Tender.Status.AWARDED, now, actor
    tender.save(update_fields=["problem", "result", "status", "awarded_at", "awarded_by"])
    audit_record(
        action="tender.awarded",
        summary=_("%(user)s awarded the tender %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk, "cost": tender.result["totals"]["cost"]},
    )
    return tender


@transaction.atomic
def tender_not_confirm(*, tender: Tender, actor: User, reason: str) -> Tender:
    """The organisers do not confirm the award: the reason is recorded and published."""
    require_organiser(tender=tender, user=actor)
    tender = locked_tender(tender, actor=actor)
    if tender.status != Tender.Status.AWARDED:
        raise TenderError(_("Only an awarded tender can be confirmed or not."), field="status")
    reason = reason.strip()
    if not reason:
        raise TenderError(_("Say why the award is not confirmed."), field="reason")
    tender.status, tender.not_confirmed_reason = Tender.Status.NOT_CONFIRMED, reason[:2000]
    tender.decided_at, tender.decided_by = timezone.now(), actor
    tender.save(update_fields=["status", "not_confirmed_reason", "decided_at", "decided_by"])
    audit_record(
        action="tender.not_confirmed",
        summary=_("%(user)s did not confirm the award of %(title)s")
        % {"user": actor.name, "title": tender.title},
        actor=actor,
        group=_audit_group(tender),
        data={"tender": tender.pk, "reason": reason[:300]},
    )
    return tender
