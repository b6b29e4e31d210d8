"""The errors of pooled rounds, shown to people as they are."""

from __future__ import annotations

from coopbuy.errors import UserFacingError


class PooledError(UserFacingError):
    pass
