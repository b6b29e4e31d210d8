"""Every error the API returns, as `application/problem+json` (RFC 9457), from one place.

Status codes: 422 when the request itself must change (it failed validation, or a service named
the field at fault), 409 when the request is fine but the current state refuses it (already a
member, the last coordinator cannot leave), 400 for a body that is not JSON or a malformed header,
401 without valid credentials, 403 without the role or scope, 404 for what does not exist or may not
be seen, 413 for a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), 429 over the rate
limit (with Retry-After), 503 while the database cannot be reached (with Retry-After:
`coopbuy.api.unavailable`). Nothing else reaches a client: no traceback,
no HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from coopbuy.api.parsing import TextNotStorable
from coopbuy.api.ratelimit import seconds_to_next_window, take_for_address
from coopbuy.api.schemas import PROBLEM_MEDIA_TYPE, FieldError, Problem
from coopbuy.api.unavailable import RETRY_AFTER_SECONDS, database_unreachable, unavailable_detail
from coopbuy.errors import UserFacingError

logger = logging.getLogger(__name__)

PROBLEM_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


class ApiProblem(Exception):
    """Raised by API plumbing (idempotency, headers) for a problem no service knows about."""

    def __init__(self, status: int, detail: str, *, name: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.name, self.field = status, detail, name, field


def problem_response(
    status: int,
    detail: str,
    *,
    name: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    title: str | None = None,
) -> HttpResponse:
    body = Problem(
        type=f"urn:coopbuy:problem:{name}" if name else "about:blank",
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=[FieldError(**error) for error in errors or []],
    )
    return JsonResponse(
        body.model_dump(mode="json"),
        status=status,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def problem_responses() -> dict[int, type[Problem]]:
    """The error responses every operation documents (add them to `response=`)."""
    return dict.fromkeys(PROBLEM_STATUSES, Problem)


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "payload", "name")` → "name"; `("query", "limit")` → "limit"."""
    parts = [str(p) for p in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_of(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem_response(
        422,
        _("The request has invalid fields; see errors."),
        name="validation-error",
        title=_("Invalid request"),
        errors=errors,
    )


def _user_facing(request: HttpRequest, exc: UserFacingError) -> HttpResponse:
    if exc.field:
        return problem_response(
            422,
            exc.message,
            name="invalid-value",
            title=_("A value cannot be used"),
            errors=[{"field": exc.field, "message": exc.message}],
        )
    return problem_response(
        409,
        exc.message,
        name="conflict",
        title=_("Not possible now"),
        errors=[{"field": None, "message": exc.message}],
    )


def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    errors = [{"field": exc.field, "message": exc.detail}] if exc.field else []
    return problem_response(exc.status, exc.detail, name=exc.name, errors=errors)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = str(exc) if isinstance(exc, Http404) and exc.args else _("Not found.")
    return problem_response(404, detail, name="not-found")


def _denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = str(exc) if exc.args else _("You may not do this.")
    return problem_response(403, detail, name="forbidden")


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if not take_for_address(request):
        return _too_many(request, Throttled(wait=seconds_to_next_window()))
    detail = exc.message if exc.message != "Unauthorized" else _("Log in or send a token.")
    response = problem_response(401, detail, name="unauthenticated")
    response["WWW-Authenticate"] = 'Bearer realm="coopbuy"'
    return response


def _too_many(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = int(exc.wait or seconds_to_next_window())
    response = problem_response(
        429,
        _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": wait},
        name="rate-limited",
    )
    response["Retry-After"] = str(wait)
    return response


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, TextNotStorable):
        field = exc.__cause__.field
        detail = _(
            "The text of %(field)s holds a lone surrogate (such as \\ud800), which is not a "
            "character: send valid Unicode."
        ) % {"field": field}
        return problem_response(
            400, detail, name="invalid-text", errors=[{"field": field, "message": detail}]
        )
    name = "bad-request" if exc.status_code == 400 else None
    return problem_response(exc.status_code, str(exc), name=name)


def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return problem_response(
        413,
        _("The request body is larger than %(size)s: send less at once.")
        % {"size": filesizeformat(limit)},
        name="too-large",
    )


def _database(request: HttpRequest, exc: Exception) -> HttpResponse:
    """503 with Retry-After while the database cannot be reached; any other database error is
    unexpected (`coopbuy.api.unavailable`)."""
    if not database_unreachable(exc):
        return _unexpected(request, exc)
    logger.error("Database unreachable on %s %s: %s", request.method, request.path, exc)
    response = problem_response(503, unavailable_detail(), name="unavailable")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(500, _("Something went wrong on our side."))


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (ValidationError, _validation),
    (UserFacingError, _user_facing),
    (ApiProblem, _api_problem),
    (Http404, _not_found),
    (PermissionDenied, _denied),
    (AuthenticationError, _unauthenticated),
    (Throttled, _too_many),
    (HttpError, _http_error),
    (RequestDataTooBig, _too_big),
    (TooManyFieldsSent, _too_big),
    (OperationalError, _database),
    (InterfaceError, _database),
    (Exception, _unexpected),
]


def install_problem_handlers(api: NinjaAPI) -> None:
    for exception, handler in HANDLERS:
        api.add_exception_handler(exception, handler)
