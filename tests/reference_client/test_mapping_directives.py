"""Directive behaviour: segment-and-ortto.md §2.8 and runtime.md §7.2, §7.4, §7.5."""

from __future__ import annotations

from typing import Any

import pytest

from reference_client.definitions import ORTTO_ACTIONS
from reference_client.js.json import dumps
from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import Mapping, MappingError, UnsupportedDirectiveError, transform


def resolve(directive: Any, event: Any) -> Any:
    """Resolve a single directive as the value of key ``v`` (missing key -> UNDEFINED)."""
    return transform({"v": directive}, event).get("v", UNDEFINED)


# --- @path / plain values -------------------------------------------------------------------


def test_plain_values_are_returned_as_is() -> None:
    mapping = {"s": "x", "n": 1.5, "b": False, "z": None, "o": {"k": [1, "two", None]}}
    assert transform(mapping, {}) == mapping


def test_path_directive_may_be_nested_directive() -> None:
    event = {"which": "name", "name": "Ada"}
    assert resolve({"@path": {"@path": "$.which"}}, event) == "Ada"
    with pytest.raises(MappingError, match=r"^@path: expected string, got number$"):
        resolve({"@path": {"@path": "$.n"}}, {"n": 5})


def test_undefined_members_removed_and_array_items_become_null() -> None:
    out = transform({"a": [{"@path": "$.nope"}, 1], "b": {"@path": "$.nope"}, "c": None}, {})
    assert out == {"a": [None, 1], "c": None}
    assert dumps(out) == '{"a":[null,1],"c":null}'


def test_resolved_objects_are_copies() -> None:
    event = {"traits": {"a": {"b": 1}}}
    out = transform({"t": {"@path": "$.traits"}}, event)
    out["t"]["a"]["b"] = 2
    assert event["traits"]["a"]["b"] == 1


def test_mapping_keys_follow_javascript_order() -> None:
    out = transform({"b": 1, "10": 2, "2": 3, "a": 4}, {})
    assert list(out) == ["2", "10", "b", "a"]


def test_hook_data_resolves_like_any_object() -> None:
    mapping = {
        "onMappingSave": {"inputs": {"name": "aud"}, "outputs": {"id": {"@path": "$.userId"}}},
    }
    assert transform(mapping, {"userId": "u"}) == {
        "onMappingSave": {"inputs": {"name": "aud"}, "outputs": {"id": "u"}}
    }


def test_data_must_be_an_object() -> None:
    with pytest.raises(MappingError, match="data must be an object, got array"):
        Mapping({"a": 1}).resolve([])
    assert transform({"a": {"@path": "$.x"}}) == {}


# --- @if --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "holds"),
    [("x", True), ("", True), (0, True), (False, True), (None, False), (UNDEFINED, False)],
)
def test_if_exists(value: Any, holds: bool) -> None:
    event = {} if value is UNDEFINED else {"k": value}
    directive = {"@if": {"exists": {"@path": "$.k"}, "then": "yes", "else": "no"}}
    assert resolve(directive, event) == ("yes" if holds else "no")


@pytest.mark.parametrize(
    ("value", "holds"),
    [
        ("x", True),
        (" ", True),
        (1, True),
        (True, True),
        ({}, True),
        ([0], True),
        ("", False),
        (0, False),
        (False, False),
        ([], False),
        (None, False),
    ],
)
def test_if_blank_uses_loose_equality(value: Any, holds: bool) -> None:
    directive = {"@if": {"blank": {"@path": "$.k"}, "then": "yes", "else": "no"}}
    assert resolve(directive, {"k": value}) == ("yes" if holds else "no")


@pytest.mark.parametrize("falsy_else", [False, 0, "", None])
def test_if_else_used_only_when_truthy(falsy_else: Any) -> None:
    directive = {"@if": {"exists": {"@path": "$.nope"}, "then": "yes", "else": falsy_else}}
    assert resolve(directive, {}) is UNDEFINED


def test_if_without_then_gives_undefined_when_true() -> None:
    assert resolve({"@if": {"exists": {"@path": "$.k"}, "else": "no"}}, {"k": 1}) is UNDEFINED


def test_if_requires_exists_or_blank() -> None:
    with pytest.raises(MappingError, match='@if requires an "exists" key or a "blank" key'):
        resolve({"@if": {"then": 1}}, {})
    with pytest.raises(MappingError, match='@if requires an "exists" key or a "blank" key'):
        resolve({"@if": {"exists": "", "then": 1}}, {})


