"""Model instances from rows of a hand-written SELECT, for the few hot paths whose ORM query costs
more CPU to build than the database takes to answer it (API token lookup, the help path).

Values are converted exactly as the ORM converts them (backend and field converters), and the
instances are ordinary loaded models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def select_columns(model: type[Model], alias: str) -> list[str]:
    """``alias."column"`` for each concrete field of ``model``, in field order."""
    qn = connection.ops.quote_name
    return [f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields]


def converted(model: type[Model], name: str, value: Any) -> Any:
    """A raw column value of ``model.name`` as the ORM would load it."""
    col = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
    for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
        value = converter(value, col, connection)
    return value


def instance_from_row(model: type[M], values: Sequence[Any]) -> M:
    """A loaded ``model`` from the values of ``select_columns(model, ...)``."""
    fields = model._meta.concrete_fields
    loaded = [converted(model, f.name, v) for f, v in zip(fields, values, strict=True)]
    return model.from_db(connection.alias, [f.attname for f in fields], loaded)
