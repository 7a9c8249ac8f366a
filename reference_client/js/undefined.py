"""The JavaScript ``undefined`` value, distinct from ``None`` (JSON ``null``)."""

from __future__ import annotations

from typing import Any, Final


class Undefined:
    """Singleton type of :data:`UNDEFINED`; falsy, never equal to anything but itself."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = Undefined()


def is_nullish(value: Any) -> bool:
    """True for ``undefined`` and ``null`` (JavaScript's ``value == null``)."""
    return value is None or value is UNDEFINED
