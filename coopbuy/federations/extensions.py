"""Where areas above `federations` add to its money page, listed in settings so it imports none.

`money_panels`: extra panels on the federation's money page
(`settings.COOPBUY_FEDERATION_MONEY_PANELS`), each called as `panel(federation=..., user=...)`
and returning a template to include with what it reads, or nothing. Pooled rounds show what the
federation owes each supplier there, with the form to record paying one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from coopbuy.accounts.models import User
from coopbuy.federations.models import Federation


@dataclass(frozen=True)
class MoneyPanel:
    """A template to include on the federation's money page, and what it reads."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


class MoneyPanelStep(Protocol):
    def __call__(self, *, federation: Federation, user: User) -> MoneyPanel | None: ...


def money_panels(*, federation: Federation, user: User) -> list[MoneyPanel]:
    """The panels named in settings (read each time, so a test's settings override applies)."""
    panels = (
        import_string(path)(federation=federation, user=user)
        for path in settings.COOPBUY_FEDERATION_MONEY_PANELS
    )
    return [panel for panel in panels if panel is not None]
