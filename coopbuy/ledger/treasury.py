"""The treasurer's bookings: top-ups, refunds, adjustments, reversals, and the group's money rules.

Each is one use case in one transaction: it checks the actor runs the group's money, posts through
`services.post` (keyed, so a retried form returns the first transaction) and records an audit
event when it posted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.models import Account, LedgerSettings, StatementLine, Transaction
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import (
    InsufficientFunds,
    KeyReused,
    LedgerError,
    exact_amount,
    member_account,
    post,
    settings_for,
    system_account,
)
from coopbuy.ledger.sources import MANUAL, Source

Kind = Account.Kind
TxKind = Transaction.Kind


def _member_and_money(membership: Membership, method: str, actor: User) -> tuple[Account, Account]:
    require_money_role(group=membership.group, user=actor)
    if method not in (Kind.BANK, Kind.CASH):
        raise LedgerError(_("Choose bank transfer or cash."), field="method")
    return member_account(membership), system_account(membership.group, method)


def _positive(amount: Decimal) -> Decimal:
    amount = exact_amount(amount)
    if amount <= 0:
        raise LedgerError(_("The amount must be more than zero."), field="amount")
    return amount


@transaction.atomic
def ledger_top_up(
    *,
    membership: Membership,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reference: str = "",
    booked_on: date | None = None,
    source: Source = MANUAL,
) -> Transaction:
    """Money in from a member, by bank transfer or cash: the member's balance goes up.

    `source`: a bank statement line when the top-up is booked from one; by hand otherwise.
    """
    amount = _positive(amount)
    account, money = _member_and_money(membership, method, actor)
    posted, created = post(
        group=membership.group,
        kind=TxKind.TOP_UP,
        description=_("Top-up by %(method)s") % {"method": Kind(method).label.lower()},
        legs=[(account, amount), (money, -amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=source,
        booked_on=booked_on,
        external_reference=reference,
    )
    if created:
        audit_record(
            action="ledger.top_up",
            summary=_("%(actor)s recorded a top-up of %(amount)s for %(member)s")
            % {"actor": actor.name, "amount": amount, "member": account.name},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount), "method": method},
        )
    return posted


@transaction.atomic
def ledger_refund(
    *,
    membership: Membership,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reason: str = "",
) -> Transaction:
    """Money back to a member; never more than their credit balance."""
    amount = _positive(amount)
    account, money = _member_and_money(membership, method, actor)

    def enough(locked: dict[int, Account]) -> None:
        if locked[account.pk].balance < amount:
            raise InsufficientFunds(
                _("%(member)s has only %(balance)s in credit to refund.")
                % {"member": account.name, "balance": locked[account.pk].balance},
                field="amount",
            )

    posted, created = post(
        group=membership.group,
        kind=TxKind.REFUND,
        description=(_("Refund: %(reason)s") % {"reason": reason}) if reason else _("Refund"),
        legs=[(account, -amount), (money, amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        check=enough,
    )
    if created:
        audit_record(
            action="ledger.refund",
            summary=_("%(actor)s refunded %(amount)s to %(member)s")
            % {"actor": actor.name, "amount": amount, "member": account.name},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount)},
        )
    return posted


@transaction.atomic
def ledger_adjust(
    *, membership: Membership, amount: Decimal, reason: str, actor: User, idempotency_key: str
) -> Transaction:
    """A manual correction with a reason: positive credits the member, negative charges them."""
    require_money_role(group=membership.group, user=actor)
    amount = exact_amount(amount)
    if amount == 0:
        raise LedgerError(_("The amount must not be zero."), field="amount")
    if not reason.strip():
        raise LedgerError(_("Say why: the member will see it."), field="reason")
    account = member_account(membership)
    posted, created = post(
        group=membership.group,
        kind=TxKind.ADJUSTMENT,
        description=_("Adjustment: %(reason)s") % {"reason": reason.strip()},
        legs=[(account, amount), (system_account(membership.group, Kind.ADJUSTMENTS), -amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
    )
    if created:
        audit_record(
            action="ledger.adjustment",
            summary=_("%(actor)s adjusted %(member)s's balance by %(amount)s: %(reason)s")
            % {"actor": actor.name, "member": account.name, "amount": amount, "reason": reason},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount)},
        )
    return posted


@transaction.atomic
def ledger_reverse(
    *, original: Transaction, actor: User, idempotency_key: str, reason: str = ""
) -> Transaction:
    """Undo a transaction by posting its exact mirror; a transaction is reversed at most once.

    Under a prepayment rule a reversal may not push a member beyond their credit (undoing a top-up
    they have already spent): the treasurer records an adjustment with a reason instead.
    """
    group = original.group
    if group is None:
        raise LedgerError(_("Only a buying group's transactions can be reversed here yet."))
    require_money_role(group=group, user=actor)
    if original.kind == TxKind.REVERSAL:
        raise LedgerError(_("A reversal cannot itself be reversed: record a new transaction."))
    existing = Transaction.objects.filter(group=group, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reverses_id != original.pk:
            raise KeyReused(
                _(
                    "This form (or request key) was already used for transaction #%(pk)s. "
                    "Nothing was recorded: start again from a fresh form."
                )
                % {"pk": existing.pk}
            )
        return existing
    if Transaction.objects.filter(reverses=original).exists():
        raise LedgerError(_("This transaction has already been reversed."))
    # A bank line booked by this transaction is locked before the accounts (docs/adr/0005).
    list(StatementLine.objects.select_for_update(no_key=True).filter(transaction=original))
    entries = list(original.entries.select_related("account"))
    legs = [(e.account, -e.amount) for e in entries]
    description = _("Reversal of #%(pk)s: %(what)s") % {
        "pk": original.pk,
        "what": original.description,
    }
    if reason.strip():
        description += f" ({reason.strip()})"
    try:
        posted, created = post(
            group=group,
            kind=TxKind.REVERSAL,
            description=description,
            legs=legs,
            actor=actor,
            idempotency_key=idempotency_key,
            round_reference=original.round_reference,
            source=Source(original.source_kind, original.source_id),
            reverses=original,
            enforce_credit=True,
        )
    except InsufficientFunds as refused:  # a reversal names no amount: the ledger's state refuses
        raise InsufficientFunds(
            _("%(why)s Record an adjustment with a reason instead.") % {"why": refused.message}
        ) from refused
    if created:
        # A top-up booked from a bank line: the line waits for review again, no member chosen
        # (the booking was a mistake), so it can be booked anew.
        StatementLine.objects.filter(transaction=original).update(
            status=StatementLine.Status.UNMATCHED, account=None, transaction=None
        )
        audit_record(
            action="ledger.reversal",
            summary=_("%(actor)s reversed transaction #%(pk)s")
            % {"actor": actor.name, "pk": original.pk},
            actor=actor,
            group=group,
            data={"transaction": posted.pk, "reverses": original.pk, "reason": reason},
        )
    return posted


@transaction.atomic
def ledger_settings_update(
    *,
    group: BuyingGroup,
    actor: User,
    prepayment_required: bool,
    credit_limit: Decimal,
    invoice_prefix: str,
) -> LedgerSettings:
    """Change the group's ordering rule and invoice prefix."""
    require_money_role(group=group, user=actor)
    credit_limit = exact_amount(credit_limit, "credit_limit")
    if credit_limit < 0:
        raise LedgerError(_("The credit limit cannot be negative."), field="credit_limit")
    prefix = invoice_prefix.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,12}", prefix):
        raise LedgerError(_("Use 1 to 12 letters or digits, e.g. HEB."), field="invoice_prefix")
    settings = LedgerSettings.objects.select_for_update(no_key=True).get(pk=settings_for(group).pk)
    before = (settings.prepayment_required, settings.credit_limit, settings.invoice_prefix)
    settings.prepayment_required = prepayment_required
    settings.credit_limit = credit_limit
    settings.invoice_prefix = prefix
    settings.save()
    audit_record(
        action="ledger.settings_updated",
        summary=_("%(actor)s changed the money rules") % {"actor": actor.name},
        actor=actor,
        group=group,
        data={
            "before": [before[0], str(before[1]), before[2]],
            "after": [prepayment_required, str(credit_limit), prefix],
        },
    )
    return settings
