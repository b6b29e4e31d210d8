"""What a round writes for people outside the screen: emails, purchase orders, pick lists.

Purchase orders and pick lists are Django templates rendered to HTML, then to PDF by WeasyPrint
(imported only when a PDF is made: it loads Pango); CSVs use the csv module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coopbuy.core.charges import MemberCharge
from coopbuy.core.display import display_money
from coopbuy.core.money import from_minor
from coopbuy.csvcells import csv_row
from coopbuy.groups.delivery import DeliveryDetails, delivery_of
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email
from coopbuy.reports.selectors import saving_sentences_by_email
from coopbuy.rounds.adapters import MemberLine
from coopbuy.rounds.models import Round, RoundProduct, RoundSupplier


def money(amount: Decimal | None, round: Round) -> str:
    """An amount of the round in the one money format (`core.display`), in the active language."""
    return display_money(amount or Decimal(0), round.currency, get_language() or "en")


class AllocationMail:
    """Members' result emails of one round: the sentences translated once, then filled per member.

    A big round sends thousands of these inside the close's transaction, so the body is built
    with format strings rather than a template render per line.
    """

    def __init__(self, round: Round) -> None:
        self.round = round
        context = {"round": round, "group": round.group}
        self.subject = render_to_string("rounds/email/allocation_subject.txt", context).strip()
        self.head = _("The round %(round)s has closed. This is what you get:") % {
            "round": round.name
        }
        self.line = _("- %(product)s: %(units)d of %(requested)d (%(amount)s)")
        self.labels = [
            ("goods", _("Goods")),
            ("deposit", _("Deposit")),
            ("vat", _("VAT")),
            ("markup", _("Markup")),
            ("delivery", _("Delivery")),
        ]
        self.total = _("Total")
        url = settings.SITE_URL + reverse("rounds:detail", args=[round.group.slug, round.pk])
        self.foot = _("See your order: %(url)s") % {"url": url}
        self.savings = saving_sentences_by_email(round_id=round.pk, currency=round.currency)

    def money(self, amount: Decimal) -> str:
        return display_money(amount, self.round.currency, get_language() or "en")

    def email(self, to: str, lines: list[MemberLine], charge: MemberCharge) -> Email:
        out = [self.head, ""]
        for x in lines:
            out.append(
                self.line
                % {"product": x.product, "units": x.units, "requested": x.requested,
                   "amount": self.money(x.amount)}
            )  # fmt: skip
            out.append(f"  {x.explanation}")
        out.append("")
        for name, label in self.labels:
            amount = getattr(charge, name)
            if amount or name != "deposit":
                out.append(f"{label}: {self.money(from_minor(amount))}")
        out.append(f"{self.total}: {self.money(from_minor(charge.total))}")
        if to in self.savings:
            out += ["", self.savings[to]]
        out += ["", self.foot, ""]
        return Email(to=[to], subject=self.subject, body="\n".join(out))


@dataclass(frozen=True)
class DeliveryChange:
    product: str
    before: int
    now: int
    reason: str


class DeliveryDigestMail:
    """After the coordinator finished receiving: one email per member whose order or bill moved.

    Every product the deliveries changed for the member (what they get now, and why), any new
    price of what they get, and the bill before and after; written once per receiving session.
    """

    def __init__(self, round: Round) -> None:
        self.round = round
        self.subject = _("%(round)s: what arrived, and your bill") % {"round": round.name}
        url = settings.SITE_URL + reverse("rounds:detail", args=[round.group.slug, round.pk])
        self.foot = _("See your order: %(url)s") % {"url": url}

    def email(
        self,
        *,
        to: str,
        changes: list[DeliveryChange],
        prices: list[tuple[str, Decimal, Decimal]],
        total_before: Decimal,
        total_now: Decimal,
        substitutes: Sequence[tuple[str, str]] = (),
    ) -> Email:
        out = [_("The delivery for %(round)s has been checked.") % {"round": self.round.name}, ""]
        for ordered, substitute in substitutes:
            out.append(
                _("%(product)s: the supplier sent %(substitute)s in its place.")
                % {"product": ordered, "substitute": substitute}
            )
        for change in changes:
            out.append(
                _("%(product)s: you get %(now)d (before: %(before)d).")
                % {"product": change.product, "now": change.now, "before": change.before}
            )
            if change.reason:
                out.append(f"  {change.reason}")
        for name, old, new in prices:
            out.append(
                _("%(product)s: the price is now %(price)s a unit (it was %(old)s).")
                % {"product": name, "price": money(new, self.round), "old": money(old, self.round)}
            )
        out.append("")
        if total_now != total_before:
            out.append(
                _("Your bill for the round is now %(now)s (it was %(before)s); your account "
                  "shows the difference.")
                % {"now": money(total_now, self.round), "before": money(total_before, self.round)}
            )  # fmt: skip
        else:
            out.append(
                _("Your bill for the round stays %(now)s.") % {"now": money(total_now, self.round)}
            )
        out += ["", self.foot, ""]
        return Email(to=[to], subject=self.subject, body="\n".join(out))


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
    def number(self) -> str:
        """Unique in the group and stable: the round and the supplier's place in it."""
        return f"PO-{self.round.pk:05d}-{self.supplier.pk}"

    @property
    def dated(self) -> datetime:
        return self.round.ordered_at or self.round.closed_at or timezone.now()

    @property
    def contacts(self) -> list[tuple[str, str]]:
        """The group's coordinators (name, email): whom the supplier asks about the order."""
        return list(
            Membership.objects.filter(
                group_id=self.round.group_id, role=Membership.Role.COORDINATOR
            )
            .order_by("pk")
            .values_list("user__display_name", "user__email")[:3]
        )

    @property
    def delivery(self) -> DeliveryDetails:
        """Where the supplier delivers and whom they call (the group's settings, maybe empty)."""
        return delivery_of(self.round.group)

    @property
    def wanted_by(self) -> date | None:
        return self.round.wanted_by

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
            csv_row([x.sku, x.name, x.unit, x.case_size, x.cases, x.units, x.unit_price, x.amount])
        )
    total = ["", "total", "", "", sum(x.cases for x in order.lines), "", "", order.total]
    writer.writerow(csv_row(total))
    # The order's particulars after the table, so that a program reading the table stops at the
    # blank row: key in the second column, value in the third.
    delivery = order.delivery
    wanted = order.wanted_by.isoformat() if order.wanted_by else ""
    writer.writerow([])
    for key, value in (
        ("order_number", order.number),
        ("date", timezone.localdate(order.dated).isoformat()),
        ("wanted_by", wanted),
        ("deliver_to", order.round.group.name),
        ("delivery_address", ", ".join(delivery.address.splitlines())),
        ("delivery_postcode", delivery.postcode),
        ("delivery_contact", delivery.contact_name),
        ("delivery_phone", delivery.contact_phone),
    ):
        writer.writerow(csv_row(["", key, value]))
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
