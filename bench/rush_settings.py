"""Settings for `bench/rush.py` only: the product's settings with the benchmark's URL map.

`rush_urls` adds the baseline view (one INSERT) in front of the product's own URLs; nothing else
changes, so the baseline and the product are served by the same gunicorn, middleware and database.
"""

from coopbuy.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.rush_urls"
