"""The treasurer's bookings through the API: top-ups, refunds, adjustments, reversals, settings.

Mirrors `coopbuy.ledger.treasurer_views`: only the group's treasurers and coordinators get here
(`group_for_treasurer`), every id is looked up inside the group (another group's member or
transaction is not found), and each write is one service call. A booking's `Idempotency-Key` also
keys the ledger posting (`ledger_key`), so a retry is one transaction even after the API's own key
record has expired.
"""

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import Membership
from coopbuy.ledger import selectors, services, treasury
from coopbuy.ledger.api_document_schemas import file_response
from coopbuy.ledger.api_router import ledger_key, router
from coopbuy.ledger.api_schemas import (
    AdjustmentIn,
    Id,
    LedgerSettingsIn,
    LedgerSettingsOut,
    RefundIn,
    ReverseIn,
    TopUpIn,
    TransactionDetailOut,
    TransactionFilter,
    TransactionOut,
)
from coopbuy.ledger.documents import transactions_csv
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.permissions import (
    group_for_treasurer,
    membership_in_group,
    transaction_in_group,
)

TRANSACTION = "/{slug:slug}/transactions/{int:transaction_id}"


def _for_member(posted: Transaction, member: Membership) -> Status[TransactionOut]:
    amount = posted.entries.get(account__membership=member).amount
    return Status(201, TransactionOut.of(posted, amount, member.pk))


@router.post("/{slug:slug}/top-ups", response={201: TransactionOut, **problem_responses()})
@idempotent
def record_top_up(request: HttpRequest, slug: str, payload: TopUpIn) -> Status[TransactionOut]:
    """Record money a member paid in, by bank transfer or cash (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    member = membership_in_group(group=group, membership_id=payload.membership_id)
    posted = treasury.ledger_top_up(
        membership=member,
        amount=payload.amount,
        method=payload.method,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        reference=payload.reference,
        booked_on=payload.booked_on,
    )
    return _for_member(posted, member)


@router.post("/{slug:slug}/refunds", response={201: TransactionOut, **problem_responses()})
@idempotent
def record_refund(request: HttpRequest, slug: str, payload: RefundIn) -> Status[TransactionOut]:
    """Pay money back to a member, never more than their credit (treasurers and coordinators).

    More than the balance, or zero, is a 422 naming `amount`.
    """
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    member = membership_in_group(group=group, membership_id=payload.membership_id)
    posted = treasury.ledger_refund(
        membership=member,
        amount=payload.amount,
        method=payload.method,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        reason=payload.reason,
    )
    return _for_member(posted, member)


@router.post("/{slug:slug}/adjustments", response={201: TransactionOut, **problem_responses()})
@idempotent
def record_adjustment(
    request: HttpRequest, slug: str, payload: AdjustmentIn
) -> Status[TransactionOut]:
    """Correct a member's balance with a reason they will see (treasurers and coordinators).

    A positive amount credits the member, a negative one charges them; zero is a 422 naming
    `amount`.
    """
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    member = membership_in_group(group=group, membership_id=payload.membership_id)
    posted = treasury.ledger_adjust(
        membership=member,
        amount=payload.amount,
        reason=payload.reason,
        actor=caller(request),
        idempotency_key=ledger_key(request),
    )
    return _for_member(posted, member)


@router.get(
    "/{slug:slug}/transactions", response={200: Page[TransactionDetailOut], **problem_responses()}
)
def list_transactions(
    request: HttpRequest, slug: str, filters: Query[TransactionFilter], paging: Query[Paging]
) -> Page[TransactionDetailOut]:
    """The group's transactions with their entries, newest first; filtered by `kind`, by an
    account they touch (`account_id`) or by the days they were booked (treasurers,
    coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    if filters.booked_from and filters.booked_to and filters.booked_to < filters.booked_from:
        raise UserFacingError(_("The last day comes before the first."), field="booked_to")
    rows = selectors.transactions_of_group(group=group, **filters.model_dump())
    return paginate(request, rows, paging, TransactionDetailOut.of)


@router.get(TRANSACTION, response={200: TransactionDetailOut, **problem_responses()})
def get_transaction(request: HttpRequest, slug: str, transaction_id: Id) -> TransactionDetailOut:
    """One transaction with all its entries (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    return TransactionDetailOut.of(transaction_in_group(group=group, transaction_id=transaction_id))


@router.post(f"{TRANSACTION}/reverse", response={201: TransactionDetailOut, **problem_responses()})
@idempotent
def reverse_transaction(
    request: HttpRequest, slug: str, transaction_id: Id, payload: ReverseIn
) -> Status[TransactionDetailOut]:
    """Undo a mistaken transaction by posting its mirror (treasurers and coordinators).

    Returns the reversal. A transaction is reversed at most once, and a reversal is not itself
    reversed: both are a 409. So is a reversal that would take a member beyond the group's
    credit rule (record an adjustment instead).
    """
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    original = transaction_in_group(group=group, transaction_id=transaction_id)
    reversal = treasury.ledger_reverse(
        original=original,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        reason=payload.reason,
    )
    return Status(201, TransactionDetailOut.of(reversal))


@router.get(
    "/{slug:slug}/transactions.csv",
    response=problem_responses(),
    openapi_extra=file_response(
        "text/csv", "Every entry of the group, one row each, oldest first."
    ),
)
def export_transactions(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The accountant's CSV: every entry of the group, oldest first (treasurers, coordinators).

    Columns: transaction, date, kind, description, reference, round, account, account_kind,
    payment_reference, debit, credit, reverses, recorded_by, recorded_at.
    """
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    response = StreamingHttpResponse(transactions_csv(group), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-ledger-{stamp}.csv"'
    return response


@router.get(
    "/{slug:slug}/ledger-settings", response={200: LedgerSettingsOut, **problem_responses()}
)
def get_ledger_settings(request: HttpRequest, slug: str) -> LedgerSettingsOut:
    """The group's money rules: prepayment, credit limit, invoice prefix (treasurers and
    coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    return LedgerSettingsOut.of(selectors.ledger_settings_of(group=group))


@router.patch(
    "/{slug:slug}/ledger-settings", response={200: LedgerSettingsOut, **problem_responses()}
)
def update_ledger_settings(
    request: HttpRequest, slug: str, payload: LedgerSettingsIn
) -> LedgerSettingsOut:
    """Change the money rules; only the fields sent change (null: unchanged) (treasurers and
    coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    current = services.settings_for(group)  # the rules in force (opened with a valid prefix)
    settings = treasury.ledger_settings_update(
        group=group,
        actor=caller(request),
        prepayment_required=(
            current.prepayment_required
            if payload.prepayment_required is None
            else payload.prepayment_required
        ),
        credit_limit=current.credit_limit if payload.credit_limit is None else payload.credit_limit,
        invoice_prefix=payload.invoice_prefix or current.invoice_prefix,
    )
    return LedgerSettingsOut.of(settings)
