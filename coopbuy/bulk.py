"""Writing many rows at once: COPY on PostgreSQL, `bulk_create` in batches elsewhere.

Closing a round of 10,000 households writes 200,000 allocation lines and charges 10,000 ledger
accounts inside one transaction; building a model instance per row and a multi-row INSERT costs
several times what COPY does, and `bulk_update`'s CASE per row grows with the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Model

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


def bulk_add[M: Model](
    model: type[M], field: str, deltas: Sequence[tuple[int, Any]], rows: dict[int, M]
) -> None:
    """Add `delta` to `field` of each row (pk, delta) whose locked instance is in `rows`.

    On PostgreSQL one UPDATE ... FROM (VALUES ...) per batch adds in the database (exact NUMERIC);
    elsewhere the instances (read under the caller's lock) are changed and bulk-updated, because
    SQLite would add decimals as floating point.
    """
    if not deltas:
        return
    if connection.vendor == "postgresql":
        opts = model._meta
        table = connection.ops.quote_name(opts.db_table)
        concrete = {f.name: str(f.column) for f in opts.concrete_fields}
        column = connection.ops.quote_name(concrete[field])
        pk = connection.ops.quote_name(concrete[opts.pk.name])
        with connection.cursor() as cursor:
            for start in range(0, len(deltas), BATCH):
                chunk = deltas[start : start + BATCH]
                values = ", ".join(["(%s::bigint, %s::numeric)"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} AS t SET {column} = t.{column} + v.delta "
                    f"FROM (VALUES {values}) AS v(id, delta) WHERE t.{pk} = v.id",
                    [value for pair in chunk for value in pair],
                )
        for key, delta in deltas:
            setattr(rows[key], field, getattr(rows[key], field) + delta)
        return
    for key, delta in deltas:
        setattr(rows[key], field, getattr(rows[key], field) + delta)
    model._default_manager.bulk_update(
        [rows[key] for key, _delta in deltas], [field], batch_size=1000
    )


def bulk_set(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `fields` of each row (pk, value, ...): the values in the order of `fields`.

    On PostgreSQL one UPDATE ... FROM (VALUES ...) per batch: `bulk_update`'s CASE per row and
    field costs more to build in Python than the database takes to run it (a pooled close of 50
    groups sets 25,000 products' cases). Elsewhere `bulk_update`.
    """
    if not rows:
        return
    opts = model._meta
    by_name = {f.name: f for f in opts.concrete_fields}
    chosen = [by_name[name] for name in fields]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(
            [model(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows],
            list(fields),
            batch_size=1000,
        )
        return
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    pk = opts.pk
    casts = [str(pk.rel_db_type(connection))] + [str(f.db_type(connection)) for f in chosen]
    names = ["id"] + [f"v{i}" for i in range(len(chosen))]
    template = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    sets = ", ".join(f"{quote(str(f.column))} = v.v{i}" for i, f in enumerate(chosen))
    prep = [pk, *chosen]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            params = [
                field.get_db_prep_save(value, connection)
                for row in chunk
                for field, value in zip(prep, row, strict=True)
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES "
                + ", ".join([template] * len(chunk))
                + f") AS v({', '.join(names)}) WHERE t.{quote(str(pk.column))} = v.id",
                params,
            )
