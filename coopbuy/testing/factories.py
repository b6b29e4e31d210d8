"""Factories: the shortest honest way to get a person, a group or a membership in a test."""

from __future__ import annotations

import itertools
from typing import Any

from allauth.account.models import EmailAddress

from coopbuy.accounts.models import User
from coopbuy.groups import services
from coopbuy.groups.models import BuyingGroup, Membership

PASSWORD = "a-long-test-password"
_numbers = itertools.count(1)


def make_user(name: str | None = None, *, email: str | None = None, verified: bool = True) -> User:
    number = next(_numbers)
    name = name or f"Person {number}"
    email = email or f"{name.lower().replace(' ', '.')}.{number}@example.org"
    user = User.objects.create_user(email, PASSWORD, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_group(coordinator: User | None = None, **fields: Any) -> BuyingGroup:
    number = next(_numbers)
    fields.setdefault("name", f"Group {number}")
    return services.group_create(creator=coordinator or make_user(), **fields)


def add_member(group: BuyingGroup, user: User | None = None, role: str = "member") -> Membership:
    """Put someone straight into a group (what a test needs, not a user journey)."""
    return Membership.objects.create(group=group, user=user or make_user(), role=role)


def coordinator_of(group: BuyingGroup) -> User:
    return Membership.objects.active().filter(group=group, role="coordinator").earliest("pk").user
