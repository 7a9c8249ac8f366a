"""The nesting check used on traits and properties agrees with a plain recursive definition."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mock_ortto.validation import any_exceeds, depth_exceeds
from tests.strategies import nested_json

JSON_VALUES = nested_json(text_size=3, key_size=2, max_leaves=40)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@given(JSON_VALUES, st.integers(min_value=0, max_value=8))
def test_depth_exceeds_matches_the_definition(value: Any, limit: int) -> None:
    expected = _depth(value) > limit if isinstance(value, dict | list) else limit < 1
    assert depth_exceeds(value, limit) is expected


@given(st.lists(JSON_VALUES, max_size=6), st.integers(min_value=0, max_value=8))
def test_a_whole_batch_walk_agrees_with_the_definition(values: list[Any], limit: int) -> None:
    expected = any(_depth(v) > limit for v in values if isinstance(v, dict | list))
    assert any_exceeds(values, limit) is expected


def test_values_deeper_than_the_recursion_cutoff() -> None:
    deep: dict[str, Any] = {}
    current = deep
    for _ in range(5000):  # far deeper than any recursion limit
        current["k"] = {}
        current = current["k"]
    assert depth_exceeds(deep, 4999) is True
    assert depth_exceeds(deep, 5001) is False
    assert depth_exceeds(deep, 32) is True
    assert any_exceeds([{}, deep], 4999) is True
    assert any_exceeds([{}, deep], 5001) is False
