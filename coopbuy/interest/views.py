"""My interest: register, change or delete it; see the waiting list and what I was told."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.interest import selectors, services, suggestions
from coopbuy.interest.forms import InterestForm
from coopbuy.interest.models import Suggestion
from coopbuy.interest.suggestions_api import SuggestionOut


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    interest = selectors.interest_of(user=user)
    initial = InterestForm.initial_for(interest)
    if interest is None and request.GET.get("postcode"):
        initial["postcode"] = request.GET["postcode"][:12]
    form = InterestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.interest_save(user=user, **form.service_arguments())
        except UserFacingError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _("Your interest is saved. We will tell you when a group near you forms or opens.")
                if interest is None
                else _("Your interest is changed."),
            )
            return redirect("interest:mine")
    waiting = (
        selectors.waiting_near(
            latitude=float(interest.latitude),
            longitude=float(interest.longitude),
            km=interest.travel_km,
            exclude=user,
        )
        if interest is not None
        else 0
    )
    context = {
        "form": form,
        "interest": interest,
        "waiting": waiting,
        "notices": selectors.notices_for(user=user)[:20],
        "suggestions": [
            SuggestionOut.of(s, user) for s in suggestions.suggestions_for(user=user)[:10]
        ],
    }
    return render(request, "interest/mine.html", context)


@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    if services.interest_delete(user=_user(request)):
        messages.success(request, _("Your interest is deleted: you are off the waiting list."))
    else:
        messages.info(request, _("You had no registered interest."))
    return redirect("interest:mine")


@login_required
@require_POST
def suggestion_answer(request: HttpRequest, suggestion_id: int, answer: str) -> HttpResponse:
    """Accept or decline a suggested group (a POST form on my interest page)."""
    if answer not in {"accept", "decline"}:
        raise Http404(_("Accept or decline."))
    action = suggestions.suggestion_accept if answer == "accept" else suggestions.suggestion_decline
    try:
        action(suggestion_id=suggestion_id, user=_user(request))
    except Suggestion.DoesNotExist as error:
        raise Http404(str(error)) from error
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You accepted: we will tell you when the group starts.")
            if answer == "accept"
            else _("You declined this group."),
        )
    return redirect("interest:mine")
