"""Schemas of the ledger's documents and supplier money: invoices, statements, PDFs and CSV."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Path, Schema

from coopbuy.api.schemas import Input, Money, Text
from coopbuy.catalog.api_schemas import Amount
from coopbuy.ledger.api_schemas import AccountKind, Method
from coopbuy.ledger.invoices import VatRow
from coopbuy.ledger.models import Account, Invoice, InvoiceItem, SupplierInvoice
from coopbuy.ledger.selectors import MonthlyStatement, StatementRow

Year = Annotated[
    int, Path(ge=2000, le=9999, description="From 2000 to next year (later years are refused).")
]
Month = Annotated[int, Path(ge=1, le=12, description="1 (January) to 12 (December).")]
SupplierId = Annotated[int, Field(ge=1, le=2**62, description="The supplier's id.")]


def _fixed(value: Decimal, places: int) -> str:
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places))}"


def file_response(media_type: str, description: str) -> dict[str, Any]:
    """`openapi_extra` for an operation whose 200 is a file (a PDF, a CSV) rather than JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "Content-Disposition": {
                        "description": "The file's name.",
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    }


# Invoices ----------------------------------------------------------------------------------------


class InvoiceSummaryOut(Schema):
    id: int
    number: str = Field(description="PREFIX-YEAR-0001, without gaps per group and year.")
    round_reference: str
    member_name: str
    total: Money = Field(description="VAT included: what the member was charged.")
    issued_at: datetime

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceSummaryOut:
        return cls(
            id=invoice.pk,
            number=invoice.number,
            round_reference=invoice.round_reference,
            member_name=invoice.member_name,
            total=invoice.total,
            issued_at=invoice.issued_at,
        )


class InvoiceLineOut(Schema):
    position: int
    description: str
    quantity: str = Field(description="A decimal string with three places, e.g. 2.000.")
    unit_price: str = Field(description="A decimal string with four places, e.g. 1.5000.")
    vat_rate: str = Field(description="A fraction: 0.2000 is 20 %.")
    amount: Money = Field(description="The line's total, VAT included.")

    @classmethod
    def of(cls, item: InvoiceItem) -> InvoiceLineOut:
        return cls(
            position=item.position,
            description=item.description,
            quantity=_fixed(item.quantity, 3),
            unit_price=_fixed(item.unit_price, 4),
            vat_rate=_fixed(item.vat_rate, 4),
            amount=item.amount,
        )


class VatRowOut(Schema):
    rate: str = Field(description="A fraction: 0.2000 is 20 %.")
    net: Money
    vat: Money
    gross: Money

    @classmethod
    def of(cls, row: VatRow) -> VatRowOut:
        return cls(rate=_fixed(row.rate, 4), net=row.net, vat=row.vat, gross=row.gross)


class InvoiceOut(InvoiceSummaryOut):
    account_id: int
    currency: str
    lines: list[InvoiceLineOut]
    vat: list[VatRowOut] = Field(description="Net, VAT and gross per rate, lowest rate first.")


class MonthOut(Schema):
    year: int
    month: int


class AccountDetailOut(Schema):
    id: int
    kind: AccountKind
    name: str
    balance: Money = Field(
        description="As the treasury shows it: for a member or a supplier what the group owes "
        "them, for bank and cash the money held."
    )
    membership_id: int | None
    supplier_id: int | None
    payment_reference: str | None = Field(description="A member's reference for bank transfers.")
    statement_months: list[MonthOut] = Field(description="Months with entries, newest first.")
    invoices: list[InvoiceSummaryOut] = Field(description="The latest 24 invoices.")


# Statements --------------------------------------------------------------------------------------


class StatementRowOut(Schema):
    booked_on: date
    transaction: int
    description: str
    amount: Money = Field(description="Into the account when positive, out of it when negative.")
    balance: Money = Field(description="The balance after this entry.")

    @classmethod
    def of(cls, row: StatementRow) -> StatementRowOut:
        return cls(
            booked_on=row.booked_on,
            transaction=row.transaction_id,
            description=row.description,
            amount=row.amount,
            balance=row.running,
        )


class StatementOut(Schema):
    account_id: int
    account: str
    year: int
    month: int
    currency: str
    opening_balance: Money = Field(description="The balance at the start of the month.")
    entries: list[StatementRowOut] = Field(description="The month's entries, oldest first.")
    closing_balance: Money = Field(description="The balance at the end of the month.")

    @classmethod
    def of(cls, statement: MonthlyStatement, currency: str) -> StatementOut:
        return cls(
            account_id=statement.account.pk,
            account=statement.account.name,
            year=statement.year,
            month=statement.month,
            currency=currency,
            opening_balance=statement.opening,
            entries=[StatementRowOut.of(row) for row in statement.rows],
            closing_balance=statement.closing,
        )


# Supplier money ----------------------------------------------------------------------------------


class SupplierAccountOut(Schema):
    account_id: int
    supplier_id: int | None = Field(description="null once the supplier itself is deleted.")
    name: str
    owed: Money = Field(description="What the group owes the supplier (negative: overpaid).")

    @classmethod
    def of(cls, account: Account) -> SupplierAccountOut:
        return cls(
            account_id=account.pk,
            supplier_id=account.supplier_id,
            name=account.name,
            owed=account.balance,
        )


class SupplierInvoiceIn(Input):
    supplier_id: SupplierId
    number: Text = Field(min_length=1, max_length=80, description="The supplier's invoice number.")
    amount: Amount = Field(description="The invoice total.")
    round_reference: Text = Field(
        "",
        max_length=80,
        description="The round it is for (a round reference of the group's transactions), to "
        "compare with what members were charged; empty when it is for no round.",
    )


class SupplierInvoiceOut(Schema):
    id: int
    account_id: int
    supplier_id: int | None
    supplier: str
    number: str
    round_reference: str
    amount: Money = Field(description="The invoice total.")
    charged_in_round: Money = Field(description="What the round's postings owe the supplier.")
    difference: Money = Field(description="Invoice minus charged: booked to adjustments.")
    transaction_id: int | None = Field(description="The booking of the difference, if any.")
    received_on: date

    @classmethod
    def of(cls, invoice: SupplierInvoice) -> SupplierInvoiceOut:
        return cls(
            id=invoice.pk,
            account_id=invoice.account_id,
            supplier_id=invoice.account.supplier_id,
            supplier=invoice.account.name,
            number=invoice.number,
            round_reference=invoice.round_reference,
            amount=invoice.amount,
            charged_in_round=invoice.posted_goods,
            difference=invoice.difference,
            transaction_id=invoice.transaction_id,
            received_on=invoice.received_on,
        )


class SupplierPaymentIn(Input):
    supplier_id: SupplierId
    amount: Amount
    method: Method = Field(description="Paid from the bank or the cash box.")
    reference: Text = Field("", max_length=120)
