"""What other areas say before a group leaves a federation.

`federations` sits below pooled rounds and never imports them, yet a group may not leave while a
pooled round it ordered in is unsettled. Each area above lists a step in
`settings.COOPBUY_FEDERATION_LEAVE_STEPS`, called as `step(federation=..., group=...)`; it returns
why the group cannot leave now (in words that say what to do), or nothing. Modelled on
`coopbuy.groups.ending` and `COOPBUY_MEMBERSHIP_END_STEPS`.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from coopbuy.federations.models import Federation
from coopbuy.groups.models import BuyingGroup


class FederationLeaveStep(Protocol):
    def __call__(self, *, federation: Federation, group: BuyingGroup) -> list[str]:
        """Why `group` cannot leave `federation` now (empty: nothing stops it)."""
        ...


def leave_steps() -> tuple[FederationLeaveStep, ...]:
    """The steps named in settings (read each time, so a test's settings override applies)."""
    return tuple(import_string(path) for path in settings.COOPBUY_FEDERATION_LEAVE_STEPS)


def leave_refusals(*, federation: Federation, group: BuyingGroup) -> list[str]:
    return [reason for step in leave_steps() for reason in step(federation=federation, group=group)]
