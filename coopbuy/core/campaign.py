"""The tipping point of a campaign: which pledges count, the price everyone pays, and how far it is.

A campaign offers one product (or bundle) with price tiers that open as more people join: a tier
is reached when the pledges that count reach its threshold, measured in *participants* (people with
a pledge) or in *units* (the sum of the pledged quantities). The campaign goes ahead (it *tips*)
when the lowest tier is reached by the deadline; then every counted pledge is filled at the price
of the best tier reached, the earliest pledgers included.

A *conditional* pledge ("only if the price reaches £4.10 or less") counts only at a price at or
below its limit. Conditions make the price and the counted set depend on each other; the rule
used here gives the unique best answer: the final price is the lowest tier price P such that the
pledges willing to pay P (unconditional ones, and conditional ones with a limit >= P) reach the
threshold of P's tier. At that price every counted pledge's condition holds, and no cheaper tier
can be reached by anybody's choice, so the answer is stable: nobody counted would be dropped and
nobody left out would be taken in. Conditional pledges left out are told why (`price_above_limit`).

Tiers: a list of (threshold, unit price), thresholds strictly increasing and prices strictly
decreasing; the first tier's threshold is the campaign's minimum. A cap (in units) bounds the sum of
all pledges' quantities, counted or not, so that a campaign never promises more than it can
deliver; it is checked when a pledge is made (`fits_cap`), under the campaign's lock.

Progress ("23 of 40 households: 17 more and it goes ahead; at 60 the price drops to £4.10") is
computed by `progress`: how many more participants or units reach the next tier from the counted
set now. Pure Python, exact `Decimal` money, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Measure = Literal["participants", "units"]


class CampaignRuleError(ValueError):
    """Tiers or pledges that break the rules above; the message names the field."""


@dataclass(frozen=True, slots=True)
class Tier:
    threshold: int  # participants or units, by the campaign's measure
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Pledge:
    key: str  # the caller's id for the pledge
    quantity: int
    max_price: Decimal | None = None  # None: unconditional


@dataclass(frozen=True, slots=True)
class Outcome:
    tipped: bool
    unit_price: Decimal | None  # the price everyone counted pays (None: not tipped)
    tier: int | None  # index into the tiers of the tier reached
    counted: tuple[str, ...]  # keys of the pledges filled, in the order given
    left_out: tuple[str, ...]  # conditional pledges whose limit is below the price reached
    participants: int  # counted
    units: int  # counted

    def amount_for(self, quantity: int) -> Decimal:
        """What a counted pledge of `quantity` units pays."""
        if self.unit_price is None:
            raise ValueError("the campaign did not tip")
        return self.unit_price * quantity


@dataclass(frozen=True, slots=True)
class Progress:
    measure: Measure
    reached: int  # participants or units counted now (at the best price reachable now)
    tipped: bool  # the minimum is reached now
    unit_price: Decimal | None  # the price if it ended now (None: not tipped)
    more_to_tip: int  # 0 once tipped
    next_threshold: int | None  # the next tier above what is reached (None: best tier reached)
    more_to_next: int | None
    next_price: Decimal | None
    minimum: int


def validate_tiers(tiers: Sequence[Tier]) -> None:
    if not tiers:
        raise CampaignRuleError("tiers: give at least one tier (the minimum and its price)")
    for i, tier in enumerate(tiers):
        if tier.threshold < 1:
            raise CampaignRuleError(f"tiers[{i}].threshold: must be at least 1")
        if tier.unit_price < 0:
            raise CampaignRuleError(f"tiers[{i}].unit_price: must not be negative")
        if i and tier.threshold <= tiers[i - 1].threshold:
            raise CampaignRuleError(f"tiers[{i}].threshold: must be above the tier before it")
        if i and tier.unit_price >= tiers[i - 1].unit_price:
            raise CampaignRuleError(f"tiers[{i}].unit_price: must be below the tier before it")


def validate_pledge(pledge: Pledge) -> None:
    if pledge.quantity < 1:
        raise CampaignRuleError("quantity: pledge at least 1")
    if pledge.max_price is not None and pledge.max_price < 0:
        raise CampaignRuleError("max_price: a price limit cannot be below zero")


def _size(pledges: Sequence[Pledge], measure: Measure) -> int:
    return len(pledges) if measure == "participants" else sum(p.quantity for p in pledges)


def _willing(pledges: Sequence[Pledge], price: Decimal) -> list[Pledge]:
    return [p for p in pledges if p.max_price is None or p.max_price >= price]


def outcome(*, tiers: Sequence[Tier], measure: Measure, pledges: Sequence[Pledge]) -> Outcome:
    """Who is filled at what price if the campaign ended now (see the module's rule)."""
    validate_tiers(tiers)
    for pledge in pledges:
        validate_pledge(pledge)
    for index in range(len(tiers) - 1, -1, -1):  # the cheapest tier first
        tier = tiers[index]
        willing = _willing(pledges, tier.unit_price)
        if _size(willing, measure) >= tier.threshold:
            counted = {p.key for p in willing}
            return Outcome(
                tipped=True,
                unit_price=tier.unit_price,
                tier=index,
                counted=tuple(p.key for p in pledges if p.key in counted),
                left_out=tuple(p.key for p in pledges if p.key not in counted),
                participants=len(willing),
                units=sum(p.quantity for p in willing),
            )
    return Outcome(False, None, None, (), tuple(p.key for p in pledges), 0, 0)


def progress(*, tiers: Sequence[Tier], measure: Measure, pledges: Sequence[Pledge]) -> Progress:
    """The figures behind "17 more and it goes ahead; at 60 the price drops to £4.10"."""
    now = outcome(tiers=tiers, measure=measure, pledges=pledges)
    minimum = tiers[0].threshold
    if not now.tipped:
        # Before tipping, what counts toward the minimum is who would pay the first tier's price.
        reached = _size(_willing(pledges, tiers[0].unit_price), measure)
        return Progress(
            measure, reached, False, None, minimum - reached, minimum, minimum - reached,
            tiers[0].unit_price, minimum,
        )  # fmt: skip
    assert now.tier is not None
    reached = now.participants if measure == "participants" else now.units
    if now.tier + 1 < len(tiers):
        following = tiers[now.tier + 1]
        # Those already willing at the next price count toward it; say how many more it needs.
        toward = _size(_willing(pledges, following.unit_price), measure)
        more = max(following.threshold - toward, 1)
        return Progress(
            measure, reached, True, now.unit_price, 0, following.threshold, more,
            following.unit_price, minimum,
        )  # fmt: skip
    return Progress(measure, reached, True, now.unit_price, 0, None, None, None, minimum)


def fits_cap(*, cap: int | None, pledged_units: int, change: int) -> bool:
    """Whether `change` more units (negative: fewer) keep all pledges within the cap."""
    return cap is None or change <= 0 or pledged_units + change <= cap
