"""Documents for people outside the screen: invoice and statement PDFs, the accountant's CSV.

PDFs are HTML templates printed by WeasyPrint (imported only when a PDF is made: it is heavy). The
CSV has one row per entry, so an accountant can pivot it by account or by transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from coopbuy.csvcells import csv_row
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.invoices import vat_breakdown
from coopbuy.ledger.models import Entry, Invoice
from coopbuy.ledger.selectors import MonthlyStatement


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def invoice_pdf(invoice: Invoice) -> bytes:
    items = list(invoice.items.all())
    group = BuyingGroup.objects.get(pk=invoice.group_id)
    html = render_to_string(
        "ledger/pdf/invoice.html",
        {"invoice": invoice, "items": items, "vat": vat_breakdown(items), "group": group},
    )
    return _pdf(html)


def statement_pdf(statement: MonthlyStatement, group: BuyingGroup) -> bytes:
    html = render_to_string("ledger/pdf/statement.html", {"statement": statement, "group": group})
    return _pdf(html)


CSV_HEADER = [
    "transaction",
    "date",
    "kind",
    "description",
    "reference",
    "round",
    "account",
    "account_kind",
    "payment_reference",
    "debit",
    "credit",
    "reverses",
    "recorded_by",
    "recorded_at",
]

CENT = Decimal("0.01")


def transactions_csv(group: BuyingGroup) -> Iterator[str]:
    """Every entry of the group, oldest first, as CSV lines (streamed: no size limit)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(csv_row(CSV_HEADER))
    yield flush()
    entries = (
        Entry.objects.filter(transaction__group=group)
        .select_related("transaction", "transaction__created_by", "account")
        .order_by("transaction__booked_on", "transaction_id", "pk")
    )
    for entry in entries.iterator(chunk_size=2000):
        tx = entry.transaction
        writer.writerow(
            csv_row(
                [
                    tx.pk,
                    tx.booked_on.isoformat(),
                    tx.get_kind_display(),
                    tx.description,
                    tx.external_reference,
                    tx.round_reference,
                    entry.account.name,
                    entry.account.get_kind_display(),
                    entry.account.payment_reference or "",
                    (-entry.amount).quantize(CENT) if entry.amount < 0 else "",
                    entry.amount.quantize(CENT) if entry.amount > 0 else "",
                    tx.reverses_id or "",
                    tx.created_by.name if tx.created_by else _("system"),
                    tx.created_at.isoformat(timespec="seconds"),
                ]
            )
        )
        yield flush()
