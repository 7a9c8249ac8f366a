"""get() and @path: runtime.md §7.1 examples."""

from __future__ import annotations

import pytest

from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import get, transform
from reference_client.mapping.get import compile_getter, split_path

EVENT = {
    "traits": {
        "a": {"b": 2},
        "z": 0,
        "f": False,
        "e": "",
        "n": None,
        "s": "abc",
        "arr": [10, 20, 30],
        "x y": "spaced",
        "its": "apostrophe",
        "ab": "joined",
        "emoji": "a😀b",
    },
    "ab": "top-ab",
    "$": "dollar",
    "list": [{"id": "first"}, {"id": "second"}],
}


@pytest.mark.parametrize("path", ["", ".", "$."])
def test_root_paths_return_whole_object(path: str) -> None:
    assert get(EVENT, path) is EVENT


def test_dollar_alone_is_a_key() -> None:
    assert get({"traits": {}}, "$") is UNDEFINED
    assert get(EVENT, "$") == "dollar"


def test_first_dollar_dot_removed_anywhere() -> None:
    assert get(EVENT, "a$.b") == "top-ab"
    assert get(EVENT, "$.traits.a$.b") is UNDEFINED  # only the first "$." goes
    assert get(EVENT, "traits.a$.b") == "joined"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.traits.a.b", 2),
        ("$.traits['a.b']", 2),  # the dot inside brackets still splits
        ('$.traits["a"]["b"]', 2),
        ("$.traits.it's", "apostrophe"),
        ("$.traits.arr[1]", 20),
        ("$.traits.arr.1", 20),
        ("$.traits.x y", "spaced"),
        ("$.traits.a.b.", 2),
        ("$.list[0].id", "first"),
        ("$.list.1.id", "second"),
    ],
)
def test_path_splitting(path: str, expected: object) -> None:
    assert get(EVENT, path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.traits.z.foo", 0),
        ("$.traits.f.foo", False),
        ("$.traits.e.foo", ""),
        ("$.traits.n.foo", None),
    ],
)
def test_falsy_intermediate_is_returned(path: str, expected: object) -> None:
    result = get(EVENT, path)
    assert result == expected
    assert type(result) is type(expected)


def test_missing_is_undefined() -> None:
    assert get(EVENT, "$.traits.missing") is UNDEFINED
    assert get(EVENT, "$.nope.deeper.still") is UNDEFINED
    assert get(EVENT, "$.traits.a.b.c") is UNDEFINED  # property of a number


def test_string_and_array_own_properties() -> None:
    assert get(EVENT, "$.traits.s.length") == 3
    assert get(EVENT, "$.traits.s.0") == "a"
    assert get(EVENT, "$.traits.s.3") is UNDEFINED
    assert get(EVENT, "$.traits.arr.length") == 3
    assert get(EVENT, "$.traits.arr.01") is UNDEFINED  # not a canonical index
    assert get(EVENT, "$.traits.emoji.length") == 4  # UTF-16 code units


def test_empty_containers_are_truthy_intermediates() -> None:
    assert get({"a": []}, "$.a.length") == 0
    assert get({"a": {}}, "$.a.b") is UNDEFINED


def test_split_path_strips_quotes_and_drops_empty_segments() -> None:
    assert split_path("a..b") == ("a", "b")
    assert split_path("a['b'].c") == ("a", "b", "c")
    assert split_path("") is None


@pytest.mark.parametrize("path", ["$.a", "$.a.b", "$.a.b.c", "$.a.b.c.d", "", "a[0]"])
def test_compiled_getter_agrees_with_get(path: str) -> None:
    data = {"a": {"b": {"c": {"d": 4}}}, "0": 1}
    for obj in (data, {"a": 0}, {"a": {"b": ""}}, {"a": ["x"]}, {"a": {"b": {"c": None}}}):
        assert compile_getter(path)(obj) == get(obj, path)


def test_default_location_mapping_with_empty_string_address() -> None:
    mapping = {
        "country": {
            "@if": {
                "exists": {"@path": "$.traits.address.country"},
                "then": {"@path": "$.traits.address.country"},
                "else": {"@path": "$.context.traits.address.country"},
            }
        }
    }
    fallback = {"context": {"traits": {"address": {"country": "NZ"}}}}
    assert transform(mapping, {"traits": {"address": ""}, **fallback}) == {"country": ""}
    assert transform(mapping, {"traits": {"address": 0}, **fallback}) == {"country": 0}
    assert transform(mapping, {"traits": {"address": False}, **fallback}) == {"country": False}
    for fall_through in (None, "text", ["a"]):
        event = {"traits": {"address": fall_through}, **fallback}
        assert transform(mapping, event) == {"country": "NZ"}