def test_if_reused_lookup_still_returns_the_then_value() -> None:
    directive = {
        "@if": {"exists": {"@path": "$.a"}, "then": {"@path": "$.a"}, "else": {"@path": "$.b"}}
    }
    assert resolve(directive, {"a": 0, "b": 2}) == 0
    assert resolve(directive, {"a": None, "b": 2}) == 2
    assert resolve(directive, {"b": {"x": 1}}) == {"x": 1}


# --- @template --------------------------------------------------------------------------------


def test_template_example_from_spec() -> None:
    template = (
        "x{{traits.a.b}}-{{ traits.arr }}-{{traits.a}}-{{traits.n}}-{{traits.missing}}"
        "-{{{traits.s}}}-{{traits.z}}-{{traits.f}}"
    )
    event = {"traits": {"a": {"b": 2}, "arr": [10, 20], "n": None, "s": "abc", "z": 0, "f": False}}
    assert resolve({"@template": template}, event) == "x2-10,20-[object Object]---abc-0-false"


def test_template_formats_numbers_like_javascript_and_does_not_escape() -> None:
    event = {"a": 1.5e-7, "b": 100.0, "c": "<b>&\"'"}
    assert (
        resolve({"@template": "{{a}}|{{b}}|{{c}}|{{{c}}}"}, event) == "1.5e-7|100|<b>&\"'|<b>&\"'"
    )


def test_template_triple_pass_runs_before_double_pass() -> None:
    event = {"inner": "{{name}}", "name": "Ada"}
    assert resolve({"@template": "{{{inner}}}"}, event) == "Ada"


def test_template_without_placeholders_and_bad_placeholders() -> None:
    assert resolve({"@template": "plain"}, {}) == "plain"
    assert resolve({"@template": "{{}}"}, {"": 1}) == "{{}}"  # empty inner text never matches


# --- @literal, @case, @replace ----------------------------------------------------------------


def test_literal_resolves_its_value() -> None:
    assert resolve({"@literal": "{{x}}"}, {"x": 1}) == "{{x}}"
    assert resolve({"@literal": {"a": {"@path": "$.x"}}}, {"x": 1}) == {"a": 1}


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [("lower", "AbC", "abc"), ("upper", "AbC", "ABC"), ("upper", 5, 5), ("lower", None, None)],
)
def test_case(operator: str, value: Any, expected: Any) -> None:
    assert resolve({"@case": {"operator": operator, "value": {"@path": "$.v"}}}, {"v": value}) == (
        expected
    )


def test_case_rejects_other_operators_on_strings() -> None:
    with pytest.raises(MappingError, match='operator key should have a value of "lower"'):
        resolve({"@case": {"operator": "title", "value": {"@path": "$.v"}}}, {"v": "x"})


@pytest.mark.parametrize(
    ("options", "value", "expected"),
    [
        ({"pattern": "a"}, "banana", "bnn"),
        ({"pattern": "a", "replacement": "o", "global": False}, "banana", "bonana"),
        ({"pattern": "A", "replacement": "o", "ignorecase": True}, "banana", "bonono"),
        ({"pattern": "A", "replacement": "o"}, "banana", "banana"),
        ({"pattern": ".", "replacement": "-"}, "a.b.c", "a-b-c"),  # pattern is literal
        ({"pattern": "a", "replacement": "[$&]"}, "ab", "[a]b"),
        ({"pattern": "a", "replacement": "$$"}, "ab", "$b"),
        ({"pattern": "1", "replacement": "2"}, 101, "202"),
        ({"pattern": "t", "replacement": "T"}, True, "True"),
        ({"pattern": "a", "replacement": "b", "pattern2": "b", "replacement2": "c"}, "ab", "cc"),
        ({"pattern": "a", "replacement": "b"}, {"x": 1}, ""),
    ],
)
def test_replace(options: dict[str, Any], value: Any, expected: str) -> None:
    directive = {"@replace": {**options, "value": {"@path": "$.v"}}}
    assert resolve(directive, {"v": value}) == expected


# --- @arrayPath, @merge, @transform, @flatten, @json, @excludeWhenNull ----------------------


def test_array_path_with_and_without_shape() -> None:
    event = {"products": [{"sku": "a", "n": 1}, {"sku": "b"}], "one": {"sku": "c"}}
    shape = {"id": {"@path": "$.sku"}, "qty": {"@path": "$.n"}}
    assert resolve({"@arrayPath": ["$.products"]}, event) == event["products"]
    assert resolve({"@arrayPath": ["$.products", shape]}, event) == [
        {"id": "a", "qty": 1},
        {"id": "b"},
    ]
    assert resolve({"@arrayPath": ["$.one", shape]}, event) == [{"id": "c"}]
    assert resolve({"@arrayPath": ["$.products.0.sku", shape]}, event) == "a"
    assert resolve({"@arrayPath": ["$.products", {}]}, event) == event["products"]


