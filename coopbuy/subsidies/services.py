"""The organisation's subsidy fund and its rules: every write is one use case with its audit row.

A top-up is money the organisation put in: in its own book, the bank is debited and the subsidy
fund credited. It is undone by its exact reversal, refused once the fund has paid that money out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.money import quantize, to_minor
from coopbuy.core.subsidy import RuleInvalid, rule_problem
from coopbuy.errors import UserFacingError
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import format_money
from coopbuy.ledger.services import post
from coopbuy.ledger.sources import MANUAL
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.subsidies.books import organisation_account, organisation_book
from coopbuy.subsidies.models import SubsidyRule
from coopbuy.subsidies.permissions import require_organisation_admin

Kind = Account.Kind
TxKind = Transaction.Kind
MAX_AMOUNT = Decimal("99999999.99")


class SubsidyError(UserFacingError):
    pass


def money_field(amount: Decimal, field: str) -> Decimal:
    """An amount in pounds and pence, or a `SubsidyError` naming the field."""
    if not amount.is_finite() or quantize(amount) != amount or abs(amount) > MAX_AMOUNT:
        raise SubsidyError(_("Give the amount in pounds and pence, e.g. 12.40."), field=field)
    return quantize(amount)


# The fund ----------------------------------------------------------------------------------------


@transaction.atomic
def fund_top_up(
    *,
    organisation: Organisation,
    amount: Decimal,
    actor: User,
    idempotency_key: str,
    reference: str = "",
    booked_on: date | None = None,
) -> Transaction:
    """Money the organisation put into its subsidy fund (bank -> fund, in its own book)."""
    require_organisation_admin(organisation=organisation, user=actor)
    amount = money_field(amount, "amount")
    if amount <= 0:
        raise SubsidyError(_("The amount must be more than zero."), field="amount")
    book = organisation_book(organisation)
    fund = organisation_account(book, Kind.SUBSIDIES)
    bank = organisation_account(book, Kind.BANK)
    posted, created = post(
        group=None,
        book=book,
        kind=TxKind.TOP_UP,
        description=_("Top-up of the subsidy fund"),
        legs=[(fund, amount), (bank, -amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        booked_on=booked_on,
        external_reference=reference.strip(),
    )
    if created:
        audit_record(
            action="subsidies.fund_top_up",
            summary=_("%(actor)s put %(amount)s into the subsidy fund of %(org)s")
            % {"actor": actor.name, "amount": amount, "org": organisation.name},
            actor=actor,
            data={"organisation": organisation.pk, "transaction": posted.pk, "amount": str(amount)},
        )
    return posted


def top_up_of(*, organisation: Organisation, transaction_id: int) -> Transaction | None:
    """A top-up of this organisation's fund (None: not one of its top-ups)."""
    if organisation.book_id is None:
        return None
    return Transaction.objects.filter(
        book_id=organisation.book_id, kind=TxKind.TOP_UP, pk=transaction_id
    ).first()


@transaction.atomic
def fund_top_up_undo(
    *, organisation: Organisation, top_up: Transaction, actor: User, reason: str = ""
) -> Transaction:
    """Undo a top-up by its exact reversal; refused when the fund has already paid it out."""
    require_organisation_admin(organisation=organisation, user=actor)
    if top_up.book_id != organisation.book_id or top_up.kind != TxKind.TOP_UP:
        raise SubsidyError(_("This is not a top-up of this organisation's fund."))
    if Transaction.objects.filter(reverses=top_up).exists():
        raise SubsidyError(_("This top-up has already been undone."))
    entries = list(top_up.entries.select_related("account"))
    fund_entry = next(e for e in entries if e.account.kind == Kind.SUBSIDIES)

    def still_there(locked: dict[int, Account]) -> None:
        if locked[fund_entry.account_id].balance < fund_entry.amount:
            raise SubsidyError(
                _("The fund holds only %(left)s: this top-up has been paid out already.")
                % {"left": locked[fund_entry.account_id].balance}
            )

    description = _("Reversal of #%(pk)s: %(what)s") % {
        "pk": top_up.pk,
        "what": top_up.description,
    }
    if reason.strip():
        description += f" ({reason.strip()})"
    reversal, created = post(
        group=None,
        book=organisation_book(organisation),
        kind=TxKind.REVERSAL,
        description=description,
        legs=[(e.account, -e.amount) for e in entries],
        actor=actor,
        idempotency_key=system_key(f"fund-top-up-{top_up.pk}-reversal"),
        source=MANUAL,
        reverses=top_up,
        check=still_there,
    )
    if created:
        audit_record(
            action="subsidies.fund_top_up_undone",
            summary=_("%(actor)s undid the top-up #%(pk)s of the subsidy fund of %(org)s")
            % {"actor": actor.name, "pk": top_up.pk, "org": organisation.name},
            actor=actor,
            data={
                "organisation": organisation.pk,
                "transaction": reversal.pk,
                "reverses": top_up.pk,
            },
        )
    return reversal


