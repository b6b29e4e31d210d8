"""Errors the catalogue's services raise; each is shown to the person who asked."""

from __future__ import annotations

from coopbuy.errors import UserFacingError


class CatalogError(UserFacingError):
    pass


class ImportOutdated(CatalogError):
    """The catalogue changed after the preview was made: the preview must be made again."""
