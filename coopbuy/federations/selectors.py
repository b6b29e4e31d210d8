"""Reads of federations: who belongs, what is shared, who runs it, and its book.

Every read takes the federation (reached through `permissions`), so each query is scoped by it.
A federation's book holds no member's account: its accounts are its bank, its costs and what it
owes each member group's book (`between` accounts), so its money page shows no one's own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from coopbuy.accounts.models import User
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.models import Account, Book, Entry, Transaction
from coopbuy.ledger.services import book_of

Status = FederationGroup.Status
CURRENT = (Status.APPLIED, Status.MEMBER)
ZERO = Decimal("0.00")


def federations_public() -> QuerySet[Federation]:
    """Every federation, by name, with its member rows (groups) ready to show."""
    members = FederationGroup.objects.filter(status=Status.MEMBER).select_related("group")
    return Federation.objects.prefetch_related(
        Prefetch("groups", queryset=members.order_by("group__name", "pk"), to_attr="member_rows")
    ).order_by("name", "pk")


def member_rows(federation: Federation) -> QuerySet[FederationGroup]:
    """The federation's member groups now, by name."""
    return (
        FederationGroup.objects.filter(federation=federation, status=Status.MEMBER)
        .select_related("group")
        .order_by("group__name", "pk")
    )


def applications(federation: Federation) -> QuerySet[FederationGroup]:
    """Groups waiting for an answer, oldest first."""
    return (
        FederationGroup.objects.filter(federation=federation, status=Status.APPLIED)
        .select_related("group", "applied_by")
        .order_by("applied_at", "pk")
    )


def rows_of_group(group: BuyingGroup) -> QuerySet[FederationGroup]:
    """A group's place in every federation it applied to, newest first (its history too)."""
    return (
        FederationGroup.objects.filter(group=group)
        .select_related("federation", "decided_by")
        .order_by("-applied_at", "-pk")
    )


def current_row(*, federation: Federation, group: BuyingGroup) -> FederationGroup | None:
    """The group's application or membership in this federation now (none if refused or left)."""
    return FederationGroup.objects.filter(
        federation=federation, group=group, status__in=CURRENT
    ).first()


def federations_open_to(group: BuyingGroup) -> QuerySet[Federation]:
    """Federations a group may apply to: those where it has no current application or place."""
    taken = FederationGroup.objects.filter(group=group, status__in=CURRENT).values("federation")
    return Federation.objects.exclude(pk__in=taken).order_by("name", "pk")


def active_roles(federation: Federation) -> QuerySet[FederationRole]:
    return (
        FederationRole.objects.filter(federation=federation, ended_at__isnull=True)
        .select_related("user")
        .order_by("role", "added_at", "pk")
    )


def shared_suppliers(federation: Federation, *, with_products: bool = False) -> QuerySet[Shared]:
    """The suppliers shared now, by name; with their available products and price tiers."""
    rows = (
        Shared.objects.filter(federation=federation, ended_at__isnull=True)
        .select_related("supplier", "supplier__group", "added_by")
        .order_by("supplier__name", "pk")
    )
    if with_products:
        products = (
            Product.objects.filter(is_available=True)
            .prefetch_related(
                Prefetch("price_tiers", queryset=PriceTier.objects.order_by("min_cases"))
            )
            .order_by("category", "name", "pk")
        )
        rows = rows.prefetch_related(Prefetch("supplier__products", queryset=products))
    return rows


def shareable_suppliers(*, federation: Federation, user: User) -> QuerySet[Supplier]:
    """Active suppliers of member groups that `user` coordinates, not shared yet."""
    coordinated = Membership.objects.active().filter(
        user_id=user.pk, role=Membership.Role.COORDINATOR
    )
    shared = Shared.objects.filter(federation=federation, ended_at__isnull=True)
    return (
        Supplier.objects.filter(
            is_active=True,
            group__in=coordinated.values("group"),
            group__federation_rows__federation=federation,
            group__federation_rows__status=Status.MEMBER,
        )
        .exclude(pk__in=shared.values("supplier"))
        .select_related("group")
        .order_by("group__name", "name", "pk")
        .distinct()
    )


@dataclass(frozen=True)
class SupplierClash:
    """A group in another federation that shares the same supplier (by row or by name)."""

    group: BuyingGroup
    supplier_name: str
    other: Federation


