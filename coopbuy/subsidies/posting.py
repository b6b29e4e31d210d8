"""The posting of a round's subsidy (at close) or of its change (after receiving).

One `Transfer` between the organisation's book and the group's, and one posting in each book
(the shape is drawn in `subsidies.closing`): from the organisation's book to the group's when the
money goes to the members, back when it comes out of them. Both postings share one system key.
A change of zero in total that still moves money between members is one posting in the group's
book and no transfer. The close and the receiving (`closing`, `receiving`) both post through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coopbuy.accounts.models import User
from coopbuy.core.money import from_minor
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Book, Transaction, Transfer
from coopbuy.ledger.services import member_accounts, post
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.transfers import between_account, transfer_open
from coopbuy.rounds.models import Round
from coopbuy.subsidies.books import organisation_account


def fund_locked(book: Book, group_book: Book) -> Account:
    """The organisation's subsidy fund, read afresh under its lock: the fund and what the
    organisation owes the group are locked together, in pk order, before the fund is read (ADR
    0005, the ledger's accounts)."""
    fund = organisation_account(book, Account.Kind.SUBSIDIES)
    owed_to_group = between_account(book, group_book)
    locked = {
        a.pk: a
        for a in Account.objects.select_for_update(no_key=True)
        .filter(pk__in=[fund.pk, owed_to_group.pk])
        .order_by("pk")
    }
    return locked[fund.pk]


def per_member(lines: Mapping[tuple[int, int], int]) -> dict[int, int]:
    """What each member gets in all (minor units, signed, by membership id in order) from the
    lines per (rule, member); a member whose lines sum to zero is left out."""
    totals: dict[int, int] = defaultdict(int)
    for (_rule, member), amount in lines.items():
        totals[member] += amount
    return {member: amount for member, amount in sorted(totals.items()) if amount}


@dataclass(frozen=True)
class Wording:
    """The three descriptions: the transfer's, the organisation's posting's, the group's."""

    transfer: str
    organisation: str
    group: str


@dataclass(frozen=True)
class Posted:
    total: Decimal  # to the group's members in all (negative: back to the organisation)
    members: dict[int, int]  # membership id -> minor units moved (not zero)
    transfer: Transfer | None
    organisation_posting: Transaction | None
    group_posting: Transaction | None


def subsidy_post(
    *,
    round: Round,
    book: Book,
    group_book: Book,
    fund: Account,
    lines: Mapping[tuple[int, int], int],
    wording: Wording,
    actor: User | None,
    key: str,
    booked_on: date,
    reference: str,
) -> Posted:
    """Move the subsidy `lines` ((rule, member) -> minor units, signed) from the organisation's
    `fund` to the members' accounts in `group_book`. The caller holds the locks (docs/adr/0005)
    and runs this in its transaction; `key` is both postings' system key."""
    members = per_member(lines)
    total = from_minor(sum(members.values()))
    transfer = out = into = None
    if total:
        transfer = transfer_open(
            from_book=book if total > 0 else group_book,
            to_book=group_book if total > 0 else book,
            amount=abs(total),
            description=wording.transfer,
            actor=actor,
        )
        out, _created = post(
            group=None,
            book=book,
            kind=Transaction.Kind.TRANSFER,
            description=wording.organisation,
            legs=[(fund, -total), (between_account(book, group_book), total)],
            actor=actor,
            idempotency_key=key,
            source=Source(SourceKind.TRANSFER, transfer.pk),
            booked_on=booked_on,
            round_reference=reference[:80],
        )
    if members:
        accounts = member_accounts(
            Membership.objects.filter(pk__in=members).select_related("user", "group")
        )
        owed_by_org = [(between_account(group_book, book), -total)] if total else []
        into, _created = post(
            group=round.group,
            kind=Transaction.Kind.TRANSFER,
            description=wording.group,
            legs=owed_by_org
            + [(accounts[member], from_minor(amount)) for member, amount in members.items()],
            actor=actor,
            idempotency_key=key,
            source=Source.round(round.pk),
            booked_on=booked_on,
            round_reference=reference[:80],
        )
    return Posted(total, members, transfer, out, into)
