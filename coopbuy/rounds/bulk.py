"""Inserting many rows at once: COPY on PostgreSQL, `bulk_create` in batches elsewhere.

Closing a round of 10,000 households writes 200,000 allocation lines inside one transaction;
building a model instance per line and a multi-row INSERT costs several times what COPY does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert `rows` (values in the order of `fields`, attnames such as `round_id`)."""
    if connection.vendor == "postgresql":
        opts = model._meta
        concrete = {f.attname: str(f.column) for f in opts.concrete_fields}
        columns = ", ".join(connection.ops.quote_name(concrete[f]) for f in fields)
        table = connection.ops.quote_name(opts.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            model._default_manager.bulk_create(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch)
