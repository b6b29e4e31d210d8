"""Double-entry bookkeeping maths: postings, balances by replay, invariant checks, the credit rule.

Everything here counts in integer minor units (pence), so a sum is exact and "sums to zero" means
exactly zero; `coopbuy.core.money` converts at the edges.

Sign convention (the only one): an entry's amount is signed, **positive = credit, negative =
debit**, and an account's balance is the plain sum of its entries. So a balance is what the group
*owes* the account holder:

- a member's account: positive = the member is in credit (has prepaid), negative = the member owes;
- a supplier's payable: positive = the group owes the supplier;
- fees income: positive = markup earned;
- bank and cash are assets, so their sum is the *negative* of the money held (`held = -balance`);
  `display_balance` flips them for people.

A posting (one transaction) is valid when it has two or more entries, none of them zero, and they
sum to exactly zero. A top-up of 10.00 by bank transfer is `member +1000, bank -1000`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

#: Kinds whose natural balance is a debit (assets, costs): people read them with the sign flipped.
DEBIT_NORMAL_KINDS = frozenset({"bank", "cash"})

ProblemCode = Literal[
    "too_few_entries",
    "unbalanced",
    "zero_entry",
    "cached_balance",
    "reversed_twice",
    "reversal_mismatch",
    "cross_group",
    "over_credit",
    "missing_source",
    "unbalanced_book",
]


@dataclass(frozen=True)
class Problem:
    """One broken invariant, naming the account or transaction at fault."""

    code: ProblemCode
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@dataclass(frozen=True)
class CreditRule:
    """A group's ordering rule.

    `prepayment_required`: orders must be covered by the balance plus `credit_limit_minor` (how far
    below zero a member may go). Without prepayment nothing is blocked (members pay afterwards).
    """

    prepayment_required: bool
    credit_limit_minor: int = 0


# Postings ----------------------------------------------------------------------------------------


def posting_problems(amounts: Sequence[int], *, subject: str = "transaction") -> list[Problem]:
    """What is wrong with one transaction's entry amounts (empty when it may be posted)."""
    problems: list[Problem] = []
    if len(amounts) < 2:
        problems.append(
            Problem("too_few_entries", subject, f"has {len(amounts)} entries, needs 2 or more")
        )
    if any(a == 0 for a in amounts):
        problems.append(Problem("zero_entry", subject, "has an entry of zero"))
    total = sum(amounts)
    if total != 0:
        problems.append(
            Problem("unbalanced", subject, f"entries sum to {total} minor units, not 0")
        )
    return problems


def is_valid_posting(amounts: Sequence[int]) -> bool:
    return not posting_problems(amounts)


def merge_entries[K: Hashable](entries: Iterable[tuple[K, int]]) -> list[tuple[K, int]]:
    """One entry per account (first-seen order), amounts added; accounts that net to zero vanish."""
    merged: dict[K, int] = {}
    for account, amount in entries:
        merged[account] = merged.get(account, 0) + amount
    return [(account, amount) for account, amount in merged.items() if amount != 0]


def reversal_of[K: Hashable](entries: Iterable[tuple[K, int]]) -> list[tuple[K, int]]:
    """The entries that undo a transaction exactly: the same accounts, every amount negated."""
    return [(account, -amount) for account, amount in entries]


# Balances ----------------------------------------------------------------------------------------


def replay[K: Hashable](entries: Iterable[tuple[K, int]]) -> dict[K, int]:
    """Every account's balance from its entries alone (the truth the cached balance must match)."""
    balances: dict[K, int] = {}
    for account, amount in entries:
        balances[account] = balances.get(account, 0) + amount
    return balances


def display_balance(kind: str, balance_minor: int) -> int:
    """The balance as people read it: money held for bank and cash, the sum for everything else."""
    return -balance_minor if kind in DEBIT_NORMAL_KINDS else balance_minor


# Invariant checks --------------------------------------------------------------------------------


def transaction_problems[T: Hashable](
    transactions: Mapping[T, Sequence[int]],
) -> list[Problem]:
    """Every transaction has two or more non-zero entries summing to zero."""
    problems: list[Problem] = []
    for key, amounts in transactions.items():
        problems += posting_problems(amounts, subject=f"transaction {key}")
    return problems


def cached_balance_problems[K: Hashable](
    cached: Mapping[K, int], replayed: Mapping[K, int]
) -> list[Problem]:
    """Each account's cached balance equals the replay of its entries (accounts with none: 0)."""
    problems: list[Problem] = []
    for account in sorted(set(cached) | set(replayed), key=str):
        have, want = cached.get(account, 0), replayed.get(account, 0)
        if have != want:
            problems.append(
                Problem(
                    "cached_balance",
                    f"account {account}",
                    f"cached balance {have} minor units, entries add up to {want}",
                )
            )
    return problems


