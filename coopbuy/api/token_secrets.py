"""How a token's secret is recognised and its use recorded: what authentication needs of tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from coopbuy.api.models import ApiToken

TOKEN_PREFIX = "cb_"


def hash_secret(secret: str) -> str:
    """What is stored: the SHA-256 of the secret (256 random bits need no salt nor slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_touch(token: ApiToken) -> None:
    """Record use at most once a minute (a conditional update: no lock, no lost write)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < timedelta(minutes=1):
        return
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gte=now - timedelta(minutes=1)
    ).update(last_used_at=now)
    token.last_used_at = now
