"""A pooled round's money in three kinds of book, posted once, in the close's transaction.

For every child round, in the group's book (source: the child round, key `round-N-close`, the
very key a single-group close would use, so nothing can charge the round twice):

    each member                      debit  their total (goods, deposit, VAT, markup, delivery)
    fees income                      credit the group's markup
    owed to the federation (between) credit goods + deposits + VAT + delivery (drop fee included)

In the federation's book, one posting per group (source: a `Transfer` row from the group's book
to the federation's, the link ADR 0006 gives to money between two books; key
`pooled-P-group-G`):

    owed by the group (between)      debit  what the group owes (as above)
    the supplier's payable           credit the group's goods + deposits + VAT + its delivery
                                            share of the supplier's fee
    delivery costs                   credit the group's drop fee (it pays the federation's van)

so the federation owes the supplier exactly the pool's goods and fee. The group pays the
federation later with an ordinary `ledger_transfer` (bank to bank), which clears both `between`
accounts. Every amount is in pence from the frozen charges: the books balance by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor, quantize, to_minor
from coopbuy.federations.models import Federation
from coopbuy.federations.payments import federation_money_account
from coopbuy.groups.models import Membership
from coopbuy.ledger.charges import round_entries
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import book_of, member_accounts, post, system_account
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.transfers import between_account, transfer_open
from coopbuy.pooled.models import FederationPayable, PooledRound
from coopbuy.rounds.billing import round_reference
from coopbuy.rounds.models import Round

Kind = Account.Kind
ZERO = Decimal("0.00")


def owed_of(charges: Mapping[int, MemberCharge]) -> int:
    """What a group owes the federation for its members' charges, in pence (no markup)."""
    return sum(c.total - c.markup for c in charges.values())


def post_group_charges(
    *, round: Round, federation: Federation, charges: Mapping[int, MemberCharge],
    actor: User | None,
) -> Transaction | None:  # fmt: skip
    """The child round's charges in its group's book (None: nobody received anything)."""
    group = round.group
    members = {
        m.pk: m for m in Membership.objects.filter(pk__in=charges).select_related("user", "group")
    }
    accounts = member_accounts(members.values())
    legs: list[tuple[Account, Decimal]] = [
        (accounts[pk], -from_minor(c.total)) for pk, c in sorted(charges.items()) if c.total
    ]
    if not legs:
        return None
    markup = sum(c.markup for c in charges.values())
    if markup:
        legs.append((system_account(group, Kind.FEES), from_minor(markup)))
    owed = owed_of(charges)
    if owed:
        legs.append((between_account(book_of(group), federation.book), from_minor(owed)))
    reference = round_reference(round)
    posted, _created = post(
        group=group,
        kind=Transaction.Kind.ROUND_CHARGE,
        description=_("Charges for %(round)s (pooled in %(federation)s)")
        % {"round": reference, "federation": federation.name},
        legs=legs,
        actor=actor,
        idempotency_key=system_key(f"round-{round.pk}-close"),
        source=Source.round(round.pk),
        round_reference=reference,
    )
    return posted


def payable_of(pool: PooledRound) -> Account:
    """The federation book's account for what it owes the pool's supplier, opened once."""
    federation = pool.federation
    found = FederationPayable.objects.filter(federation=federation, supplier=pool.supplier).first()
    if found is not None:
        return Account.objects.get(pk=found.account_id)
    account = Account.objects.create(
        book=federation.book, kind=Kind.SUPPLIER, name=pool.supplier.name[:160]
    )
    FederationPayable.objects.create(federation=federation, supplier=pool.supplier, account=account)
    return account


def post_federation_side(
    *,
    pool: PooledRound,
    round: Round,
    owed: int,
    supplier_share: int,
    drop_fee: int,
    actor: User | None,
) -> Transaction | None:
    """What one group owes the federation, and the federation the supplier, in its book.

    `owed` = `supplier_share` (goods, deposits, VAT, share of the supplier's fee) + `drop_fee`.
    """
    if not owed:
        return None
    assert owed == supplier_share + drop_fee, (owed, supplier_share, drop_fee)
    federation = pool.federation
    fed_book = federation.book
    group_book = book_of(round.group)
    key = system_key(f"pooled-{pool.pk}-group-{round.group_id}")
    known = Transaction.objects.filter(book=fed_book, idempotency_key=key).first()
    if known is not None:
        return known
    description = _("%(group)s owes for the pooled order %(pool)s") % {
        "group": round.group.name, "pool": pool.name,
    }  # fmt: skip
    transfer = transfer_open(
        from_book=group_book,
        to_book=fed_book,
        amount=from_minor(owed),
        description=description,
        actor=actor,
    )
    legs: list[tuple[Account, Decimal]] = [
        (between_account(fed_book, group_book), -from_minor(owed)),
        (payable_of(pool), from_minor(supplier_share)),
    ]
    if drop_fee:
        legs.append((federation_money_account(federation, Kind.DELIVERY), from_minor(drop_fee)))
    posted, _created = post(
        group=None,
        book=fed_book,
        kind=Transaction.Kind.ROUND_CHARGE,
        description=description,
        legs=[(a, x) for a, x in legs if x],
        actor=actor,
        idempotency_key=key,
        source=Source(SourceKind.TRANSFER, transfer.pk),
        round_reference=f"{pool.name[:68]} · P{pool.pk}",
    )
    return posted


