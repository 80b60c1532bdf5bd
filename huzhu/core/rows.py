"""Model instances from rows of a hand-written SELECT, for the few hot paths whose ORM query costs
more CPU to build than the database takes to answer it (API token lookup, the help path).

Values are converted exactly as the ORM converts them (backend and field converters), and the
instances are ordinary loaded models. Which converters a model's columns need is worked out once
per database connection and model, not on every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]
# (column index, converters, column expression) for the columns that need converting
_Plan = tuple[list[str], list[tuple[int, list[Converter], Any]]]

_plans: WeakKeyDictionary[Any, dict[type[Model], _Plan]] = WeakKeyDictionary()


def _converters(model: type[Model], name: str) -> tuple[list[Converter], Any]:
    col = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
    return connection.ops.get_db_converters(col) + col.get_db_converters(connection), col


def _plan(model: type[Model]) -> _Plan:
    wrapper = connections[DEFAULT_DB_ALIAS]
    per_model = _plans.get(wrapper)
    if per_model is None:
        per_model = _plans[wrapper] = {}
    plan = per_model.get(model)
    if plan is None:
        fields = model._meta.concrete_fields
        steps = []
        for index, field in enumerate(fields):
            converters, col = _converters(model, field.name)
            if converters:
                steps.append((index, converters, col))
        plan = per_model[model] = ([f.attname for f in fields], steps)
    return plan


def select_columns(model: type[Model], alias: str) -> list[str]:
    """``alias."column"`` for each concrete field of ``model``, in field order."""
    qn = connection.ops.quote_name
    return [f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields]


def converted(model: type[Model], name: str, value: Any) -> Any:
    """A raw column value of ``model.name`` as the ORM would load it."""
    converters, col = _converters(model, name)
    for converter in converters:
        value = converter(value, col, connection)
    return value


def instance_from_row(model: type[M], values: Sequence[Any]) -> M:
    """A loaded ``model`` from the values of ``select_columns(model, ...)``."""
    attnames, steps = _plan(model)
    if len(values) != len(attnames):
        raise ValueError(f"{model.__name__}: {len(values)} values for {len(attnames)} columns")
    loaded = list(values)
    for index, converters, col in steps:
        value = loaded[index]
        for converter in converters:
            value = converter(value, col, connection)
        loaded[index] = value
    return model.from_db(connection.alias, attnames, loaded)