def reversal_problems[T: Hashable, K: Hashable](
    reverses: Mapping[T, T],
    entries: Mapping[T, Sequence[tuple[K, int]]],
) -> list[Problem]:
    """Each reversal undoes its original exactly, and nothing is reversed more than once.

    `reverses` maps a reversing transaction to the one it reverses.
    """
    problems: list[Problem] = []
    seen: dict[T, T] = {}
    for reversal, original in sorted(reverses.items(), key=lambda item: str(item[0])):
        if original in seen:
            problems.append(
                Problem(
                    "reversed_twice",
                    f"transaction {original}",
                    f"is reversed by both {seen[original]} and {reversal}",
                )
            )
        seen[original] = reversal
        want = replay(reversal_of(entries.get(original, ())))
        have = replay(entries.get(reversal, ()))
        if {k: v for k, v in have.items() if v} != {k: v for k, v in want.items() if v}:
            problems.append(
                Problem(
                    "reversal_mismatch",
                    f"transaction {reversal}",
                    f"does not exactly reverse transaction {original}",
                )
            )
    return problems


def cross_group_problems[T: Hashable, G: Hashable](
    entry_groups: Iterable[tuple[T, G, G]],
) -> list[Problem]:
    """No entry books to another group's account: rows of (transaction, its group, account's)."""
    problems: list[Problem] = []
    for transaction, own, other in entry_groups:
        if own != other:
            problems.append(
                Problem(
                    "cross_group",
                    f"transaction {transaction}",
                    f"of group {own} has an entry on an account of group {other}",
                )
            )
    return problems


def missing_source_problems[T: Hashable](
    sources: Iterable[tuple[T, str, int]], existing: Mapping[str, Set[int]]
) -> list[Problem]:
    """Every posting's source exists (in the same book's owner): rows of (subject, kind, id);
    `existing` holds the ids found per kind (kinds missing from it are not checked)."""
    problems: list[Problem] = []
    for subject, kind, source_id in sources:
        if kind in existing and source_id not in existing[kind]:
            problems.append(
                Problem("missing_source", str(subject), f"names {kind} {source_id}, not found")
            )
    return problems


def over_credit_problems[K: Hashable](balances: Mapping[K, int], rule: CreditRule) -> list[Problem]:
    """Member accounts below the allowed credit (a report: charges for goods received may do it)."""
    if not rule.prepayment_required:
        return []
    return [
        Problem(
            "over_credit",
            f"account {account}",
            f"balance {balance} minor units is beyond the credit limit of "
            f"{rule.credit_limit_minor}",
        )
        for account, balance in balances.items()
        if balance < -rule.credit_limit_minor
    ]


# The credit rule ---------------------------------------------------------------------------------


def available_to_spend(balance_minor: int, rule: CreditRule) -> int | None:
    """How much more a member may order: balance plus credit (never below 0); None = no limit."""
    if not rule.prepayment_required:
        return None
    return max(0, balance_minor + rule.credit_limit_minor)


def may_spend(amount_minor: int, balance_minor: int, rule: CreditRule) -> bool:
    """May a member with this balance spend `amount_minor` more under the group's rule?"""
    if amount_minor <= 0:
        return True
    available = available_to_spend(balance_minor, rule)
    return available is None or amount_minor <= available


# Sharing compared with going alone ---------------------------------------------------------------


@dataclass(frozen=True)
class ShareComparison:
    """A member's part of a shared cost beside what the same delivery would cost them alone."""

    member: str
    share: Decimal
    alone: Decimal

    @property
    def saving(self) -> Decimal:
        return self.alone - self.share


def delivery_alone(
    goods_value: Decimal, *, delivery_fee: Decimal, free_delivery_over: Decimal | None
) -> Decimal:
    """The supplier's delivery fee one household would pay ordering the same goods on its own."""
    if free_delivery_over is not None and goods_value >= free_delivery_over:
        return Decimal("0.00")
    return delivery_fee


def compare_shares(
    shares: Mapping[str, Decimal],
    goods_values: Mapping[str, Decimal],
    *,
    delivery_fee: Decimal,
    free_delivery_over: Decimal | None,
) -> list[ShareComparison]:
    """Each member's share (from `coopbuy.core.costshare`) beside their cost alone, by member."""
    return [
        ShareComparison(
            member=member,
            share=shares[member],
            alone=delivery_alone(
                goods_values.get(member, Decimal(0)),
                delivery_fee=delivery_fee,
                free_delivery_over=free_delivery_over,
            ),
        )
        for member in sorted(shares)
    ]
