"""Fixtures shared by the tests outside the apps: the API matrix's world of groups A and B."""

from coopbuy.api.tests.conftest import world

__all__ = ["world"]
