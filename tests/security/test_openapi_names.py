"""Every schema in the OpenAPI document belongs to one class: two routers' classes with the same
name would share one component and one of them would be documented wrongly (as ``ResolveIn`` was
for aid disputes: the contract described moderation's body)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from ninja import Schema

import huzhu.api.routers as routers


def test_schema_class_names_are_unique_unless_identical():
    seen: dict[str, type] = {}
    clashes = []
    for info in pkgutil.iter_modules(routers.__path__):
        module = importlib.import_module(f"{routers.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if (
                not (inspect.isclass(obj) and issubclass(obj, Schema))
                or obj.__module__ != module.__name__
            ):
                continue
            other = seen.setdefault(name, obj)
            if other is not obj and other.model_json_schema() != obj.model_json_schema():
                clashes.append(f"{name}: {other.__module__} and {obj.__module__}")
    assert not clashes, clashes
