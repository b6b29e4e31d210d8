"""`coopbuy ledger check`: replay every entry and verify every invariant, group by group.

The rules themselves live in `coopbuy.core.ledger`; this module only reads the rows in bulk (one
query per table per group, no per-transaction queries) and hands them over in pence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps

from coopbuy.core import ledger as core
from coopbuy.core.money import to_minor
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import (
    Account,
    Entry,
    Invoice,
    LedgerSettings,
    SupplierInvoice,
    Transaction,
)
from coopbuy.ledger.sources import SOURCE_MODELS, SourceKind


@dataclass
class GroupReport:
    group: BuyingGroup
    accounts: int = 0
    transactions: int = 0
    entries: int = 0
    problems: list[core.Problem] = field(default_factory=list)
    warnings: list[core.Problem] = field(default_factory=list)


def check_group(group: BuyingGroup) -> GroupReport:
    """Every transaction balanced with 2+ entries, cached balances equal the replay, reversals
    exact and single, no entry on another group's account; members beyond their credit: warnings.
    """
    report = GroupReport(group=group)
    accounts = {a.pk: a for a in Account.objects.filter(group=group)}
    transactions = dict(Transaction.objects.filter(group=group).values_list("pk", "reverses_id"))
    # Entries of this group's transactions, and entries on this group's accounts: both ways round,
    # so that a stray entry shows up whichever side it belongs to.
    rows = list(
        Entry.objects.filter(transaction__group=group).values_list(
            "transaction_id", "account_id", "account__group_id", "amount"
        )
    )
    stray = list(
        Entry.objects.filter(account__group=group)
        .exclude(transaction__group=group)
        .values_list("transaction_id", "transaction__group_id", "account_id")
    )
    report.accounts, report.transactions, report.entries = (
        len(accounts),
        len(transactions),
        len(rows),
    )
    by_transaction: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for tx, account, _group, amount in rows:
        by_transaction[tx].append((account, to_minor(amount)))
    amounts = {tx: [a for _acc, a in by_transaction.get(tx, [])] for tx in transactions}
    report.problems += core.transaction_problems(amounts)
    report.problems += core.cross_group_problems(
        [(tx, group.pk, account_group) for tx, _acc, account_group, _amt in rows]
    )
    report.problems += core.cross_group_problems(
        [(tx, tx_group, group.pk) for tx, tx_group, _acc in stray]
    )
    replayed = core.replay(
        (account, to_minor(amount))
        for _tx, account, account_group, amount in rows
        if account_group == group.pk
    )
    replayed_stray = core.replay(
        (account, to_minor(amount))
        for account, amount in Entry.objects.filter(account__group=group)
        .exclude(transaction__group=group)
        .values_list("account_id", "amount")
    )
    for account_id, minor in replayed_stray.items():
        replayed[account_id] = replayed.get(account_id, 0) + minor
    cached = {pk: to_minor(a.balance) for pk, a in accounts.items()}
    named = {pk: f"{pk} ({a.name})" for pk, a in accounts.items()}
    report.problems += core.cached_balance_problems(
        {named[pk]: v for pk, v in cached.items()},
        {named.get(pk, str(pk)): v for pk, v in replayed.items()},
    )
    report.problems += _source_problems(group)
    reverses = {tx: original for tx, original in transactions.items() if original is not None}
    report.problems += core.reversal_problems(reverses, by_transaction)
    settings = LedgerSettings.objects.filter(group=group).first()
    if settings is not None:
        rule = core.CreditRule(settings.prepayment_required, to_minor(settings.credit_limit))
        members = {
            named[pk]: v
            for pk, v in replayed.items()
            if accounts.get(pk) and accounts[pk].kind == "member"
        }
        report.warnings += core.over_credit_problems(members, rule)
    return report


def _source_problems(group: BuyingGroup) -> list[core.Problem]:
    """Every transaction and invoice of the group names a source that exists in the group."""
    named: list[tuple[str, str, int]] = []
    for label, model in (
        ("transaction", Transaction),
        ("invoice", Invoice),
        ("supplier invoice", SupplierInvoice),
    ):
        named += [
            (f"{label} {pk}", kind, source_id)
            for pk, kind, source_id in model.objects.filter(group=group)  # type: ignore[attr-defined]
            .exclude(source_kind=SourceKind.MANUAL)
            .values_list("pk", "source_kind", "source_id")
        ]
    existing: dict[str, set[int]] = {}
    for kind in {kind for _subject, kind, _id in named}:
        model = apps.get_model(SOURCE_MODELS[SourceKind(kind)])
        ids = {source_id for _subject, k, source_id in named if k == kind}
        existing[kind] = set(
            model.objects.filter(pk__in=ids, group=group).values_list("pk", flat=True)
        )
    return core.missing_source_problems(named, existing)


def check_groups(slug: str | None = None) -> list[GroupReport]:
    groups = BuyingGroup.objects.order_by("slug")
    if slug is not None:
        groups = groups.filter(slug=slug)
    return [check_group(group) for group in groups]
