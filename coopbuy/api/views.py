"""problem+json for addresses under /api/ that do not exist, and for methods they do not take."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from coopbuy.api.problems import problem_response
from coopbuy.api.schemas import PROBLEM_MEDIA_TYPE


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
