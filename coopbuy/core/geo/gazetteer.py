"""Find where a postcode, a town or village, or a pair of coordinates is.

    >>> geocode("HX7 8AD").label
    'HX7 8AD'

A full postcode gives its sector's centroid (the tables hold sectors and districts, not single
addresses: close enough to say which group is nearest, and no more precise than a person needs
to share); a sector or a district gives its own centroid; a town or village gives GeoNames'
point for it, the most populous of several with one name unless a district or country narrows
it ("Newport, TF10", "Newport, Wales"); "53.74, -2.01" is taken as latitude and longitude.
Errors are `GeocodeError`s carrying a code and the value, for the caller to put into words.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

Kind = Literal["postcode", "sector", "district", "place", "coordinates"]
ErrorCode = Literal[
    "empty",
    "too_long",
    "malformed_postcode",
    "unknown_district",
    "unknown_sector",
    "unknown_place",
    "coordinates_out_of_range",
]

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; "
    "place names from GeoNames (CC BY 4.0)"
)
MAX_QUERY = 100

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_LOOKS_LIKE_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9 ]*$")
_COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    kind: Kind
    label: str  # how to name it back to the person: "HX7 8AD", "Hebden Bridge (HX7)"
    district: str = ""  # the postcode district it lies in, when known
    alternatives: tuple[str, ...] = field(default=())  # other places of the same name


@dataclass(frozen=True)
class Area:
    """A row of the sector or district table: its centroid and how many postcodes it holds."""

    code: str
    latitude: float
    longitude: float
    postcodes: int


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    population: int
    district: str
    country: str

    @property
    def label(self) -> str:
        return (
            f"{self.name} ({self.district})" if self.district else f"{self.name} ({self.country})"
        )


class GeocodeError(ValueError):
    def __init__(self, code: ErrorCode, value: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(f"{code}: {value}")
        self.code: ErrorCode = code
        self.value = value
        self.suggestions = suggestions


def _rows(name: str) -> Iterator[list[str]]:
    raw = resources.files("coopbuy.core.geo").joinpath("data", name).read_bytes()
    reader = csv.reader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    next(reader)
    yield from reader


@cache
def sectors() -> dict[str, Area]:
    """Every postcode sector of Great Britain ("HX7 8") with its centroid."""
    return _areas("postcode_sectors.csv.gz")


@cache
def districts() -> dict[str, Area]:
    """Every postcode district of Great Britain ("HX7") with its centroid."""
    return _areas("postcode_districts.csv.gz")


def _areas(name: str) -> dict[str, Area]:
    return {r[0]: Area(r[0], float(r[1]), float(r[2]), int(r[3])) for r in _rows(name)}


@cache
def places() -> dict[str, tuple[Place, ...]]:
    """Towns and villages by folded name, most populous first."""
    by_name: dict[str, list[Place]] = {}
    for r in _rows("places.csv.gz"):
        place = Place(r[0], float(r[1]), float(r[2]), int(r[3]), r[4], r[5])
        by_name.setdefault(fold(place.name), []).append(place)
    return {
        key: tuple(sorted(found, key=lambda p: -p.population)) for key, found in by_name.items()
    }


def fold(text: str) -> str:
    """A name as compared: no accents, case, punctuation or extra spaces; "St" for "Saint"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()
    return re.sub(r"^saint ", "st ", text)


def normalise_postcode(text: str) -> str:
    """Upper case, single spaces; a full postcode typed without its space gets one."""
    compact = re.sub(r"\s+", "", text.upper())
    full = _FULL.match(compact)
    if full:
        return f"{full.group(1)} {full.group(2)}"
    return re.sub(r"\s+", " ", text.upper().strip())


def geocode(text: str) -> Location:
    """Where `text` is; raises GeocodeError saying why not."""
    text = text.strip()
    if not text:
        raise GeocodeError("empty", "")
    if len(text) > MAX_QUERY:
        raise GeocodeError("too_long", text[:MAX_QUERY])
    coordinates = _COORDINATES.match(text)
    if coordinates:
        return coordinates_location(float(coordinates.group(1)), float(coordinates.group(2)))
    if any(ch.isdigit() for ch in text.partition(",")[0]):  # postcodes have digits, names not
        if not _LOOKS_LIKE_POSTCODE.match(text.upper()):
            raise GeocodeError("malformed_postcode", text)
        return geocode_postcode(text)
    return geocode_place(text)


def coordinates_location(lat: float, lon: float) -> Location:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeocodeError("coordinates_out_of_range", f"{lat}, {lon}")
    return Location(lat, lon, "coordinates", f"{lat:.4f}, {lon:.4f}")


def geocode_postcode(text: str) -> Location:
    code = normalise_postcode(text)
    full = _FULL.match(code.replace(" ", ""))
    if full and " " in code:
        district, inward = full.group(1), full.group(2)
        return _in_sector(f"{district} {inward[0]}", label=code, kind="postcode")
    sector = _SECTOR.match(code)
    if sector:
        return _in_sector(code, label=code, kind="sector")
    if _DISTRICT.match(code):
        return _district(code)
    compact = code.replace(" ", "")
    if _DISTRICT.match(compact[:-1]) and compact[-1].isdigit() and compact not in districts():
        # "HX78": a sector typed without its space.
        return _in_sector(f"{compact[:-1]} {compact[-1]}", label=compact, kind="sector")
    raise GeocodeError("malformed_postcode", code)


def _district(code: str) -> Location:
    area = districts().get(code)
    if area is None:
        raise GeocodeError("unknown_district", code)
    return Location(area.latitude, area.longitude, "district", code, district=code)


def _in_sector(sector: str, *, label: str, kind: Kind) -> Location:
    district = sector.split(" ")[0]
    area = sectors().get(sector)
    if area is not None:
        return Location(area.latitude, area.longitude, kind, label, district=district)
    if district not in districts():
        raise GeocodeError("unknown_district", district)
    raise GeocodeError("unknown_sector", sector)


def geocode_place(text: str) -> Location:
    name, _, qualifier = text.partition(",")
    found = places().get(fold(name))
    if not found:
        raise GeocodeError("unknown_place", text.strip(), suggest_places(name))
    narrowed = _narrow(found, qualifier.strip()) if qualifier.strip() else found
    if not narrowed:
        raise GeocodeError("unknown_place", text.strip(), tuple(p.label for p in found[:5]))
    best = narrowed[0]
    others = tuple(p.label for p in found if p is not best)
    return Location(
        best.latitude, best.longitude, "place", best.label, district=best.district,
        alternatives=others,
    )  # fmt: skip


def _narrow(found: tuple[Place, ...], qualifier: str) -> tuple[Place, ...]:
    q = qualifier.upper().replace(" ", "")
    by_district = tuple(p for p in found if p.district == q)
    if by_district:
        return by_district
    by_area = tuple(p for p in found if re.sub(r"\d.*", "", p.district) == q)
    if by_area:
        return by_area
    return tuple(p for p in found if fold(p.country) == fold(qualifier))


def suggest_places(text: str, limit: int = 5) -> tuple[str, ...]:
    """Names close to `text` (a typo, or the start of a longer name)."""
    key = fold(text)
    if not key:
        return ()
    table = places()
    starts = [k for k in table if k.startswith(key)]
    close = difflib.get_close_matches(key, table.keys(), n=limit, cutoff=0.8)
    keys = list(dict.fromkeys([*close, *sorted(starts, key=lambda k: -table[k][0].population)]))
    return tuple(table[k][0].name for k in keys[:limit])
