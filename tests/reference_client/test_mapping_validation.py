"""Mapping validation: runtime.md §2.8 and segment-and-ortto.md §2.8 general rules."""

from __future__ import annotations

from typing import Any

import pytest

from reference_client.mapping import (
    Mapping,
    MappingError,
    MappingValidationError,
    UnsupportedDirectiveError,
)


def error_for(mapping: Any) -> MappingValidationError:
    with pytest.raises(MappingValidationError) as err:
        Mapping(mapping)
    return err.value


def test_root_directive_error_is_a_bare_validation_error_with_status() -> None:
    err = error_for({"@path": 5})
    assert err.js_name == "ValidationError"
    assert err.status == 400
    assert err.message == "/@path should be a string or a mapping directive but it is a number."


def test_nested_directive_error_is_an_aggregate_without_status() -> None:
    err = error_for({"user_id": {"@path": 5}})
    assert err.js_name == "AggregateError"
    assert err.status is None
    assert (
        "ValidationError: /user_id/@path should be a string or a mapping directive "
        "but it is a number." in err.message
    )
    assert err.errors == [
        "/user_id/@path should be a string or a mapping directive but it is a number."
    ]


def test_aggregate_lists_every_error_in_key_order() -> None:
    err = error_for({"a": {"@path": 5}, "ok": {"@path": "$.x"}, "b": {"c": {"@template": []}}})
    assert err.errors == [
        "/a/@path should be a string or a mapping directive but it is a number.",
        "/b/c/@template should be a string or a mapping directive but it is an array.",
    ]
    assert err.message.count("ValidationError: ") == 2


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"@path": "$.a", "@template": "x"},
            "/ should only have one @-prefixed key but it has 2 keys.",
        ),
        ({"@path": "$.a", "other": 1}, "/ should only have one @-prefixed key but it has 2 keys."),
        ({"@path": None}, "/@path should be a string or a mapping directive but it is a null."),
        (
            {"@template": {"a": 1}},
            "/@template should be a string or a mapping directive but it is an object.",
        ),
        ({"@liquid": 1}, "/@liquid should be a string but it is a number."),
        ({"@if": "x"}, None),
    ],
)
def test_root_directive_messages(mapping: Any, message: str | None) -> None:
    err = error_for(mapping)
    if message is not None:
        assert err.message == message
        assert err.status == 400


def test_metadata_key_is_allowed_next_to_a_directive() -> None:
    assert Mapping({"@path": "$.a", "_metadata": {"label": "x"}}).resolve({"a": 1}) == 1


def test_unknown_directive_is_named() -> None:
    with pytest.raises(UnsupportedDirectiveError) as err:
        Mapping({"@frobnicate": 1})
    assert err.value.directives == ["@frobnicate"]
    assert err.value.message == "/ has an invalid directive: @frobnicate."
    assert err.value.js_name == "ValidationError"


def test_directive_names_must_match_the_pattern() -> None:
    for name in ("@Path", "@p", "@path-x"):
        with pytest.raises(UnsupportedDirectiveError, match=name):
            Mapping({"k": {name: "x"}})


def test_if_fields_are_validated_with_paths() -> None:
    err = error_for({"x": {"@if": {"exists": {"@path": 1}, "then": {"@template": 2}}}})
    assert err.errors == [
        "/x/@if/exists/@path should be a string or a mapping directive but it is a number.",
        "/x/@if/then/@template should be a string or a mapping directive but it is a number.",
    ]


def test_replace_field_rules() -> None:
    err = error_for({"x": {"@replace": {"pattern": "", "value": 1, "global": "yes"}}})
    assert err.errors == [
        "/x/@replace/pattern should be a string of length 1 or greater.",
        "/x/@replace/value should be a string or a mapping directive but it is a number.",
        "/x/@replace/global should be a boolean but it is a string.",
    ]
    err = error_for({"x": {"@replace": {"value": "v"}}})
    assert err.errors == ['/x/@replace should have field "pattern" but it doesn\'t.']


def test_json_and_merge_allowed_strings() -> None:
    err = error_for({"x": {"@json": {"mode": "zip", "value": "v"}}})
    assert err.errors == ['/x/@json/mode should be one of encode, decode but it is "zip".']
    err = error_for({"x": {"@merge": {"direction": "up", "objects": [{}]}}})
    assert err.errors == ['/x/@merge/direction should be one of left, right but it is "up".']


def test_arrays_are_not_looked_into() -> None:
    assert Mapping({"a": [{"@path": 5}]}).mapping == {"a": [{"@path": 5}]}
    with pytest.raises(MappingError, match="@path: expected string, got number"):
        Mapping({"a": [{"@path": 5}]}).resolve({})


def test_validation_errors_are_mapping_errors() -> None:
    assert issubclass(MappingValidationError, MappingError)
    assert issubclass(UnsupportedDirectiveError, MappingValidationError)
