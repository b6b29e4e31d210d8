"""Rate limits in fixed windows, counted in the database so that every worker process shares them.

A counter is raised only while it is below the limit (a conditional UPDATE), and a new window's row
is inserted under a unique constraint, so two workers racing can neither lose a count nor both pass
the last allowed request.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from coopbuy.api.auth import Principal, client_address, rate_limit_settings
from coopbuy.api.models import RateCounter


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


def take_for_address(request: HttpRequest) -> bool:
    """Requests without valid credentials count against their IP address's anonymous limit."""
    return take(f"ip:{client_address(request)}", int(rate_limit_settings()["anonymous"]))


class DatabaseRateThrottle(BaseThrottle):
    """Per token, per signed-in person, or per IP address for anonymous callers."""

    def allow_request(self, request: HttpRequest) -> bool:
        auth = getattr(request, "auth", None)
        if not isinstance(auth, Principal):
            return take_for_address(request)
        return take(auth.key, limit_for(auth))

    def wait(self) -> float:
        return float(seconds_to_next_window())
