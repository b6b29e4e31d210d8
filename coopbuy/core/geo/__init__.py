"""Where things are in Great Britain, offline: postcodes and place names to coordinates.

`gazetteer.geocode` reads the tables in `data/` (built by scripts/build_geo_tables.py from OS
Code-Point Open and GeoNames); `distance` measures and bounds; `osgb` converts the grid.
Pure Python: the web layer turns `GeocodeError` into words.
"""
