"""The pooled order's email to the supplier, with each group's drop listed (as a round's is).

Sent when the federation's coordinator sends the order (`pooled_round_mark_ordered`), as a
single group's purchase order goes out when its coordinator sends it (`rounds.closing.
round_send_order`): to the supplier's email for orders, through the outbox, with the order and
the drops as one CSV (the same file as the pooled round page's download). A supplier without an
email for orders gets nothing; the page and the CSV still list everything.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.text import slugify

from coopbuy.csvcells import csv_row
from coopbuy.federations.models import FederationRole
from coopbuy.groups.models import BuyingGroup
from coopbuy.outbox.services import Email
from coopbuy.pooled import selectors
from coopbuy.pooled.models import PooledDrop, PooledRound


def order_csv(pool: PooledRound) -> bytes:
    """The order to the supplier, then each group's drop: one CSV, text cells guarded."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "group", "sku", "product", "case_size", "cases", "units",
                     "unit_price", "amount"])  # fmt: skip
    for line in selectors.purchase_order(pool):
        writer.writerow(csv_row(["order", "", line.sku, line.name, line.case_size, line.cases,
                                 line.units, line.unit_price, line.amount]))  # fmt: skip
    for d in selectors.drops(pool):
        writer.writerow(csv_row(["drop", d.group.name, d.sku, d.name, d.case_size, "", d.units,
                                 d.unit_price, d.units * d.unit_price]))  # fmt: skip
    return out.getvalue().encode()


def order_email(pool: PooledRound) -> Email | None:
    """The purchase order to the pool's supplier (None: the supplier has no email for orders)."""
    to = pool.supplier.order_email
    if not to:
        return None
    drops: dict[int, list[PooledDrop]] = {}
    groups: dict[int, BuyingGroup] = {}
    for d in selectors.drops(pool):
        drops.setdefault(d.group_id, []).append(d)
        groups[d.group_id] = d.group
    lines = selectors.purchase_order(pool)
    contacts = list(
        FederationRole.objects.filter(
            federation=pool.federation, role=FederationRole.Role.COORDINATOR, ended_at=None
        )
        .order_by("pk")
        .values_list("user__display_name", "user__email")[:3]
    )
    context = {
        "pool": pool,
        "federation": pool.federation,
        "supplier": pool.supplier,
        "number": f"PO-P{pool.pk:05d}",
        "lines": lines,
        "total": sum((x.amount for x in lines), Decimal(0)),
        "drops": [(groups[g], drops[g]) for g in sorted(groups, key=lambda g: groups[g].name)],
        "contacts": contacts,
    }
    name = f"order-{slugify(pool.federation.slug)}-p{pool.pk}-{slugify(pool.supplier.name)}"
    return Email(
        to=[to],
        subject=render_to_string("pooled/email/order_subject.txt", context).strip(),
        body=render_to_string("pooled/email/order.txt", context),
        attachments=[(f"{name}.csv", order_csv(pool), "text/csv")],
    )
