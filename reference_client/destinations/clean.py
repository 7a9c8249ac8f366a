"""``cleanObject``: the destination's own cleaning, which only drops empty-string keys."""

from __future__ import annotations

from typing import Any


def clean_object(value: dict[str, Any]) -> dict[str, Any]:
    """Copy ``value`` recursively, dropping entries whose *key* is ``""``.

    Values are never judged: ``null``, ``""``, ``0``, ``false``, ``[]`` and ``{}`` stay. Nested
    objects are cleaned; arrays (and objects inside them) are copied as they are.
    """
    return {k: clean_object(v) if type(v) is dict else v for k, v in value.items() if k != ""}
