"""The errors of team deals, shown to people as they are."""

from __future__ import annotations

from coopbuy.errors import UserFacingError


class DealError(UserFacingError):
    pass
