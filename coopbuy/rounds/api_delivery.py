"""A round's delivery through the API: receiving, pick lists, collection and purchase orders.

All for coordinators, as on the web: the round is found through `round_for_coordinator`; writes go
through `receiving.round_receive_product` and `receiving.round_mark_collected`. The PDF and CSV
files are the very ones the web serves (`documents`).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.groups.models import Membership
from coopbuy.rounds import closing, documents, extensions, receiving, selectors
from coopbuy.rounds.api_delivery_schemas import (
    CollectIn,
    CollectionOut,
    ProductPickOut,
    ReceivedProductOut,
    ReceiveIn,
    ReceivingDoneOut,
)
from coopbuy.rounds.api_router import ROUND, Id, router
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import MemberRoundCharge, ReceivingRecord, Round, RoundProduct
from coopbuy.rounds.permissions import round_for_coordinator


def _file(media_type: str, what: str) -> dict[str, Any]:
    """The OpenAPI description of a file download (the 200 of `response={200: None, …}`)."""
    return {
        "responses": {
            200: {
                "description": what,
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "Content-Disposition": {
                        "description": "How to show the file and its name, e.g. "
                        'attachment; filename="order-elm-12-farm-a.csv".',
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    }


def _coordinated(request: HttpRequest, slug: str, round_id: int) -> tuple[Membership, Round]:
    _group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=caller(request)
    )
    return membership, round


def _received_product(product: RoundProduct) -> ReceivedProductOut:
    records = (
        ReceivingRecord.objects.filter(product=product)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )
    sent = _drop_units(product.round)
    return ReceivedProductOut.of(product, list(records), sent.get(product.pk) if sent else None)


def _drop_units(round: Round) -> dict[int, int] | None:
    """A pooled round's group: what the federation sent of each product (None: not pooled)."""
    return None if round.pool_id is None else extensions.pooled_drop_units(round=round)


@router.get(f"{ROUND}/receiving", response={200: Page[ReceivedProductOut], **problem_responses()})
def receiving_list(
    request: HttpRequest, slug: str, round_id: Id, paging: Query[Paging]
) -> Page[ReceivedProductOut]:
    """The products ordered in the round, by name, with their cases, what arrived and every
    receiving record (coordinators). Empty before the round closes."""
    _membership, round = _coordinated(request, slug, round_id)
    products = (
        RoundProduct.objects.filter(round=round, cases__gt=0)
        .select_related("supplier")
        .order_by("name", "pk")
    )
    records: dict[int, list[ReceivingRecord]] = {}
    for record in (
        ReceivingRecord.objects.filter(round=round)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    ):
        records.setdefault(record.product_id, []).append(record)
    sent = _drop_units(round)
    return paginate(
        request,
        products,
        paging,
        lambda p: ReceivedProductOut.of(
            p, records.get(p.pk, []), sent.get(p.pk, 0) if sent is not None else None
        ),
    )


@router.post(f"{ROUND}/receiving", response={200: ReceivedProductOut, **problem_responses()})
@idempotent
def receive_product(
    request: HttpRequest, slug: str, round_id: Id, payload: ReceiveIn
) -> ReceivedProductOut:
    """Record what arrived of one product: shortages are shared out again by the round's rule and
    members' bills follow (coordinators).

    Only a closed, ordered or received round takes deliveries (409 otherwise); a product not in the
    round is a 422 naming `product`. Returns the product with its new record first.
    """
    _membership, round = _coordinated(request, slug, round_id)
    record = receiving.round_receive_product(
        round=round,
        actor=caller(request),
        product_id=payload.product,
        units_received=payload.units_received,
        invoice_unit_price=payload.invoice_unit_price,
        substitute_name=payload.substitute_name,
        note=payload.note,
    )
    product = RoundProduct.objects.select_related("supplier").get(pk=record.product_id)
    return _received_product(product)


@router.post(f"{ROUND}/receiving/done", response={200: ReceivingDoneOut, **problem_responses()})
@idempotent
def receiving_done(request: HttpRequest, slug: str, round_id: Id) -> ReceivingDoneOut:
    """Finished receiving: each member whose order or bill the deliveries recorded since last time
    changed gets one email with all of it (coordinators).

    Recording a delivery sends nothing by itself; calling this again with nothing new tells
    nobody. A round not being received is a 409.
    """
    _membership, round = _coordinated(request, slug, round_id)
    return ReceivingDoneOut(
        members_told=receiving.round_receiving_done(round=round, actor=caller(request))
    )


