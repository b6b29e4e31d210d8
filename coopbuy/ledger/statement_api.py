"""The bank statement import of the API (treasurers): upload with a column mapping, review, book."""

from ninja import Router

router = Router(tags=["bank statements"])