def _same_supplier(suppliers: list[Supplier]) -> Q:
    ids = [s.pk for s in suppliers]
    names = Q()
    for supplier in suppliers:
        names |= Q(supplier__name__iexact=supplier.name.strip())
    return Q(supplier_id__in=ids) | names


def supplier_clashes(
    *, groups: list[BuyingGroup], suppliers: list[Supplier], federation: Federation
) -> list[SupplierClash]:
    """Where one of `groups` is a member of another federation sharing one of `suppliers`.

    "The same supplier" is the same supplier row, or a supplier of the same name (two groups'
    own rows for one wholesaler, such as Suma): a group may pool with one federation per supplier.
    """
    if not groups or not suppliers:
        return []
    others = FederationGroup.objects.filter(group__in=groups, status=Status.MEMBER).exclude(
        federation=federation
    )
    clashes: list[SupplierClash] = []
    for row in others.select_related("group", "federation").order_by("group__name", "pk"):
        found = (
            Shared.objects.filter(federation_id=row.federation_id, ended_at__isnull=True)
            .filter(_same_supplier(suppliers))
            .select_related("supplier")
            .order_by("supplier__name", "pk")
            .first()
        )
        if found is not None:
            clashes.append(SupplierClash(row.group, found.supplier.name, row.federation))
    return clashes


def suppliers_shared_now(federation: Federation) -> list[Supplier]:
    return [row.supplier for row in shared_suppliers(federation)]


def group_book(group: BuyingGroup) -> Book | None:
    return Book.objects.filter(group_id=group.pk).first()


def between_balance(*, federation: Federation, group: BuyingGroup) -> Decimal:
    """The balance of the federation book's `between` account for the group's book: what one
    owes the other from transfers and pooled charges (no account yet: 0.00). Zero is settled."""
    book = group_book(group)
    if book is None:
        return ZERO
    account = Account.objects.filter(book=federation.book, counterparty=book).first()
    return account.balance if account is not None else ZERO


def book_accounts(federation: Federation) -> QuerySet[Account]:
    """The accounts of the federation's book with their balances, by kind and name."""
    return (
        Account.objects.filter(book=federation.book)
        .select_related("counterparty")
        .order_by("kind", "name", "pk")
    )


def book_transactions(federation: Federation) -> QuerySet[Transaction]:
    """The federation book's transactions, newest first, with their entries."""
    entries = Entry.objects.select_related("account").order_by("pk")
    return (
        Transaction.objects.filter(book=federation.book)
        .select_related("created_by")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("-booked_on", "-pk")
    )


def current_row_by_slug(*, federation: Federation, slug: str) -> FederationGroup | None:
    """A group's application or membership in this federation now, by the group's address."""
    return (
        FederationGroup.objects.select_related("group")
        .filter(federation=federation, group__slug=slug, status__in=CURRENT)
        .first()
    )


@dataclass(frozen=True)
class GroupDebt:
    """What one member group owes the federation now, seen from each book (equal when sound)."""

    group: BuyingGroup
    owed: Decimal  # the federation's book: minus its `between` account for the group's book
    owed_in_group_book: Decimal  # the group's book: its `between` account for the federation


def _between(book: Book, counterparty: Book) -> Decimal:
    account = Account.objects.filter(book=book, counterparty=counterparty).first()
    return account.balance if account is not None else ZERO


def group_debt(*, federation: Federation, group: BuyingGroup) -> GroupDebt:
    """What `group` owes `federation` (negative: the federation owes the group, e.g. a float)."""
    group_book = book_of(group)
    return GroupDebt(
        group=group,
        owed=-_between(federation.book, group_book),
        owed_in_group_book=_between(group_book, federation.book),
    )


def group_debts(federation: Federation) -> list[GroupDebt]:
    """Every group with money between its book and the federation's, by name (members or not:
    a group that left with money unsettled still appears). Two queries, however many groups."""
    federation_side = (
        Account.objects.filter(book=federation.book, counterparty__group__isnull=False)
        .select_related("counterparty__group")
        .order_by("counterparty__group__name", "pk")
    )
    rows = [(account, account.counterparty) for account in federation_side]
    group_side = {
        account.book_id: account.balance
        for account in Account.objects.filter(
            counterparty=federation.book, book__in=[book for _account, book in rows if book]
        )
    }
    return [
        GroupDebt(
            group=book.group,
            owed=-account.balance,
            owed_in_group_book=group_side.get(book.pk, ZERO),
        )
        for account, book in rows
        if book is not None and book.group is not None
    ]
