"""Inserting many rows of a model at once, for the few places that create thousands (opening
a quarter for a whole organ).

`bulk_create` prepares and sends every column of every object: for a wide model most of those
are the same default, converted and sent once per row. Here only the columns that differ are
sent per row; every other column gets the model's default, converted once. On PostgreSQL the
rows travel as one array per column (`INSERT … SELECT … FROM unnest(…)`); elsewhere as one
prepared statement executed for every row. Like `bulk_create`, no signals are sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router, transaction

CHUNK = 50_000


def insert_many(model: type[models.Model], fields: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (values of `fields`, in that order); returns how many were inserted."""
    if not rows:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    by_name = {field.attname: field for field in meta.concrete_fields}
    given = [by_name[name] for name in fields]
    rest = [field for field in meta.concrete_fields
            if not field.primary_key and field.attname not in fields]
    defaults = [field.get_db_prep_save(field.get_default(), connection) for field in rest]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*given, *rest])
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [f"c{n}" for n in range(len(given))]
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in given)
            # Only names from the model's own metadata are formatted in; values are parameters.
            sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
                   f"SELECT {', '.join([*names, *['%s'] * len(rest)])} "
                   f"FROM unnest({arrays}) AS u({', '.join(names)})")
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start:start + CHUNK]
                columns_of_chunk = [list(column) for column in zip(*chunk, strict=True)]
                cursor.execute(sql, [*defaults, *columns_of_chunk])
        else:
            marks = ", ".join(["%s"] * (len(given) + len(rest)))
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, [(*row, *defaults) for row in rows])
    return len(rows)
