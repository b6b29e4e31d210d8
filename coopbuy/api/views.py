"""The token settings page, and problem+json for addresses under /api/ that do not exist."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.api import services
from coopbuy.api.forms import TokenForm
from coopbuy.api.models import ApiToken
from coopbuy.api.problems import problem_response
from coopbuy.api.schemas import PROBLEM_MEDIA_TYPE
from coopbuy.errors import UserFacingError


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke my tokens; a new token's secret is shown on this response only."""
    user = _user(request)
    form = TokenForm(request.POST or None, user=user)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = services.token_create(
                user=user,
                name=data["name"],
                scope=data["scope"],
                group=data["group"],
                days_valid=data["days_valid"],
            )
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = TokenForm(user=user)
    rows = ApiToken.objects.filter(user=user).select_related("group")
    now = timezone.now()
    context = {
        "form": form,
        "secret": secret,
        "rows": [(token, token.state(now)) for token in rows],
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may carry a new secret
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=_user(request)).first()
    if token is None:
        messages.error(request, _("There is no such token among yours."))
    else:
        services.token_revoke(token=token, user=_user(request))
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:tokens")


def method_not_allowed_as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a wrong method with a bare text 405: make it problem+json too."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            PROBLEM_MEDIA_TYPE
        ):
            return response
        problem = problem_response(
            405,
            _("This address does not take %(method)s requests.") % {"method": request.method},
            name="method-not-allowed",
        )
        problem["Allow"] = response["Allow"]
        return problem

    return wrapped


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return problem_response(404, _("There is nothing at this address."), name="not-found")
