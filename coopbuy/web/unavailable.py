"""Django's `handler500`: a page saying coopbuy is briefly unavailable while the database cannot
be reached (503 with Retry-After), Django's own 500 page for anything else.

Django calls it for an exception nothing else handled, from a view or from a middleware (the
session saved on the way out, say), inside its `except` block: `sys.exc_info()` is that exception.
The page is rendered without a request, so no context processor runs (they read the user and the
messages, from the database), and it needs nothing but the template and the static files' names.
Under /api/ the answer is problem+json, as the API's own handler answers for an error inside an
operation (`coopbuy.api.problems`). Which errors count: `coopbuy.api.unavailable`.
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

from coopbuy.api.problems import problem_response
from coopbuy.api.unavailable import RETRY_AFTER_SECONDS, database_unreachable, unavailable_detail


def server_error(request: HttpRequest) -> HttpResponse:
    if not database_unreachable(sys.exc_info()[1]):
        return defaults.server_error(request)
    detail = unavailable_detail()
    if request.path.startswith("/api/"):
        response = problem_response(503, detail, name="unavailable")
    else:
        page = loader.get_template("503.html").render(
            {"detail": detail, "retry_url": request.get_full_path()}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