@router.get(
    f"{ROUND}/pick-list/products", response={200: Page[ProductPickOut], **problem_responses()}
)
def pick_list_by_product(
    request: HttpRequest, slug: str, round_id: Id, paging: Query[Paging]
) -> Page[ProductPickOut]:
    """For sorting: each product, by name, and how many go into whose bag (coordinators)."""
    _membership, round = _coordinated(request, slug, round_id)
    return paginate(request, selectors.pick_list_by_product(round=round), paging, ProductPickOut.of)


@router.get(
    f"{ROUND}/pick-lists.pdf",
    response={200: None, **problem_responses()},
    openapi_extra=_file("application/pdf", "The pick lists: each member's bag, then sorting."),
)
def pick_lists_pdf(request: HttpRequest, slug: str, round_id: Id) -> HttpResponse:
    """The pick lists as a PDF to print, as on the web: bags per member, then per product
    (coordinators)."""
    membership, round = _coordinated(request, slug, round_id)
    context = {
        "group": round.group,
        "membership": membership,
        "round": round,
        "can_manage": True,
        "bags": selectors.pick_list_by_member(round=round),
        "picks": selectors.pick_list_by_product(round=round),
    }
    response = HttpResponse(
        documents.pdf("rounds/pdf/pick_lists.html", context), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="pick-lists-{round.pk}.pdf"'
    return response


@router.get(f"{ROUND}/collection", response={200: Page[CollectionOut], **problem_responses()})
def collection_list(
    request: HttpRequest, slug: str, round_id: Id, paging: Query[Paging]
) -> Page[CollectionOut]:
    """The collection checklist: every member with a bag, by name, and whether they have
    collected it (coordinators)."""
    _membership, round = _coordinated(request, slug, round_id)
    return paginate(request, selectors.collection_list(round=round), paging, CollectionOut.of)


@router.put(
    f"{ROUND}/collection/{{int:membership_id}}",
    response={200: CollectionOut, **problem_responses()},
)
def mark_collected(
    request: HttpRequest, slug: str, round_id: Id, membership_id: Id, payload: CollectIn
) -> CollectionOut:
    """Tick (or untick) a member's bag at the collection table, with a note on any problem
    (coordinators). A member with nothing to collect is a 409."""
    _membership, round = _coordinated(request, slug, round_id)
    charge = receiving.round_mark_collected(
        round=round,
        actor=caller(request),
        membership_id=membership_id,
        collected=payload.collected,
        note=payload.note,
    )
    return CollectionOut.of(
        MemberRoundCharge.objects.select_related("membership__user").get(pk=charge.pk)
    )


def _purchase_order(
    request: HttpRequest, slug: str, round_id: int, supplier_id: int
) -> documents.PurchaseOrder:
    _membership, round = _coordinated(request, slug, round_id)
    if round.status not in closing.FROZEN:
        raise RoundError(_("The order exists once the round has closed."))
    supplier = round.suppliers.filter(supplier_id=supplier_id).first()
    if supplier is None:
        raise Http404(_("This supplier is not in the round."))
    return documents.purchase_order(round, supplier)


def _download(body: bytes, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


SUPPLIER_ORDER = f"{ROUND}/suppliers/{{int:supplier_id}}"


@router.get(
    f"{SUPPLIER_ORDER}/order.pdf",
    response={200: None, **problem_responses()},
    openapi_extra=_file("application/pdf", "The purchase order to the supplier."),
)
def purchase_order_pdf(
    request: HttpRequest, slug: str, round_id: Id, supplier_id: Id
) -> HttpResponse:
    """The purchase order to one of the round's suppliers as a PDF, as emailed to it; 409 before
    the round closes (coordinators)."""
    order = _purchase_order(request, slug, round_id, supplier_id)
    return _download(
        documents.purchase_order_pdf(order), "application/pdf", f"{order.filename}.pdf"
    )


@router.get(
    f"{SUPPLIER_ORDER}/order.csv",
    response={200: None, **problem_responses()},
    openapi_extra=_file("text/csv", "The purchase order to the supplier, one line per product."),
)
def purchase_order_csv(
    request: HttpRequest, slug: str, round_id: Id, supplier_id: Id
) -> HttpResponse:
    """The purchase order to one of the round's suppliers as CSV (sku, name, unit, case_size,
    cases, units, unit_price, amount, then a total line); 409 before the round closes
    (coordinators)."""
    order = _purchase_order(request, slug, round_id, supplier_id)
    return _download(documents.purchase_order_csv(order), "text/csv", f"{order.filename}.csv")
