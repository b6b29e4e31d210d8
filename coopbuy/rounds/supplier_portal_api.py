"""A supplier user's purchase orders through the API (read-only), mounted at /suppliers.

The supplier is found through `catalog.permissions.supplier_for_user`: a supplier the caller does
not act for is not found, whatever their role in the supplier's group.
"""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from coopbuy.api.auth import caller
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Money, Page, Paging
from coopbuy.catalog.api_schemas import Id
from coopbuy.catalog.permissions import supplier_for_user
from coopbuy.rounds.documents import OrderLine, purchase_order
from coopbuy.rounds.models import RoundSupplier
from coopbuy.rounds.supplier_portal import purchase_orders_of_supplier

supplier_orders_router = Router(tags=["supplier users"])


class PurchaseOrderLineOut(Schema):
    sku: str
    name: str
    unit: str
    case_size: int
    cases: int
    units: int
    unit_price: Money
    amount: Money

    @classmethod
    def of(cls, line: OrderLine) -> "PurchaseOrderLineOut":
        return cls(
            sku=line.sku,
            name=line.name,
            unit=line.unit,
            case_size=line.case_size,
            cases=line.cases,
            units=line.units,
            unit_price=line.unit_price,
            amount=line.amount,
        )


class PurchaseOrderOut(Schema):
    round_id: int
    round_name: str
    round_status: str
    group_name: str
    closes_at: datetime
    lines: list[PurchaseOrderLineOut]
    total: Money

    @classmethod
    def of(cls, row: RoundSupplier) -> "PurchaseOrderOut":
        order = purchase_order(row.round, row)
        return cls(
            round_id=row.round.pk,
            round_name=row.round.name,
            round_status=row.round.status,
            group_name=row.round.group.name,
            closes_at=row.round.closes_at,
            lines=[PurchaseOrderLineOut.of(line) for line in order.lines],
            total=Decimal(order.total),
        )


@supplier_orders_router.get(
    "/{int:supplier_id}/purchase-orders",
    response={200: Page[PurchaseOrderOut], **problem_responses()},
)
def list_purchase_orders(
    request: HttpRequest, supplier_id: Id, paging: Query[Paging]
) -> Page[PurchaseOrderOut]:
    """The purchase orders addressed to a supplier the caller acts for, newest first."""
    supplier = supplier_for_user(supplier_id=supplier_id, user=caller(request))
    return paginate(
        request, purchase_orders_of_supplier(supplier=supplier), paging, PurchaseOrderOut.of
    )
