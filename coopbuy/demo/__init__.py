"""The demo data set that `coopbuy demo` seeds: realistic, deterministic and idempotent."""
