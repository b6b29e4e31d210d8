"""Running a round through the API, as the coordinators' buttons on the round's page do.

Open a draft, cancel, send the orders to the suppliers, settle, and repeat every few weeks. Each
handler finds the round through `round_for_coordinator` and calls the one service the web view
calls; a state that refuses the step is a 409 with the service's sentence.
"""

from django.http import HttpRequest

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.problems import problem_responses
from coopbuy.rounds import billing, closing, services
from coopbuy.rounds.api_router import ROUND, Id, router
from coopbuy.rounds.api_schemas import RepeatIn, RoundOut, SettleOut
from coopbuy.rounds.models import Round
from coopbuy.rounds.permissions import round_for_coordinator
from coopbuy.rounds.schedules import round_repeat


def _round(request: HttpRequest, slug: str, round_id: int) -> Round:
    return round_for_coordinator(slug=slug, round_id=round_id, user=caller(request))[2]


def _fresh(round: Round) -> RoundOut:
    return RoundOut.of(Round.objects.prefetch_related("suppliers").get(pk=round.pk))


@router.post(f"{ROUND}/open", response={200: RoundOut, **problem_responses()})
@idempotent
def open_round(request: HttpRequest, slug: str, round_id: Id) -> RoundOut:
    """Open a draft round for orders, copying its suppliers' products and prices (coordinators).

    Only a draft opens (409 otherwise); a deadline already past is a 422 naming `closes_at`.
    """
    round = services.round_open(round=_round(request, slug, round_id), actor=caller(request))
    return _fresh(round)


@router.post(f"{ROUND}/cancel", response={200: RoundOut, **problem_responses()})
@idempotent
def cancel_round(request: HttpRequest, slug: str, round_id: Id) -> RoundOut:
    """Cancel a draft or open round (coordinators); any other round is a 409."""
    round = services.round_cancel(round=_round(request, slug, round_id), actor=caller(request))
    return _fresh(round)


@router.post(f"{ROUND}/send-order", response={200: RoundOut, **problem_responses()})
@idempotent
def send_order(request: HttpRequest, slug: str, round_id: Id) -> RoundOut:
    """Email each supplier ordered from its purchase order and mark the round ordered
    (coordinators).

    Only a closed round can be ordered (409 otherwise); a round already ordered is returned as it
    is, nothing sent twice.
    """
    round = closing.round_send_order(round=_round(request, slug, round_id), actor=caller(request))
    return _fresh(round)


@router.post(f"{ROUND}/settle", response={200: SettleOut, **problem_responses()})
@idempotent
def settle_round(request: HttpRequest, slug: str, round_id: Id) -> SettleOut:
    """Settle a delivered round: every member is sent an invoice (coordinators).

    Only an ordered or received round can be settled (409 otherwise); nothing can be received
    after.
    """
    round = _round(request, slug, round_id)
    issued = billing.round_settle(round=round, actor=caller(request))
    return SettleOut(round=_fresh(round), invoices=issued)


@router.post(f"{ROUND}/repeat", response={200: RoundOut, **problem_responses()})
@idempotent
def repeat_round(request: HttpRequest, slug: str, round_id: Id, payload: RepeatIn) -> RoundOut:
    """Repeat a draft or open round every `interval_weeks` weeks with the same settings: when it
    closes, the next one opens (coordinators).

    A round that already repeats, a pooled round's group round (the federation opens each pooled
    round), or one no longer draft or open, is a 409.
    """
    round = _round(request, slug, round_id)
    round_repeat(round=round, actor=caller(request), interval_weeks=payload.interval_weeks)
    return _fresh(round)
