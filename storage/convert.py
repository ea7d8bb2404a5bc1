"""ORM rows to plain records."""

from dataclasses import fields
from typing import Any, TypeVar

from reception.statuses import Status

T = TypeVar("T")


def to_record(cls: type[T], row: Any) -> T:
    return _record(cls, {f.name: getattr(row, f.name) for f in fields(cls)})  # type: ignore[arg-type]


def record_of(cls: type[T], values: dict[str, Any]) -> T:
    """A record from a row's values by column name."""
    return _record(cls, {f.name: values[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def _record(cls: type[T], values: dict[str, Any]) -> T:
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    return cls(**values)


def values_of(statuses: frozenset[Status]) -> list[str]:
    """A status set from `reception.statuses` as column values, in a fixed order so that the
    statement caches. Positive sets, so that (status, due_on) serves the scans (a NOT IN
    cannot use the index)."""
    return sorted(status.value for status in statuses)
