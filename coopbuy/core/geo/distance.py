"""Distances on the Earth's surface and the boxes that contain them."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius): within 0.5 % anywhere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Box:
    """A latitude/longitude rectangle: every point within `km` of the centre lies inside it."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, km: float) -> Box:
    dlat = km / KM_PER_DEGREE_LATITUDE
    # The widest longitude span is at the box's edge nearest a pole.
    edge = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(edge))))
    return Box(
        max(-90.0, lat - dlat),
        min(90.0, lat + dlat),
        max(-180.0, lon - dlon),
        min(180.0, lon + dlon),
    )
