"""The group's money on a double-entry ledger.

Sign convention (see `coopbuy.core.ledger`): an entry's amount is positive for a credit and negative
for a debit; an account's balance is the sum of its entries, i.e. what the group owes the account
holder (a member's positive balance is prepaid credit; bank and cash read as `-balance` held).

Transactions and entries are append-only: nothing updates or deletes them (on PostgreSQL triggers
refuse it, and a deferred constraint trigger refuses a transaction whose entries do not sum to zero
at commit). Corrections are reversing transactions. `Account.balance` is a cache kept by the
posting service with `F()` in the same database transaction; `coopbuy ledger check` replays it.

Holds, invoices and bank statements are defined in `hold_models`, `invoice_models` and
`statement_models`, and imported at the end of this module (Django's registry and every importer
find them here).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopbuy.ledger.sources import source_constraint, source_id_field, source_kind_field


class Book(models.Model):
    """A set of accounts that balances by itself, and its owner.

    A buying group has one book (`group`). A federation's or an organisation's book has no group:
    those models (later) hold a one-to-one link to their `Book`, so the money tables never change
    for them. Money moves between books only by a transfer: one balanced posting in each book,
    both naming the `Transfer` as their source (see `coopbuy.ledger.transfers`).
    """

    class Kind(models.TextChoices):
        GROUP = "group", _("Buying group")
        FEDERATION = "federation", _("Federation")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("owner"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    group = models.OneToOneField(
        "groups.BuyingGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_book",
    )
    currency = models.CharField(max_length=3, default="GBP")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "name", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["group", "federation", "organisation"]),
                name="ledger_book_kind_known",
            ),
            models.CheckConstraint(
                condition=(Q(kind="group") & Q(group__isnull=False))
                | (~Q(kind="group") & Q(group__isnull=True)),
                name="ledger_book_group_iff_group_book",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Account(models.Model):
    """One account of one book: a member's, the bank, cash, a supplier's payable, costs, income.

    A group book's accounts also name the group (`group`), as every group page reads them; an
    account between books (`BETWEEN_BOOKS`) is what this book owes another (`counterparty`).
    """

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        BANK = "bank", _("Bank")
        CASH = "cash", _("Cash box")
        SUPPLIER = "supplier", _("Supplier payable")
        DELIVERY = "delivery", _("Delivery costs")
        FEES = "fees", _("Fees income (markup)")
        ADJUSTMENTS = "adjustments", _("Adjustments and price differences")
        SUBSIDIES = "subsidies", _("Subsidies")
        BETWEEN_BOOKS = "between", _("Owed to or by another book")

    SINGLE_KINDS = ("bank", "cash", "delivery", "fees", "adjustments", "subsidies")

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="accounts")
    group = models.ForeignKey(
        "groups.BuyingGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    counterparty = models.ForeignKey(
        Book, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    membership = models.ForeignKey(
        "groups.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    supplier = models.ForeignKey(
        "catalog.Supplier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_accounts",
    )
    payment_reference = models.CharField(
        _("payment reference"), max_length=40, null=True, blank=True, unique=True
    )
    balance = models.DecimalField(
        _("balance"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("group", "kind", "name", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "member",
                        "bank",
                        "cash",
                        "supplier",
                        "delivery",
                        "fees",
                        "adjustments",
                        "subsidies",
                        "between",
                    ]
                ),
                name="ledger_account_kind_known",
            ),
            models.UniqueConstraint(
                fields=["book", "kind"],
                condition=Q(
                    kind__in=["bank", "cash", "delivery", "fees", "adjustments", "subsidies"]
                ),
                name="ledger_account_one_per_book_kind",
            ),
            models.UniqueConstraint(
                fields=["book", "counterparty"],
                condition=Q(counterparty__isnull=False),
                name="ledger_account_one_per_counterparty",
            ),
            models.CheckConstraint(
                condition=(Q(kind="between") & Q(counterparty__isnull=False))
                | (~Q(kind="between") & Q(counterparty__isnull=True)),
                name="ledger_account_counterparty_iff_between",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(membership__isnull=False),
                name="ledger_account_one_per_membership",
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(supplier__isnull=False),
                name="ledger_account_one_per_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class LedgerSettings(models.Model):
    """A group's money rules: prepayment, credit limit, invoice numbering prefix."""

    group = models.OneToOneField(
        "groups.BuyingGroup", on_delete=models.CASCADE, related_name="ledger_settings"
    )
    prepayment_required = models.BooleanField(
        _("orders must be covered by the member's balance"), default=False
    )
    credit_limit = models.DecimalField(
        _("credit a member may run"),
        default=Decimal("0.00"),
        help_text=_("How far below zero a member's balance may go when prepayment is required."),
        max_digits=12,
        decimal_places=2,
    )
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=12)
    # Where members send money (shown with each member's payment reference): a UK account
    # (sort code and number) or an IBAN, or both; all empty until a treasurer fills them in.
    bank_account_name = models.CharField(_("account name"), max_length=70, blank=True)
    bank_sort_code = models.CharField(_("sort code"), max_length=8, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=8, blank=True)
    bank_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bank_bic = models.CharField(_("BIC"), max_length=11, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="ledger_settings_credit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Money rules of {self.group_id}"

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_account_name and (self.bank_account_number or self.bank_iban))


