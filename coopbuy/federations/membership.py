"""A group's place in a federation: it applies, the federation's coordinators answer, it sets its
markup on pooled orders, and it leaves (only with its money between the books settled).

Each use case is one transaction and one audit row; each locks the federation's row first, then
the group's row in it (ADR 0005).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.federations import emails, selectors
from coopbuy.federations.leaving import leave_refusals
from coopbuy.federations.models import Federation, FederationGroup
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.permissions import Role, require_federation_role, roles_of
from coopbuy.federations.selectors import SupplierClash
from coopbuy.federations.services import FederationError, lock_federation
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import can_manage, membership_of, require_coordinator
from coopbuy.ledger.selectors import format_money

Status = FederationGroup.Status
MAX_MARKUP = Decimal("1")


def _clash_message(clash: SupplierClash) -> str:
    return _(
        "%(group)s is in %(other)s, which also shares the supplier %(supplier)s: a group pools "
        "with one federation per supplier."
    ) % {"group": clash.group.name, "other": clash.other.name, "supplier": clash.supplier_name}


def _refuse_clashes(federation: Federation, group: BuyingGroup) -> None:
    clashes = selectors.supplier_clashes(
        groups=[group], suppliers=selectors.suppliers_shared_now(federation), federation=federation
    )
    if clashes:
        raise FederationError(_clash_message(clashes[0]), field="federation")


def _locked_row(row_id: int, federation: Federation) -> FederationGroup | None:
    return (
        FederationGroup.objects.select_for_update(no_key=True, of=("self",))
        .select_related("group")
        .filter(pk=row_id, federation=federation)
        .first()
    )


@transaction.atomic
def federation_apply(
    *, federation: Federation, group: BuyingGroup, actor: User, message: str = ""
) -> FederationGroup:
    """A coordinator of `group` asks for it to join the federation, with a message."""
    require_coordinator(group=group, user=actor)
    message = message.strip()
    if len(message) > 2000:
        raise FederationError(_("Keep the message to 2000 characters or fewer."), field="message")
    federation = lock_federation(federation)
    current = selectors.current_row(federation=federation, group=group)
    if current is not None:
        already = (
            _("%(group)s has already applied to %(name)s; wait for its coordinators' answer.")
            if current.status == Status.APPLIED
            else _("%(group)s is already a member of %(name)s.")
        )
        raise FederationError(
            already % {"group": group.name, "name": federation.name}, field="federation"
        )
    _refuse_clashes(federation, group)
    try:
        with transaction.atomic():
            row = FederationGroup.objects.create(
                federation=federation, group=group, status=Status.APPLIED, message=message,
                applied_by=actor,
            )  # fmt: skip
    except IntegrityError as error:  # applied by a concurrent request
        raise FederationError(
            _("%(group)s has already applied.") % {"group": group.name}, field="federation"
        ) from error
    audit_record(
        action="federation.applied",
        summary=_("%(actor)s asked for %(group)s to join %(name)s")
        % {"actor": actor.name, "group": group.name, "name": federation.name},
        actor=actor,
        group=group,
        data={"federation": federation.pk, "row": row.pk},
    )
    emails.application_received(row)
    return row


def _pending(application: FederationGroup, actor: User) -> tuple[Federation, FederationGroup]:
    federation = lock_federation(application.federation)
    require_federation_role(federation=federation, user=actor)  # after the federation's lock
    row = _locked_row(application.pk, federation)
    if row is None or row.status != Status.APPLIED:
        raise FederationError(_("This application has already been answered or withdrawn."))
    return federation, row


@transaction.atomic
def federation_application_approve(*, application: FederationGroup, actor: User) -> FederationGroup:
    """A federation coordinator lets the group in (checked again against shared suppliers)."""
    federation, row = _pending(application, actor)
    _refuse_clashes(federation, row.group)
    row.status, row.decided_at, row.decided_by = Status.MEMBER, timezone.now(), actor
    row.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        action="federation.approved",
        summary=_("%(actor)s welcomed %(group)s into %(name)s")
        % {"actor": actor.name, "group": row.group.name, "name": federation.name},
        actor=actor,
        group=row.group,
        data={"federation": federation.pk, "row": row.pk},
    )
    emails.application_answered(row)
    return row


@transaction.atomic
def federation_application_refuse(
    *, application: FederationGroup, actor: User, reason: str
) -> FederationGroup:
    """A federation coordinator says no, with a reason the group's coordinators will read."""
    reason = reason.strip()
    if not reason:
        raise FederationError(_("Say why, so the group knows what to change."), field="reason")
    if len(reason) > 500:
        raise FederationError(_("Keep the reason to 500 characters or fewer."), field="reason")
    federation, row = _pending(application, actor)
    row.status, row.decided_at, row.decided_by = Status.REFUSED, timezone.now(), actor
    row.refusal_reason = reason
    row.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
    audit_record(
        action="federation.refused",
        summary=_("%(actor)s refused %(group)s's application to %(name)s")
        % {"actor": actor.name, "group": row.group.name, "name": federation.name},
        actor=actor,
        group=row.group,
        data={"federation": federation.pk, "row": row.pk, "reason": reason},
    )
    emails.application_answered(row)
    return row


