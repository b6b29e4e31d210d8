"""Member invoices: one per member and round, numbered without gaps per group and year.

Numbers look like "HEB-2026-0001". The next number comes from the group's `InvoiceSequence` row for
the year, locked with `select_for_update(no_key=True)`, so two invoices issued at once get
consecutive numbers and a rolled-back issue leaves no gap (the counter rolls back with it).

An invoice line's `amount` is the line total *including* VAT (what the member pays); the VAT
breakdown extracts the tax per rate as `gross x rate / (1 + rate)`, rounded half up per rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.money import quantize
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Invoice, InvoiceItem, InvoiceSequence
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.selectors import format_money
from coopbuy.ledger.services import LedgerError, member_account, settings_for
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.outbox.services import outbox_enqueue


@dataclass(frozen=True)
class InvoiceLine:
    """What the round closer hands over per line; `amount` includes VAT."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class VatRow:
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


def vat_breakdown(items: Sequence[InvoiceItem | InvoiceLine]) -> list[VatRow]:
    """Gross, net and VAT per rate, lowest rate first; the rows' gross adds up to the total."""
    gross: dict[Decimal, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for item in items:
        gross[Decimal(item.vat_rate)] += item.amount
    rows = []
    for rate in sorted(gross):
        vat = quantize(gross[rate] * rate / (1 + rate))
        rows.append(VatRow(rate=rate, net=gross[rate] - vat, vat=vat, gross=gross[rate]))
    return rows


def _next_number(membership: Membership, year: int) -> str:
    sequence, _created = InvoiceSequence.objects.get_or_create(
        group_id=membership.group_id, year=year
    )
    sequence = InvoiceSequence.objects.select_for_update(no_key=True).get(pk=sequence.pk)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    prefix = settings_for(membership.group).invoice_prefix
    return f"{prefix}-{year}-{sequence.last_number:04d}"


@transaction.atomic
def invoice_issue(
    *,
    membership: Membership,
    source: Source,
    round_reference: str,
    lines: Sequence[InvoiceLine],
    actor: User | None,
) -> Invoice:
    """Issue the member's invoice for a round (again: the same invoice) and email them a link.

    `source` is what the invoice is for (the round, by id); `round_reference` is its label.
    """
    if source.kind == SourceKind.MANUAL or source.id is None:
        raise LedgerError(_("An invoice is issued for a round."))
    require_money_role(group=membership.group, user=actor)
    if not lines:
        raise LedgerError(_("An invoice needs at least one line."))
    for line in lines:
        if quantize(line.amount) != line.amount:
            raise LedgerError(_("Invoice amounts must be in pounds and pence."))
    account = member_account(membership)
    existing = Invoice.objects.filter(
        account=account, source_kind=source.kind, source_id=source.id
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    invoice = Invoice.objects.create(
        group_id=membership.group_id,
        account=account,
        number=_next_number(membership, timezone.localdate(now).year),
        round_reference=round_reference,
        source_kind=source.kind,
        source_id=source.id,
        member_name=membership.user.name,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        issued_at=now,
        created_by=actor,
    )
    InvoiceItem.objects.bulk_create(
        InvoiceItem(
            invoice=invoice,
            position=position,
            description=line.description[:300],
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            amount=line.amount,
        )
        for position, line in enumerate(lines, start=1)
    )
    group = membership.group
    audit_record(
        action="ledger.invoice_issued",
        summary=_("Invoice %(number)s issued to %(member)s for %(round)s")
        % {"number": invoice.number, "member": invoice.member_name, "round": round_reference},
        actor=actor,
        group=group,
        subject=membership.user,
        data={"invoice": invoice.pk, "total": str(invoice.total)},
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "ledger:invoice_pdf", args=[group.slug, invoice.pk]
    )
    outbox_enqueue(
        to=[membership.user.email],
        subject=_("Your invoice %(number)s from %(group)s")
        % {"number": invoice.number, "group": group.name},
        body=_(
            "Hello %(name)s,\n\nyour invoice %(number)s for %(round)s comes to %(total)s.\n"
            "Download it here: %(link)s\n\n%(group)s"
        )
        % {
            "name": membership.user.name,
            "number": invoice.number,
            "round": round_reference,
            "total": format_money(invoice.total, group.currency),
            "link": link,
            "group": group.name,
        },
    )
    return invoice
