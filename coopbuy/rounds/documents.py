"""What a round writes for people outside the screen: emails, purchase orders, pick lists.

Purchase orders and pick lists are Django templates rendered to HTML, then to PDF by WeasyPrint
(imported only when a PDF is made: it loads Pango); CSVs use the csv module.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor
from coopbuy.outbox.services import Email
from coopbuy.rounds.adapters import MemberLine
from coopbuy.rounds.models import Round, RoundProduct, RoundSupplier


def allocation_email(round: Round, to: str, lines: list[MemberLine], charge: MemberCharge) -> Email:
    context = {
        "round": round,
        "group": round.group,
        "lines": lines,
        "charge": {
            name: from_minor(getattr(charge, name))
            for name in ("goods", "deposit", "vat", "markup", "delivery", "total")
        },
        "url": settings.SITE_URL + reverse("rounds:detail", args=[round.group.slug, round.pk]),
    }
    return Email(
        to=[to],
        subject=render_to_string("rounds/email/allocation_subject.txt", context).strip(),
        body=render_to_string("rounds/email/allocation.txt", context),
    )


@dataclass(frozen=True)
class OrderLine:
    sku: str
    name: str
    unit: str
    case_size: int
    cases: int
    units: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PurchaseOrder:
    round: Round
    supplier: RoundSupplier
    lines: list[OrderLine]
    total: Decimal

    @property
    def filename(self) -> str:
        return (
            f"order-{slugify(self.round.group.slug)}-{self.round.pk}-{slugify(self.supplier.name)}"
        )


def purchase_order(round: Round, supplier: RoundSupplier) -> PurchaseOrder:
    lines = []
    for p in RoundProduct.objects.filter(supplier=supplier, cases__gt=0).order_by("sku", "pk"):
        price = p.applied_unit_price or p.unit_price
        units = (p.cases or 0) * p.case_size
        lines.append(
            OrderLine(
                p.sku,
                p.name,
                p.unit_description,
                p.case_size,
                p.cases or 0,
                units,
                price,
                price * units,
            )
        )
    return PurchaseOrder(round, supplier, lines, sum((x.amount for x in lines), Decimal(0)))


def purchase_order_csv(order: PurchaseOrder) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["sku", "name", "unit", "case_size", "cases", "units", "unit_price", "amount"])
    for x in order.lines:
        writer.writerow(
            [x.sku, x.name, x.unit, x.case_size, x.cases, x.units, x.unit_price, x.amount]
        )
    writer.writerow(["", "total", "", "", sum(x.cases for x in order.lines), "", "", order.total])
    return out.getvalue().encode()


def pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is made

    html = render_to_string(template, context)
    return bytes(HTML(string=html, base_url=settings.SITE_URL).write_pdf())


def purchase_order_pdf(order: PurchaseOrder) -> bytes:
    return pdf("rounds/pdf/purchase_order.html", {"order": order, "group": order.round.group})


def purchase_order_email(round: Round, supplier: RoundSupplier, order: PurchaseOrder) -> Email:
    context = {"round": round, "group": round.group, "supplier": supplier, "order": order}
    return Email(
        to=[supplier.order_email],
        subject=render_to_string("rounds/email/order_subject.txt", context).strip(),
        body=render_to_string("rounds/email/order.txt", context),
        attachments=[
            (order.filename + ".pdf", purchase_order_pdf(order), "application/pdf"),
            (order.filename + ".csv", purchase_order_csv(order), "text/csv"),
        ],
    )
