"""The interest area of the API: my registered interest (GET, PUT, DELETE /api/v1/me/interest)."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from coopbuy.accounts.models import User
from coopbuy.api.auth import caller
from coopbuy.api.problems import problem_responses
from coopbuy.interest import selectors, services
from coopbuy.interest.api_schemas import InterestIn, InterestOut, NoticeOut
from coopbuy.interest.models import Interest

router = Router(tags=["interest"])


def _out(user: User, interest: Interest) -> InterestOut:
    waiting = selectors.waiting_near(
        latitude=float(interest.latitude),
        longitude=float(interest.longitude),
        km=interest.travel_km,
        exclude=user,
    )
    notices = [NoticeOut.of(n) for n in selectors.notices_for(user=user)[:50]]
    return InterestOut.of(interest, waiting=waiting, notices=notices)


@router.get("", response={200: InterestOut, **problem_responses()})
def get_my_interest(request: HttpRequest) -> InterestOut:
    """What I registered, how many others wait near me, and the groups I was told about."""
    user = caller(request)
    interest = selectors.interest_of(user=user)
    if interest is None:
        raise Http404(_("You have not registered interest: PUT /me/interest to do so."))
    return _out(user, interest)


@router.put("", response={200: InterestOut, **problem_responses()})
def put_my_interest(request: HttpRequest, payload: InterestIn) -> InterestOut:
    """Register or replace my interest; I am told when a group forms or opens near me."""
    user = caller(request)
    interest = services.interest_save(
        user=user,
        # Money serialises to a string in model_dump: take the Decimal itself.
        spend_per_round=payload.spend_per_round,
        **payload.model_dump(exclude={"spend_per_round"}),
    )
    return _out(user, interest)


@router.delete("", response={204: None, **problem_responses()})
def delete_my_interest(request: HttpRequest) -> Status[None]:
    """Delete my interest (and the notices about it); 404 if I had none."""
    if not services.interest_delete(user=caller(request)):
        raise Http404(_("You have not registered interest."))
    return Status(204, None)
