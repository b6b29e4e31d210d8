"""Team deals' money: the sale into the organisation's book, and buyers' payments to it.

The buyer's place is held (a `ledger.holds` hold) on their account in the organisation's customers'
group; at success the campaign charges every member one posting in that group's book (members
debited, the group's payable to the organisation as its supplier credited). Then, in the same
transaction (`COOPBUY_CAMPAIGN_SETTLE_STEPS`), `team_sale_step` posts the sale into the
organisation's own book, as one `Transfer` from the customers' group's book:

    group's book          payable to the organisation (supplier)   debit  total
                          owed to the organisation (between)       credit total
    organisation's book   owed by the customers' group (between)   debit  total
                          team-deal sales (income)                 credit total

So the organisation's book says what its customers owe it (its `between` account, negative), and
the group's payable to it is zero. When a buyer pays (by bank transfer or cash, before or after
their team succeeds), an admin records it (`buyer_payment_record`), again one `Transfer`:

    group's book          the buyer's member account               credit amount
                          owed to the organisation (between)       debit  amount
    organisation's book   bank (or cash box)                       debit  amount
                          owed by the customers' group (between)   credit amount

The customers' group's book has only the buyers' accounts, the payable and the `between`
account, so what the organisation is still owed always equals minus the sum of the buyers'
balances (tested). A payment is never edited: `buyer_payment_reverse` posts both postings'
exact counter-postings.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.campaigns.models import Campaign
from coopbuy.groups.models import Membership
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import book_of, member_account, post, supplier_account
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.transfers import between_account, transfer_open
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.permissions import require_admin
from coopbuy.subsidies.books import organisation_account, organisation_book
from coopbuy.teamdeals.errors import DealError
from coopbuy.teamdeals.models import BuyerPayment, DealSetup, Team, TeamSale

Kind = Account.Kind
TxKind = Transaction.Kind
OWNER = "teamdeals"  # as `services.OWNER` (the campaigns that are teams)
MAX_PAYMENT = Decimal("99999.99")
METHODS = {"bank": Kind.BANK, "cash": Kind.CASH}


def team_sale_step(*, campaign: Campaign, charge: Transaction | None) -> None:
    """The campaigns' settle step: a team that succeeded posts its sale (other campaigns: no)."""
    if campaign.owner != OWNER or charge is None:
        return
    team = Team.objects.filter(campaign=campaign).select_related("deal__organisation").first()
    if team is not None:
        team_sale_post(team=team, charge=charge)


@transaction.atomic
def team_sale_post(*, team: Team, charge: Transaction) -> TeamSale:
    """Post the sale the team's charge made into the organisation's book; once per team."""
    known = TeamSale.objects.filter(team=team).first()
    if known is not None:
        return known
    organisation = team.deal.organisation
    setup = DealSetup.objects.select_related("group", "supplier").get(organisation=organisation)
    members = [e for e in charge.entries.select_related("account") if e.account.kind == Kind.MEMBER]
    amount = -sum((e.amount for e in members), Decimal("0.00"))
    book = organisation_book(organisation)
    group_book = book_of(setup.group)
    what = _("%(title)s, a team of %(n)d") % {"title": team.deal.title, "n": len(members)}
    transfer = transfer_open(from_book=group_book, to_book=book, amount=amount, description=what)
    source = Source(SourceKind.TRANSFER, transfer.pk)
    key = system_key(f"team-{team.pk}-sale")
    into_group, _created = post(
        group=setup.group,
        kind=TxKind.TRANSFER,
        description=(_("Sale by %(org)s: %(what)s") % {"org": organisation.name, "what": what}),
        legs=[
            (supplier_account(setup.group, setup.supplier), -amount),
            (between_account(group_book, book), amount),
        ],
        actor=None,
        idempotency_key=key,
        source=source,
    )
    into_organisation, _created = post(
        group=None,
        book=book,
        kind=TxKind.TRANSFER,
        description=_("Team-deal sale: %(what)s") % {"what": what},
        legs=[
            (between_account(book, group_book), -amount),
            (organisation_account(book, Kind.FEES), amount),
        ],
        actor=None,
        idempotency_key=key,
        source=source,
    )
    sale = TeamSale.objects.create(
        team=team,
        amount=amount,
        buyers=len(members),
        transfer=transfer,
        group_posting=into_group,
        organisation_posting=into_organisation,
    )
    audit_record(
        action="teamdeals.team_sold",
        summary=_("A team for %(title)s sold %(amount)s") % {"title": team.deal.title,
                                                             "amount": amount},
        actor=None,
        data={"organisation": organisation.pk, "team": team.pk, "amount": str(amount)},
    )  # fmt: skip
    return sale


def buyer_of(*, organisation: Organisation, membership_id: int) -> Membership:
    """A buyer of the organisation's team deals (a member, now or before, of its customers'
    group); any other is refused naming the field."""
    membership = (
        Membership.objects.filter(pk=membership_id, group__deal_setup__organisation=organisation)
        .select_related("user", "group")
        .first()
    )
    if membership is None:
        raise DealError(_("Choose one of your team deals' buyers."), field="buyer")
    return membership