# Receiving (see docs/pooled-rounds.md, "Receiving"): corrections are new postings, never edits.


def post_group_update(
    *,
    round: Round,
    federation: Federation,
    charges: Mapping[int, MemberCharge],
    actor: User | None,
    key: str,
    reason: str,
) -> int:
    """Bring the child round's postings in its group's book to `charges` (the whole bill now):
    post the difference, account by account (members, fees income, owed to the federation).

    Returns the change in what the group owes the federation, in pence (0: nothing posted).
    """
    group = round.group
    members = {
        m.pk: m for m in Membership.objects.filter(pk__in=charges).select_related("user", "group")
    }
    accounts = member_accounts(members.values())
    between = between_account(book_of(group), federation.book)
    wanted: dict[int, Decimal] = {}
    by_pk: dict[int, Account] = {between.pk: between}
    for pk, c in charges.items():
        account = accounts[pk]
        by_pk[account.pk] = account
        wanted[account.pk] = wanted.get(account.pk, ZERO) - from_minor(c.total)
    markup = sum(c.markup for c in charges.values())
    if markup:
        fees = system_account(group, Kind.FEES)
        by_pk[fees.pk] = fees
        wanted[fees.pk] = from_minor(markup)
    wanted[between.pk] = from_minor(owed_of(charges))
    touched = set(wanted) | set(round_entries(group, round.pk).values_list("account", flat=True))
    for account in (
        Account.objects.select_for_update(no_key=True).filter(pk__in=touched).order_by("pk")
    ):
        by_pk.setdefault(account.pk, account)
    posted = {  # quantized: SQLite adds decimals as floats (a sum of 0 may be 4.4e-16)
        account: quantize(total)
        for account, total in round_entries(group, round.pk)
        .values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    }
    legs = [
        (by_pk[pk], wanted.get(pk, ZERO) - posted.get(pk, ZERO))
        for pk in sorted(by_pk)
        if wanted.get(pk, ZERO) != posted.get(pk, ZERO)
    ]
    if not legs:
        return 0
    reference = round_reference(round)
    post(
        group=group,
        kind=Transaction.Kind.ROUND_ADJUSTMENT,
        description=(_("Adjustment to %(round)s: %(reason)s") % {"round": reference,
                                                                  "reason": reason})[:300],
        legs=legs,
        actor=actor,
        idempotency_key=system_key(key),
        source=Source.round(round.pk),
        round_reference=reference,
    )  # fmt: skip
    return to_minor(wanted[between.pk] - posted.get(between.pk, ZERO))


def post_federation_update(
    *,
    pool: PooledRound,
    round: Round,
    owed: int,
    payable: int,
    drop_fee: int,
    actor: User | None,
    key: str,
    reason: str,
) -> Transaction | None:
    """The federation's side of a receiving, for one group, in pence: what the group owes
    changed by `owed`, what the federation owes the supplier by `payable`, the drop fee it
    charged by `drop_fee`; the rest (a drop shortage the federation bears) is booked to its
    adjustments (a cost). Named by a `Transfer` row for the change in what is owed, as the close's
    posting is (ADR 0006); when that is nil, by the close's own transfer."""
    loss = payable + drop_fee - owed
    if not (owed or payable or drop_fee):
        return None
    fed_book = pool.federation.book
    group_book = book_of(round.group)
    full_key = system_key(key)
    known = Transaction.objects.filter(book=fed_book, idempotency_key=full_key).first()
    if known is not None:
        return known
    description = (
        _("%(group)s, pooled order %(pool)s: %(reason)s")
        % {"group": round.group.name, "pool": pool.name, "reason": reason}
    )[:300]
    if owed:
        transfer = transfer_open(
            from_book=group_book if owed > 0 else fed_book,
            to_book=fed_book if owed > 0 else group_book,
            amount=from_minor(abs(owed)),
            description=description,
            actor=actor,
        )
        source = Source(SourceKind.TRANSFER, transfer.pk)
    else:
        close = Transaction.objects.get(
            book=fed_book, idempotency_key=system_key(f"pooled-{pool.pk}-group-{round.group_id}")
        )
        source = Source(close.source_kind, close.source_id)
    legs: list[tuple[Account, Decimal]] = [
        (between_account(fed_book, group_book), -from_minor(owed)),
        (payable_of(pool), from_minor(payable)),
        (federation_money_account(pool.federation, Kind.DELIVERY), from_minor(drop_fee)),
        (federation_money_account(pool.federation, Kind.ADJUSTMENTS), -from_minor(loss)),
    ]
    posted, _created = post(
        group=None,
        book=fed_book,
        kind=Transaction.Kind.ROUND_ADJUSTMENT,
        description=description,
        legs=[(a, x) for a, x in legs if x],
        actor=actor,
        idempotency_key=full_key,
        source=source,
        round_reference=f"{pool.name[:68]} · P{pool.pk}",
    )
    return posted
