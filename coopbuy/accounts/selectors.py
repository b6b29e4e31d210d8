"""Reads about people's accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from coopbuy.accounts.models import User


def has_verified_email(*, user: User, email: str) -> bool:
    """Whether `email` is one of the user's addresses and they have confirmed it."""
    return bool(EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists())