def _amount(value: Decimal) -> Decimal:
    if value.is_nan() or value <= 0 or value > MAX_PAYMENT:
        raise DealError(_("Give an amount above 0 and at most 99,999.99."), field="amount")
    if value != value.quantize(Decimal("0.01")):
        raise DealError(
            _("Give the amount in pounds and pence (2 decimal places)."), field="amount"
        )
    return value


def _key(idempotency_key: str) -> str:
    key = idempotency_key.strip()
    if not key:
        raise DealError(_("This request has no idempotency key; reload the page and try again."))
    return key if len(key) <= 70 else hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def buyer_payment_record(
    *,
    organisation: Organisation,
    actor: User,
    membership: Membership,
    amount: Decimal,
    method: str,
    idempotency_key: str,
    reference: str = "",
) -> BuyerPayment:
    """An admin records what a buyer paid the organisation. The same key again: the first one."""
    require_admin(organisation=organisation, user=actor)
    setup = DealSetup.objects.filter(organisation=organisation).select_related("group").first()
    if setup is None or membership.group_id != setup.group_id:
        raise DealError(_("Choose one of your team deals' buyers."), field="buyer")
    amount = _amount(amount)
    if method not in METHODS:
        raise DealError(_("Say whether it was paid by bank transfer or in cash."), field="method")
    reference = reference.strip()
    if len(reference) > 120:
        raise DealError(_("Keep the reference to 120 characters."), field="reference")
    key = _key(idempotency_key)
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
    known = BuyerPayment.objects.filter(organisation=organisation, key=key).first()
    if known is not None:
        if (known.membership_id, known.amount, known.method) != (membership.pk, amount, method):
            raise DealError(_("This payment was already recorded with other details."))
        return known
    book = organisation_book(organisation)
    group_book = book_of(setup.group)
    buyer = membership.user
    what = _("Payment from %(buyer)s") % {"buyer": buyer.name}
    transfer = transfer_open(
        from_book=group_book, to_book=book, amount=amount, description=what,
        actor=actor,
    )  # fmt: skip
    source = Source(SourceKind.TRANSFER, transfer.pk)
    ledger_key = system_key(f"team-deals-payment-{transfer.pk}")
    into_group, _created = post(
        group=setup.group,
        kind=TxKind.TRANSFER,
        description=_("Paid to %(org)s") % {"org": organisation.name},
        legs=[(member_account(membership), amount), (between_account(group_book, book), -amount)],
        actor=actor,
        idempotency_key=ledger_key,
        source=source,
        external_reference=reference,
    )
    into_organisation, _created = post(
        group=None,
        book=book,
        kind=TxKind.TRANSFER,
        description=what,
        legs=[
            (organisation_account(book, METHODS[method]), -amount),
            (between_account(book, group_book), amount),
        ],
        actor=actor,
        idempotency_key=ledger_key,
        source=source,
        external_reference=reference,
    )
    payment = BuyerPayment.objects.create(
        organisation=organisation,
        membership=membership,
        amount=amount,
        method=method,
        reference=reference,
        key=key,
        transfer=transfer,
        group_posting=into_group,
        organisation_posting=into_organisation,
        created_by=actor,
    )
    audit_record(
        action="teamdeals.payment_recorded",
        summary=_("%(actor)s recorded %(amount)s paid by a buyer of %(org)s")
        % {"actor": actor.name, "amount": amount, "org": organisation.name},
        actor=actor,
        data={"organisation": organisation.pk, "payment": payment.pk, "amount": str(amount)},
    )
    return payment


@transaction.atomic
def buyer_payment_reverse(*, payment: BuyerPayment, actor: User, reason: str = "") -> BuyerPayment:
    """Undo a recorded payment (a mistake, a bounced transfer): both postings counter-posted."""
    require_admin(organisation=payment.organisation, user=actor)
    reason = reason.strip()
    if len(reason) > 200:
        raise DealError(_("Keep the reason to 200 characters."), field="reason")
    payment = BuyerPayment.objects.select_for_update(no_key=True).get(pk=payment.pk)
    if payment.reversed_at is not None:
        raise DealError(_("This payment has already been undone."))
    note = f" ({reason})" if reason else ""
    for original in (payment.group_posting, payment.organisation_posting):
        entries = list(original.entries.select_related("account"))
        post(
            group=original.group,
            book=original.book,
            kind=TxKind.REVERSAL,
            description=(
                _("Reversal of #%(pk)s: %(what)s") % {"pk": original.pk,
                                                       "what": original.description} + note
            )[:300],
            legs=[(e.account, -e.amount) for e in entries],
            actor=actor,
            idempotency_key=system_key(f"team-deals-payment-{payment.transfer_id}-reversal"),
            source=Source(original.source_kind, original.source_id),
            reverses=original,
        )  # fmt: skip
    payment.reversed_at = timezone.now()
    payment.reversed_by = actor
    payment.reversal_reason = reason
    payment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    audit_record(
        action="teamdeals.payment_undone",
        summary=_("%(actor)s undid a payment of %(amount)s to %(org)s")
        % {"actor": actor.name, "amount": payment.amount, "org": payment.organisation.name},
        actor=actor,
        data={"organisation": payment.organisation_id, "payment": payment.pk, "reason": reason},
    )
    return payment
