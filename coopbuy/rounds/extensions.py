"""The places where areas above `rounds` plug in, listed in settings so `rounds` imports none.

`close_steps`: run in a round's close transaction after the members' charges are posted
(`settings.COOPBUY_ROUND_CLOSE_STEPS`). `receive_steps`: run in a receiving session's transaction
after the members' charges are stored again and posted (`settings.COOPBUY_ROUND_RECEIVE_STEPS`),
for a round's own receiving and for a pooled round's (at the federation or at a group's drop).
`ordering_panels`: extra panels on a member's ordering
page (`settings.COOPBUY_ORDERING_PANELS`). `pooled_drop_receiver` and `pooled_drop_units`:
receiving a child round of a pooled round, i.e. its group's drop
(`settings.COOPBUY_POOLED_DROP_RECEIVER`, `settings.COOPBUY_POOLED_DROP_UNITS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from coopbuy.accounts.models import User
from coopbuy.core.charges import MemberCharge
from coopbuy.groups.models import Membership
from coopbuy.rounds.models import ReceivingRecord, Round


@dataclass(frozen=True)
class Panel:
    """A template to include on the ordering page, and what it reads."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


class CloseStep(Protocol):
    def __call__(
        self, *, round: Round, charges: Mapping[int, MemberCharge], actor: User | None
    ) -> None: ...


class ReceiveStep(Protocol):
    """`charges`: membership id -> the charge just stored; `key`: the receiving session, the same
    on a retry, so a step can post idempotently."""

    def __call__(
        self,
        *,
        round: Round,
        charges: Mapping[int, MemberCharge],
        actor: User | None,
        key: str,
    ) -> None: ...


class OrderingPanel(Protocol):
    def __call__(self, *, round: Round, membership: Membership) -> Panel | None: ...


class DropReceiver(Protocol):
    def __call__(
        self,
        *,
        round: Round,
        actor: User,
        product_id: int,
        units_received: int,
        invoice_unit_price: Decimal | None,
        substitute_name: str,
        note: str,
    ) -> ReceivingRecord: ...


class DropUnits(Protocol):
    def __call__(self, *, round: Round) -> dict[int, int]: ...


def pooled_drop_receiver() -> DropReceiver:
    receiver: DropReceiver = import_string(settings.COOPBUY_POOLED_DROP_RECEIVER)
    return receiver


def pooled_drop_units(*, round: Round) -> dict[int, int]:
    """Units of each product (RoundProduct pk ->) the federation sent a child round's group."""
    units: DropUnits = import_string(settings.COOPBUY_POOLED_DROP_UNITS)
    return units(round=round)


def close_steps() -> tuple[CloseStep, ...]:
    return tuple(import_string(path) for path in settings.COOPBUY_ROUND_CLOSE_STEPS)


def receive_steps() -> tuple[ReceiveStep, ...]:
    return tuple(import_string(path) for path in settings.COOPBUY_ROUND_RECEIVE_STEPS)


def basket_panels(*, round: Round, membership: Membership) -> list[Panel]:
    """The ordering page's panels whose figures follow the member's basket, for the answer to a
    basket change (out of band): `settings.COOPBUY_BASKET_PANELS`. Each returns None when its
    panel does not change with the basket (not a pooled round, no subsidy programme)."""
    panels = (
        import_string(path)(round=round, membership=membership)
        for path in settings.COOPBUY_BASKET_PANELS
    )
    return [panel for panel in panels if panel is not None]


def ordering_panels(*, round: Round, membership: Membership) -> list[Panel]:
    panels = (
        import_string(path)(round=round, membership=membership)
        for path in settings.COOPBUY_ORDERING_PANELS
    )
    return [panel for panel in panels if panel is not None]