def fund_return(
    *,
    organisation: Organisation,
    amount: Decimal,
    actor: User,
    idempotency_key: str,
    reference: str = "",
) -> Transaction:
    """Take money left in the subsidy fund back to the organisation's bank (e.g. once its
    programme has ended): fund debited, bank credited, in its own book; at most what it holds."""
    require_organisation_admin(organisation=organisation, user=actor)
    amount = money_field(amount, "amount")
    if amount <= 0:
        raise SubsidyError(_("The amount must be more than zero."), field="amount")
    if len(reference.strip()) > 120:
        raise SubsidyError(_("Keep the reference to 120 characters."), field="reference")
    book = organisation_book(organisation)
    fund = organisation_account(book, Kind.SUBSIDIES)
    bank = organisation_account(book, Kind.BANK)

    def enough(locked: dict[int, Account]) -> None:
        left = locked[fund.pk].balance
        if left < amount:
            raise SubsidyError(
                _("The fund holds only %(left)s: return at most that.")
                % {"left": format_money(left, book.currency)},
                field="amount",
            )

    posted, created = post(
        group=None,
        book=book,
        kind=TxKind.ADJUSTMENT,
        description=_("Returned from the subsidy fund to the bank"),
        legs=[(fund, -amount), (bank, amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        external_reference=reference.strip(),
        check=enough,
    )
    if created:
        audit_record(
            action="subsidies.fund_returned",
            summary=_("%(actor)s returned %(amount)s from the subsidy fund of %(org)s")
            % {"actor": actor.name, "amount": amount, "org": organisation.name},
            actor=actor,
            data={"organisation": organisation.pk, "transaction": posted.pk},
        )
    return posted


# Rules -------------------------------------------------------------------------------------------


@transaction.atomic
def subsidy_rule_create(
    *,
    programme: Programme,
    actor: User,
    kind: str,
    percent: Decimal | None = None,
    monthly_cap: Decimal | None = None,
    when_dry: str = SubsidyRule.WhenDry.PARTIAL,
    active_from: date | None = None,
    covers: str = SubsidyRule.Covers.EMPLOYEES,
) -> SubsidyRule:
    """A new rule of the programme, applied to rounds closed from `active_from` (today)."""
    require_organisation_admin(organisation=programme.organisation, user=actor)
    if programme.ended_at is not None:
        raise SubsidyError(_("This programme has ended: its rules can no longer change."))
    if kind == SubsidyRule.Kind.DELIVERY:
        percent = None
    if percent is not None and (
        not percent.is_finite() or percent != percent.quantize(Decimal("0.01"))
    ):
        raise SubsidyError(_("Give the percentage with at most two decimals."), field="percent")
    if covers not in SubsidyRule.Covers.values:
        raise SubsidyError(
            _("Choose whom the rule covers: employees only, or friends and family too."),
            field="covers",
        )
    if monthly_cap is not None:
        monthly_cap = money_field(monthly_cap, "monthly_cap")
    try:
        rule_problem(
            kind, percent, None if monthly_cap is None else to_minor(monthly_cap), when_dry
        )
    except RuleInvalid as invalid:
        raise SubsidyError(_(RULE_MESSAGES[invalid.field]), field=invalid.field) from invalid
    rule = SubsidyRule.objects.create(
        programme=programme,
        kind=kind,
        percent=percent,
        monthly_cap=monthly_cap,
        when_dry=when_dry,
        covers=covers,
        active_from=active_from or timezone.localdate(),
        created_by=actor,
    )
    audit_record(
        action="subsidies.rule_created",
        summary=_("%(actor)s added a subsidy rule to %(programme)s: %(rule)s")
        % {"actor": actor.name, "programme": programme.name, "rule": rule_sentence(rule, "")},
        actor=actor,
        group=programme.group,
        data={
            "rule": rule.pk,
            "kind": kind,
            "percent": str(percent),
            "cap": str(monthly_cap),
            "covers": covers,
        },
    )
    return rule


RULE_MESSAGES = {
    "kind": "Choose the delivery fee or a percentage of the goods.",
    "percent": "Give a percentage above 0 and at most 100.",
    "monthly_cap": "The monthly cap cannot be below zero.",
    "when_dry": "Choose what happens when the fund runs dry.",
}


@transaction.atomic
def subsidy_rule_end(*, rule: SubsidyRule, actor: User) -> SubsidyRule:
    """End a rule: rounds closed from now on are not subsidised by it."""
    require_organisation_admin(organisation=rule.programme.organisation, user=actor)
    rule = SubsidyRule.objects.select_for_update(no_key=True).get(pk=rule.pk)
    if rule.ended_at is None:
        rule.ended_at = timezone.now()
        rule.save(update_fields=["ended_at"])
        audit_record(
            action="subsidies.rule_ended",
            summary=_("%(actor)s ended a subsidy rule of %(programme)s")
            % {"actor": actor.name, "programme": rule.programme.name},
            actor=actor,
            group=rule.programme.group,
            data={"rule": rule.pk},
        )
    return rule


def rule_sentence(rule: SubsidyRule, organisation_name: str, currency: str = "GBP") -> str:
    """How a member reads a rule: "Calder Mills pays 10 % of your goods, up to £20.00 a month"."""
    who = organisation_name or _("The employer")
    if rule.kind == SubsidyRule.Kind.DELIVERY:
        text = _("%(who)s pays your share of the delivery fee") % {"who": who}
    else:
        percent = rule.percent.normalize() if rule.percent is not None else Decimal(0)
        text = _("%(who)s pays %(percent)s %% of your goods") % {
            "who": who,
            "percent": f"{percent:f}",
        }
    if rule.monthly_cap is not None:
        text += _(", up to %(cap)s a month") % {"cap": format_money(rule.monthly_cap, currency)}
    return text
