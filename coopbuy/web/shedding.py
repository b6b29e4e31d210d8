"""Load shedding: a request that waited too long in the queue is answered 503 at once, not served.

gunicorn's sync workers take one request at a time; when more arrive than they can serve (every
member at a round's deadline), the rest wait in the listen queue, and without this every one of them
is served in turn however late, so that the wait grows for as long as the rush lasts. The reverse
proxy stamps each request with the time it received it (nginx:
`proxy_set_header X-Request-Start "t=${msec}";`); a request that reaches a worker more than
`LOAD_SHED_QUEUE_SECONDS` after that stamp is refused before any other middleware, session or
database query, with 503 and Retry-After (problem+json under /api/), so that the workers spend their
time on requests that can still be answered in time. It changes nothing: nothing has run.

Off unless `LOAD_SHED_QUEUE_SECONDS` is set (a request without the header, or with one that cannot
be read, is always served). /health/ and /ready/ are never refused: a load balancer must not take
a busy server for a dead one. The stamp is trusted as the proxy sets it; a client that forges it
can only get its own request refused (an old stamp) or served as it would be without shedding.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopbuy.api.problems import problem_response

HEADER = "HTTP_X_REQUEST_START"
RETRY_AFTER = "2"
NEVER_SHED = ("/health/", "/ready/")


def queued_since(value: str) -> float | None:
    """The proxy's stamp as seconds since the epoch: `t=` then seconds (nginx's ${msec}),
    milliseconds or microseconds (Apache's %t); None when it is not a plausible time."""
    text = value.strip().removeprefix("t=")
    try:
        stamp = float(text)
    except ValueError:
        return None
    if not stamp > 0 or stamp != stamp or stamp == float("inf"):
        return None
    if stamp > 1e14:  # microseconds
        stamp /= 1_000_000
    elif stamp > 1e11:  # milliseconds
        stamp /= 1000
    return stamp


def shed_late_requests(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        limit = getattr(settings, "LOAD_SHED_QUEUE_SECONDS", None)
        value = request.META.get(HEADER)
        if limit is None or not value or request.path.startswith(NEVER_SHED):
            return get_response(request)
        since = queued_since(str(value))
        if since is None or time.time() - since <= float(limit):
            return get_response(request)
        detail = _("The server is too busy to answer in time. Try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = problem_response(503, detail, name="overloaded")
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = RETRY_AFTER
        return response

    return middleware
