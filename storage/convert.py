"""ORM rows to plain records."""

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def to_record(cls: type[T], row: Any) -> T:
    values = {f.name: getattr(row, f.name) for f in fields(cls)}  # type: ignore[arg-type]
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    return cls(**values)
