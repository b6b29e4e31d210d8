"""Share a cost (delivery, a handling charge) among members, exact to the penny.

Bases: by goods value (the default and allocation rule 6), by weight, equally per household, and
per collection point (each point carries an equal part, shared equally among its households).
Remainder rule, the same for every basis and taken from allocation rule 6: every exact share is
floored, then the pennies left go one at a time to the largest shares first, ties by member id.
The parts always sum exactly to the cost; a negative cost (a refund) is shared as a mirror image.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from coopbuy.core.money import DEFAULT_MINOR_UNITS, from_minor, quantize, split_minor, to_minor


def share_minor(total: int, weights: Mapping[str, int | Fraction | Decimal]) -> dict[str, int]:
    """Split `total` minor units pro rata to `weights`; remainder to the largest shares, then id."""
    keys = sorted(weights)
    parts = split_minor(total, [weights[k] for k in keys], tiebreak_keys=keys, rule="largest_share")
    return dict(zip(keys, parts, strict=True))


def _share(
    total: Decimal, weights: Mapping[str, int | Fraction | Decimal], minor_units: int
) -> dict[str, Decimal]:
    minor = to_minor(quantize(total, minor_units), minor_units)
    return {k: from_minor(v, minor_units) for k, v in share_minor(minor, weights).items()}


def share_by_value(
    total: Decimal, values: Mapping[str, Decimal], *, minor_units: int = DEFAULT_MINOR_UNITS
) -> dict[str, Decimal]:
    """Pro rata to each member's goods value (all zero values: equally)."""
    return _share(total, values, minor_units)


def share_by_weight(
    total: Decimal, weights: Mapping[str, Decimal], *, minor_units: int = DEFAULT_MINOR_UNITS
) -> dict[str, Decimal]:
    """Pro rata to the weight (kg) each member takes home."""
    return _share(total, weights, minor_units)


def share_equally(
    total: Decimal, members: list[str], *, minor_units: int = DEFAULT_MINOR_UNITS
) -> dict[str, Decimal]:
    """The same part for every household (the remainder pennies by member id)."""
    return _share(total, dict.fromkeys(members, 1), minor_units)


def share_per_collection_point(
    total: Decimal, point_of_member: Mapping[str, str], *, minor_units: int = DEFAULT_MINOR_UNITS
) -> dict[str, Decimal]:
    """An equal part per collection point, shared equally among the households collecting there.

    Two steps, each exact: the points' parts sum to the total and each point's members' parts sum to
    that point's part.
    """
    points: dict[str, list[str]] = {}
    for member, point in point_of_member.items():
        points.setdefault(point, []).append(member)
    minor = to_minor(quantize(total, minor_units), minor_units)
    per_point = share_minor(minor, dict.fromkeys(points, 1))
    result: dict[str, Decimal] = {}
    for point, members in points.items():
        for member, part in share_minor(per_point[point], dict.fromkeys(members, 1)).items():
            result[member] = from_minor(part, minor_units)
    return result