def test_merge_directions() -> None:
    event = {"a": {"k": 1, "x": "a"}, "b": {"k": 2, "y": "b"}}
    objects = [{"@path": "$.a"}, {"@path": "$.b"}]
    assert resolve({"@merge": {"objects": objects, "direction": "right"}}, event) == {
        "k": 2,
        "x": "a",
        "y": "b",
    }
    assert resolve({"@merge": {"objects": objects, "direction": "left"}}, event) == {
        "k": 1,
        "y": "b",
        "x": "a",
    }


def test_transform_resolves_mapping_against_applied_payload() -> None:
    directive = {
        "@transform": {
            "apply": {"props": {"@flatten": {"value": {"@path": "$.p"}, "separator": "_"}}},
            "mapping": {"out": {"@path": "$.props.n_a"}},
        }
    }
    assert resolve(directive, {"p": {"n": {"a": "deep"}}}) == {"out": "deep"}


def test_flatten() -> None:
    value = {"a": {"b": 1, "c": [1, {"d": 2}]}, "e": None}
    assert resolve({"@flatten": {"value": {"@path": "$.v"}, "separator": "."}}, {"v": value}) == {
        "a.b": 1,
        "a.c.0": 1,
        "a.c.1.d": 2,
        "e": None,
    }
    omit = {"@flatten": {"value": {"@path": "$.v"}, "separator": "/", "omitArrays": True}}
    assert resolve(omit, {"v": value}) == {"a/b": 1, "a/c": [1, {"d": 2}], "e": None}


def test_json_encode_and_decode() -> None:
    event = {"o": {"n": 1.0, "s": "x"}, "text": '{"a":[1,2]}', "bad": "{nope"}
    assert resolve({"@json": {"mode": "encode", "value": {"@path": "$.o"}}}, event) == (
        '{"n":1,"s":"x"}'
    )
    assert resolve({"@json": {"mode": "decode", "value": {"@path": "$.text"}}}, event) == {
        "a": [1, 2]
    }
    assert resolve({"@json": {"mode": "decode", "value": {"@path": "$.bad"}}}, event) == "{nope"
    assert resolve({"@json": {"mode": "decode", "value": {"@path": "$.o"}}}, event) == event["o"]


def test_exclude_when_null() -> None:
    event = {"foo": {"bar": None, "aces": {"a": 1, "b": None, "c": {"d": None}}}}
    mapping = {
        "gone": {"@excludeWhenNull": {"@path": "$.foo.bar"}},
        "kept": {"@excludeWhenNull": {"@path": "$.foo.aces"}},
    }
    assert transform(mapping, event) == {"kept": {"a": 1, "c": {}}}


def test_unknown_directive_is_rejected_by_name_during_validation() -> None:
    directive = {"@transform": {"apply": {"x": 1}, "mapping": {"y": {"@nope": 1}}}}
    with pytest.raises(UnsupportedDirectiveError) as err:
        resolve(directive, {})
    assert err.value.directives == ["@nope"]
    assert err.value.js_name == "AggregateError"
    assert "ValidationError: /v/@transform/mapping/y has an invalid directive: @nope." in str(
        err.value
    )


def test_unknown_directive_reached_without_validation_names_it() -> None:
    # The compiler never raises for bad input: like mapping-kit's resolve(), an unknown
    # directive fails when it is evaluated.
    from reference_client.mapping.compiler import compile_clean

    with pytest.raises(UnsupportedDirectiveError, match=r"^@nope is not a valid directive"):
        compile_clean({"y": {"@nope": 1}})({})


def test_replace_checks_lengths_when_run() -> None:
    # A pattern that is a directive-free string longer than 10 fails validation instead.
    with pytest.raises(MappingError, match="should be a string of length 10 or less"):
        resolve({"@replace": {"pattern": "x" * 11, "value": "x"}}, {})


# --- default Ortto mapping --------------------------------------------------------------------


def test_default_upsert_mapping_on_identify_event() -> None:
    mapping = Mapping(ORTTO_ACTIONS.action("upsertContactProfile").default_mapping())
    event = {
        "type": "identify",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2024-01-01T00:00:00.000Z",
        "context": {"ip": "1.2.3.4", "traits": {"address": {"city": "Fallback"}}},
        "traits": {"email": "a@b.c", "address": {"country": "AU"}},
    }
    out = mapping.resolve(event)
    assert out["user_id"] == "u1"
    assert "anonymous_id" not in out
    # Each location field falls back on its own: city comes from context.traits.address.
    assert out["location"] == {"country": "AU", "city": "Fallback"}
    assert out["traits"] == event["traits"]
    assert out["audience_update_mode"] == "add"
