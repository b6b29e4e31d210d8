"""Offline geocoding: the grid conversion, postcodes at three levels, place names, bad input."""

from __future__ import annotations

import pytest

from coopbuy.core.geo.distance import bounding_box, distance_km
from coopbuy.core.geo.gazetteer import GeocodeError, districts, geocode, sectors
from coopbuy.core.geo.osgb import grid_to_wgs84


def test_grid_conversion_matches_the_ordnance_surveys_worked_example() -> None:
    # OS "A guide to coordinate systems in Great Britain": TG 51409 13177 (Caister water tower)
    # lies at 52°39'28.8"N 1°42'57.8"E on WGS84.
    lat, lon = grid_to_wgs84(651409.903, 313177.270)
    assert distance_km(lat, lon, 52 + 39 / 60 + 28.8 / 3600, 1 + 42 / 60 + 57.8 / 3600) < 0.01


def test_a_full_postcode_gives_its_sectors_centroid() -> None:
    found = geocode("hx7 8ad")
    assert (found.kind, found.label, found.district) == ("postcode", "HX7 8AD", "HX7")
    assert (found.latitude, found.longitude) == (
        sectors()["HX7 8"].latitude,
        sectors()["HX7 8"].longitude,
    )
    # Hebden Bridge's station is about 1 km from the sector's centroid.
    assert distance_km(found.latitude, found.longitude, 53.7375, -2.0085) < 2


def test_a_postcode_typed_without_its_space_is_the_same_postcode() -> None:
    assert geocode("SW1A1AA").label == "SW1A 1AA"
    assert geocode("SW1A1AA") == geocode("SW1A 1AA")


def test_a_sector_and_a_district_give_their_own_centroids() -> None:
    sector, district = geocode("HX7 8"), geocode("HX7")
    assert sector.kind == "sector" and district.kind == "district"
    assert distance_km(sector.latitude, sector.longitude, district.latitude, district.longitude) < 3
    assert (district.latitude, district.longitude) == (
        districts()["HX7"].latitude,
        districts()["HX7"].longitude,
    )


def test_the_tables_cover_great_britain() -> None:
    assert len(sectors()) > 10_000 and len(districts()) > 2_800
    for code in ("AB10", "KW15", "TR18", "CF10", "NE1", "BT1"):
        assert (code in districts()) == (code != "BT1")  # Code-Point Open covers GB, not NI


def test_a_place_name_is_found_whatever_its_case_and_spacing() -> None:
    found = geocode("  hebden   BRIDGE ")
    assert (found.kind, found.label) == ("place", "Hebden Bridge (HX7)")
    assert distance_km(found.latitude, found.longitude, 53.7409, -2.0134) < 0.1


def test_a_shared_place_name_gives_the_largest_and_a_qualifier_narrows_it() -> None:
    biggest = geocode("Newport")
    assert biggest.district == "NP20" and "Newport (TF10)" in biggest.alternatives
    assert geocode("Newport, TF10").district == "TF10"
    assert geocode("Newport, PO").district == "PO30"
    assert geocode("Saint Ives") == geocode("St Ives")


def test_coordinates_are_taken_as_latitude_then_longitude() -> None:
    found = geocode("53.74, -2.01")
    assert (found.kind, found.latitude, found.longitude) == ("coordinates", 53.74, -2.01)


@pytest.mark.parametrize(
    ("text", "code", "value"),
    [
        ("", "empty", ""),
        ("HX99", "unknown_district", "HX99"),
        ("ZZ1 1AA", "unknown_district", "ZZ1"),
        ("HX7 4", "unknown_sector", "HX7 4"),
        ("HX7 1ZZ", "unknown_sector", "HX7 1"),
        ("12345", "malformed_postcode", "12345"),
        ("A1B2C3D", "malformed_postcode", "A1B2C3D"),
        ("91, 0", "coordinates_out_of_range", "91.0, 0.0"),
        ("Nowhere-on-Sea", "unknown_place", "Nowhere-on-Sea"),
        ("x" * 101, "too_long", "x" * 100),
    ],
)
def test_bad_input_says_what_is_wrong(text: str, code: str, value: str) -> None:
    with pytest.raises(GeocodeError) as raised:
        geocode(text)
    assert (raised.value.code, raised.value.value) == (code, value)


def test_a_misspelt_place_gets_suggestions() -> None:
    with pytest.raises(GeocodeError) as raised:
        geocode("Hebdon Bridge")
    assert "Hebden Bridge" in raised.value.suggestions


def test_distances_and_boxes() -> None:
    # London to Paris: 343.5 km as the crow flies.
    assert abs(distance_km(51.5074, -0.1278, 48.8566, 2.3522) - 343.5) < 1
    box = bounding_box(53.74, -2.01, 10)
    assert box.min_lat < 53.74 - 0.089 and box.max_lat > 53.74 + 0.089
    # A point 10 km due east lies inside the box.
    east = -2.01 + 10 / (111.195 * 0.5916)
    assert box.min_lon < east < box.max_lon
