"""Property tests for mapping resolution."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import Mapping, get, transform
from reference_client.mapping.compiler import remove_undefined

# Keys that are plain identifiers: no path syntax, no "@", not array-index-like.
keys = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
literal_mappings = st.dictionaries(keys, json_values, max_size=6)


@given(literal_mappings, st.dictionaries(keys, json_values, max_size=3))
def test_literal_only_mapping_resolves_to_itself(mapping: dict[str, Any], event: Any) -> None:
    assert transform(mapping, event) == mapping


@given(st.lists(keys, min_size=1, max_size=5), json_values)
def test_path_of_generated_key_path_returns_generated_value(path: list[str], value: Any) -> None:
    event: Any = value
    for key in reversed(path):
        event = {key: event}
    dotted = "$." + ".".join(path)
    assert get(event, dotted) == value
    assert Mapping({"v": {"@path": dotted}}).resolve(event) == {"v": value}


@given(st.lists(keys, min_size=1, max_size=5), st.dictionaries(keys, json_values, max_size=3))
def test_compiled_path_agrees_with_get(path: list[str], event: dict[str, Any]) -> None:
    dotted = "$." + ".".join(path)
    expected = get(event, dotted)
    resolved = Mapping({"v": {"@path": dotted}}).resolve(event)
    assert resolved == ({} if expected is UNDEFINED else {"v": expected})


def _contains_undefined(value: Any) -> bool:
    if value is UNDEFINED:
        return True
    if isinstance(value, dict):
        return any(_contains_undefined(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_undefined(item) for item in value)
    return False


with_undefined = st.recursive(
    scalars | st.just(UNDEFINED),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


@given(st.lists(with_undefined, max_size=4) | st.dictionaries(keys, with_undefined, max_size=4))
def test_remove_undefined_output_never_contains_undefined(value: Any) -> None:
    # (A bare UNDEFINED stays UNDEFINED, as in JavaScript; containers are cleaned.)
    cleaned = remove_undefined(value)
    assert not _contains_undefined(cleaned)
    if isinstance(value, list):
        assert len(cleaned) == len(value)
    if isinstance(value, dict):
        assert set(cleaned) == {key for key, item in value.items() if item is not UNDEFINED}


@given(st.dictionaries(keys, st.sampled_from(["hit", "miss"]), min_size=1, max_size=6), scalars)
def test_resolved_mapping_has_exactly_the_found_keys(layout: dict[str, str], value: Any) -> None:
    mapping = {
        key: {"@path": "$.present" if kind == "hit" else "$.absent"} for key, kind in layout.items()
    }
    out = Mapping(mapping).resolve({"present": value})
    assert out == {key: value for key, kind in layout.items() if kind == "hit"}
    assert not _contains_undefined(out)
