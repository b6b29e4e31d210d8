"""Rate limits in fixed windows, counted in the database so that every worker process shares them.

A counter is raised only while it is below the limit (a conditional UPDATE), and a new window's row
is inserted under a unique constraint, so two workers racing can neither lose a count nor both pass
the last allowed request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle

from coopbuy.api.auth import Principal, client_address, rate_limit_settings
from coopbuy.api.models import RateCounter

QUOTA_ATTRIBUTE = "coopbuy_rate_quota"


@dataclass(frozen=True)
class Quota:
    """What a caller may still send in the current window, as the RateLimit-* headers tell it."""

    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def rate_limit_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: every API reply says the caller's limit, what is left and when it resets."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        quota = getattr(request, QUOTA_ATTRIBUTE, None)
        if isinstance(quota, Quota):
            for name, value in quota.headers().items():
                response[name] = value
        return response

    return middleware


def _window() -> tuple[datetime, float]:
    """The current window's start and the seconds left until the next one."""
    length = int(rate_limit_settings()["window_seconds"])
    now = time.time()
    start = now - now % length
    return datetime.fromtimestamp(start, UTC), start + length - now


def seconds_to_next_window() -> int:
    return max(1, int(_window()[1] + 0.999))


def limit_for(principal: Principal) -> int:
    limits = rate_limit_settings()
    if principal.token is not None:
        return int(limits["token"])
    if principal.user.is_authenticated:
        return int(limits["user"])
    return int(limits["anonymous"])


def take(bucket: str, limit: int) -> bool:
    """Count one request in `bucket`; False when the window's limit is already reached."""
    start, _left = _window()
    counters = RateCounter.objects.filter(bucket=bucket, window_start=start)
    if counters.filter(count__lt=limit).update(count=F("count") + 1):
        return True
    if limit < 1:
        return False
    if not counters.exists():
        try:
            with transaction.atomic():
                RateCounter.objects.create(bucket=bucket, window_start=start, count=1)
        except IntegrityError:
            pass  # another worker opened the window first: count on its row below
        else:
            RateCounter.objects.filter(window_start__lt=start).delete()  # past windows: unread
            return True
    # The row exists now (rows of the current window are never deleted): one more conditional try.
    return bool(counters.filter(count__lt=limit).update(count=F("count") + 1))


def take_counted(request: HttpRequest, bucket: str, limit: int) -> bool:
    """`take`, remembering on the request what is left, for the RateLimit-* response headers."""
    allowed = take(bucket, limit)
    start, _left = _window()
    used = (
        RateCounter.objects.filter(bucket=bucket, window_start=start)
        .values_list("count", flat=True)
        .first()
    )
    remaining = max(0, limit - (used or 0))
    setattr(request, QUOTA_ATTRIBUTE, Quota(limit, remaining, seconds_to_next_window()))
    return allowed


def take_for_address(request: HttpRequest) -> bool:
    """Requests without valid credentials count against their IP address's anonymous limit."""
    limit = int(rate_limit_settings()["anonymous"])
    return take_counted(request, f"ip:{client_address(request)}", limit)


class DatabaseRateThrottle(BaseThrottle):
    """Per token, per signed-in person, or per IP address for anonymous callers."""

    def allow_request(self, request: HttpRequest) -> bool:
        auth = getattr(request, "auth", None)
        if not isinstance(auth, Principal):
            return take_for_address(request)
        return take_counted(request, auth.key, limit_for(auth))

    def wait(self) -> float:
        return float(seconds_to_next_window())