def _may_end(federation: Federation, group: BuyingGroup, actor: User) -> None:
    if can_manage(membership_of(group=group, user=actor)):
        return
    if Role.COORDINATOR in roles_of(federation=federation, user=actor):
        return
    raise PermissionDenied(
        _("Only the group's coordinators or the federation's coordinators can do this.")
    )


def _money_refusals(federation: Federation, group: BuyingGroup) -> list[str]:
    balance = selectors.between_balance(federation=federation, group=group)
    if balance == 0:
        return []
    return [
        _(
            "The money between %(group)s and %(name)s is not settled (%(amount)s on the "
            "federation's account for the group): settle it to zero first."
        )
        % {
            "group": group.name,
            "name": federation.name,
            "amount": format_money(balance, federation.book.currency),
        }
    ]


@transaction.atomic
def federation_leave(*, federation: Federation, group: BuyingGroup, actor: User) -> FederationGroup:
    """The group leaves (its coordinator), or a federation coordinator removes it; an application
    not yet answered is withdrawn. A member leaves only with the money between the books at zero
    and nothing refused by the areas above (`COOPBUY_FEDERATION_LEAVE_STEPS`)."""
    _may_end(federation, group, actor)
    federation = lock_federation(federation)
    current = selectors.current_row(federation=federation, group=group)
    row = None if current is None else _locked_row(current.pk, federation)
    if row is None or row.status not in selectors.CURRENT:
        raise FederationError(
            _("%(group)s is not in %(name)s.") % {"group": group.name, "name": federation.name}
        )
    was_member = row.status == Status.MEMBER
    if was_member:
        refusals = _money_refusals(federation, group) + leave_refusals(
            federation=federation, group=group
        )
        if refusals:
            raise FederationError(" ".join(refusals))
        ended = Shared.objects.filter(
            federation=federation, supplier__group=group, ended_at__isnull=True
        ).update(ended_at=timezone.now())
    else:
        ended = 0
    row.status, row.left_at, row.left_by = Status.LEFT, timezone.now(), actor
    row.save(update_fields=["status", "left_at", "left_by"])
    summary = (
        _("%(actor)s took %(group)s out of %(name)s")
        if was_member
        else _("%(actor)s withdrew %(group)s's application to %(name)s")
    )
    audit_record(
        action="federation.left" if was_member else "federation.withdrawn",
        summary=summary % {"actor": actor.name, "group": group.name, "name": federation.name},
        actor=actor,
        group=group,
        data={"federation": federation.pk, "row": row.pk, "suppliers_unshared": ended},
    )
    return row


def parse_markup(value: object) -> Decimal:
    """A markup as a fraction from 0 to 1 with at most 4 decimals (0.025 is 2.5 %)."""
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not Decimal("0") <= rate <= MAX_MARKUP:
        raise FederationError(
            _("Give a markup from 0 % to 100 % (as a fraction: 0 to 1, e.g. 0.05 for 5 %)."),
            field="markup_rate",
        )
    if rate != rate.quantize(Decimal("0.0001")):
        raise FederationError(
            _("Give the markup to at most two decimals of a percent (e.g. 2.25 %)."),
            field="markup_rate",
        )
    return rate.quantize(Decimal("0.0001"))


@transaction.atomic
def federation_markup_set(
    *, federation: Federation, group: BuyingGroup, actor: User, markup_rate: Decimal | str
) -> FederationGroup:
    """A coordinator of the group sets what it adds to pooled prices for its own members."""
    require_coordinator(group=group, user=actor)
    rate = parse_markup(markup_rate)
    federation = lock_federation(federation)
    current = selectors.current_row(federation=federation, group=group)
    row = None if current is None else _locked_row(current.pk, federation)
    if row is None or row.status not in selectors.CURRENT:
        raise FederationError(
            _("%(group)s is not in %(name)s.") % {"group": group.name, "name": federation.name}
        )
    before = row.markup_rate
    row.markup_rate = rate
    row.save(update_fields=["markup_rate"])
    audit_record(
        action="federation.markup_set",
        summary=_("%(actor)s set %(group)s's markup on %(name)s's pooled orders to %(rate)s %%")
        % {
            "actor": actor.name,
            "group": group.name,
            "name": federation.name,
            "rate": percent(rate),
        },
        actor=actor,
        group=group,
        data={"federation": federation.pk, "before": str(before), "after": str(rate)},
    )
    return row


def percent(rate: Decimal) -> str:
    """0.025 -> "2.5", 0.05 -> "5", 0 -> "0": a markup as people read it."""
    text = f"{(rate * 100).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
