"""The token settings page: list, create and revoke my personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.api.models import ApiToken
from coopbuy.errors import UserFacingError
from coopbuy.tokens import services
from coopbuy.tokens.forms import TokenForm


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
    response = render(request, "tokens/tokens.html", context)
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
    return redirect("tokens:tokens")
