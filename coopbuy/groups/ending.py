"""What other areas say when a membership is about to end.

`groups` sits below rounds and the ledger and never imports them, yet a person may not leave while a
round they ordered in is unsettled or their balance is not zero. Each area above provides a step
(listed in `settings.COOPBUY_MEMBERSHIP_END_STEPS`): `refusals` says why the membership cannot end
now (in words that say what to do), and `before_end` tidies up inside the same transaction once
nothing refuses (an open round's basket is emptied).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership


class MembershipEndStep(Protocol):
    def refusals(self, membership: Membership, *, leaving: bool) -> list[str]:
        """Why this membership cannot end now; `leaving`: the member asked, not a coordinator."""
        ...

    def before_end(self, membership: Membership, *, actor: User) -> None:
        """Tidy up in the same transaction, just before the membership ends."""
        ...


@cache
def end_steps() -> tuple[MembershipEndStep, ...]:
    return tuple(import_string(path) for path in settings.COOPBUY_MEMBERSHIP_END_STEPS)


def end_refusals(membership: Membership, *, leaving: bool) -> list[str]:
    return [reason for step in end_steps() for reason in step.refusals(membership, leaving=leaving)]


def before_end(membership: Membership, *, actor: User) -> None:
    for step in end_steps():
        step.before_end(membership, actor=actor)
