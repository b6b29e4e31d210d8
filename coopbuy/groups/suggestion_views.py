"""Start a suggested group from my interest page (one POST; see `suggestion_start`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.groups.suggestion_start import suggestion_start
from coopbuy.interest.models import Suggestion


@login_required
@require_POST
def start(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        group = suggestion_start(suggestion_id=suggestion_id, user=request.user)
    except Suggestion.DoesNotExist as error:
        raise Http404(str(error)) from error
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect("interest:mine")
    messages.success(request, _("Your group is started and the others are invited."))
    return redirect("groups:detail", group.slug)