class Transaction(models.Model):
    """One posting: two or more entries that sum to zero. Never changed once written."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")
        CAMPAIGN = "campaign", _("Campaign")
        ROUND_CHARGE = "round_charge", _("Round charges")
        ROUND_ADJUSTMENT = "round_adjust", _("Round adjustment")
        SUPPLIER_INVOICE = "supplier_inv", _("Supplier invoice difference")
        SUPPLIER_PAYMENT = "supplier_pay", _("Supplier payment")
        REVERSAL = "reversal", _("Reversal")
        TRANSFER = "transfer", _("Transfer between books")

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="transactions")
    group = models.ForeignKey(
        "groups.BuyingGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    round_reference = models.CharField(max_length=80, blank=True, db_index=True)
    external_reference = models.CharField(_("reference"), max_length=120, blank=True)
    booked_on = models.DateField(_("date"))
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    source_kind = source_kind_field()
    source_id = source_id_field()
    idempotency_key = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64, blank=True)
    # How many entries the posting wrote: SQLite's guards check the sum once they are all in.
    entry_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-booked_on", "-pk")
        indexes = [
            models.Index(fields=["source_kind", "source_id"], name="ledger_transaction_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "idempotency_key"], name="ledger_transaction_idempotent_per_book"
            ),
            source_constraint("ledger_transaction"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description}"


class Entry(models.Model):
    """One leg of a transaction on one account: positive = credit, negative = debit."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("transaction", "pk")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.account_id} in #{self.transaction_id}"


class Transfer(models.Model):
    """Money from one book to another (a group paying its federation): the source of two
    balanced postings, one in each book, each through the account that book keeps for the other.
    """

    from_book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="transfers_out")
    to_book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="transfers_in")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(from_book=models.F("to_book")), name="ledger_transfer_two_books"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} from {self.from_book_id} to {self.to_book_id}"


class StatementDispatch(models.Model):
    """A monthly statement emailed to a member: sent once per account and month."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year", "month"], name="statement_sent_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.year}-{self.month:02d}"


# Registered with the app's models from their own modules: holds (not postings), invoices and bank
# statements (documents about postings). Import them from here, as every model of the app.
from coopbuy.ledger.hold_models import Hold as Hold  # noqa: E402
from coopbuy.ledger.invoice_models import Invoice as Invoice  # noqa: E402
from coopbuy.ledger.invoice_models import InvoiceItem as InvoiceItem  # noqa: E402
from coopbuy.ledger.invoice_models import InvoiceSequence as InvoiceSequence  # noqa: E402
from coopbuy.ledger.invoice_models import SupplierInvoice as SupplierInvoice  # noqa: E402
from coopbuy.ledger.statement_models import StatementImport as StatementImport  # noqa: E402
from coopbuy.ledger.statement_models import StatementLine as StatementLine  # noqa: E402
