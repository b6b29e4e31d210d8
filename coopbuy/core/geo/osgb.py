"""British National Grid (OSGB36 eastings and northings) to WGS84 latitude and longitude.

The Ordnance Survey's own recipe ("A guide to coordinate systems in Great Britain", annexes B, C
and E): invert the National Grid's transverse Mercator projection on the Airy 1830 ellipsoid, then
move the point from the OSGB36 datum to WGS84 with the published seven-parameter Helmert
transformation. Good to about 5 metres over Great Britain, far better than the postcode
centroids it converts need.
"""

from __future__ import annotations

import math

# Airy 1830 ellipsoid and the National Grid's projection.
_AIRY_A = 6_377_563.396
_AIRY_B = 6_356_256.909
_F0 = 0.9996012717
_LAT0 = math.radians(49.0)
_LON0 = math.radians(-2.0)
_E0 = 400_000.0
_N0 = -100_000.0

# WGS84 ellipsoid.
_WGS_A = 6_378_137.0
_WGS_B = 6_356_752.3142

# OSGB36 -> WGS84 Helmert parameters (metres, parts per million, arc-seconds).
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S_PPM = -20.4894
_RX, _RY, _RZ = 0.1502, 0.2470, 0.8421


def _meridional_arc(phi: float) -> float:
    a, b = _AIRY_A, _AIRY_B
    n = (a - b) / (a + b)
    n2, n3 = n * n, n * n * n
    d, s = phi - _LAT0, phi + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n2 + 1.25 * n3) * d
            - (3 * n + 3 * n2 + 2.625 * n3) * math.sin(d) * math.cos(s)
            + (1.875 * n2 + 1.875 * n3) * math.sin(2 * d) * math.cos(2 * s)
            - (35 / 24) * n3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Latitude and longitude in radians on the OSGB36 datum for a National Grid point."""
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    phi = (northing - _N0) / (a * _F0) + _LAT0
    for _ in range(20):
        m = _meridional_arc(phi)
        if abs(northing - _N0 - m) < 0.00001:
            break
        phi += (northing - _N0 - m) / (a * _F0)
    sin_phi, cos_phi, tan_phi = math.sin(phi), math.cos(phi), math.tan(phi)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_phi * sin_phi)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_phi * sin_phi) ** 1.5
    eta2 = nu / rho - 1
    t2, t4, t6 = tan_phi**2, tan_phi**4, tan_phi**6
    sec = 1 / cos_phi
    vii = tan_phi / (2 * rho * nu)
    viii = tan_phi / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_phi / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - _E0
    lat = phi - vii * de**2 + viii * de**4 - ix * de**6
    lon = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return lat, lon


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    return (
        nu * math.cos(lat) * math.cos(lon),
        nu * math.cos(lat) * math.sin(lon),
        (1 - e2) * nu * math.sin(lat),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z + e2 * nu * math.sin(lat), p)
    return lat, math.atan2(y, x)


def osgb36_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Radians on OSGB36 to radians on WGS84 (Helmert transformation, heights ignored)."""
    x, y, z = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    s = _S_PPM * 1e-6
    rx, ry, rz = (math.radians(r / 3600) for r in (_RX, _RY, _RZ))
    x2 = _TX + (1 + s) * x - rz * y + ry * z
    y2 = _TY + rz * x + (1 + s) * y - rx * z
    z2 = _TZ - ry * x + rx * y + (1 + s) * z
    return _from_cartesian(x2, y2, z2, _WGS_A, _WGS_B)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """WGS84 latitude and longitude in degrees for a British National Grid point."""
    lat, lon = osgb36_to_wgs84(*grid_to_osgb36(easting, northing))
    return math.degrees(lat), math.degrees(lon)
