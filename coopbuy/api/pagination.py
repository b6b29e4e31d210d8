"""Limit/offset pages with one envelope everywhere: `{items, count, next, previous}`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest

from coopbuy.api.schemas import Page, Paging


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


def paginate[T](
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    paging: Paging,
    convert: Callable[[Any], T],
) -> Page[T]:
    """One page of `rows`, each turned into an output schema by `convert`."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start, limit = paging.offset, paging.limit
    items = [convert(row) for row in rows[start : start + limit]]
    return Page[T](
        items=items,
        count=count,
        next=_link(request, limit, start + limit) if start + limit < count else None,
        previous=_link(request, limit, max(0, start - limit)) if start > 0 else None,
    )
