"""cleanObject, getEndpoint and the status -> errortype table."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_client.destinations.clean import clean_object
from reference_client.destinations.endpoint import get_endpoint
from reference_client.runtime.errors import InvalidAuthenticationError, is_retryable_status
from reference_client.runtime.results import error_type_for
from tests.strategies import nested_json


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ({"": "v", "k": "v"}, {"k": "v"}),
        (
            {"k1": "", "k2": "v2", "k3": 0, "k4": False, "k5": [], "k6": {}, "k7": None},
            {"k1": "", "k2": "v2", "k3": 0, "k4": False, "k5": [], "k6": {}, "k7": None},
        ),
        (
            {"k1": ["", None, "v", {"x": "y", "": ""}], "": "", "k2": {}, "k4": {"": "", "k": 100}},
            {"k1": ["", None, "v", {"x": "y", "": ""}], "k2": {}, "k4": {"k": 100}},
        ),
        (
            {
                "": "v",
                "k": "v",
                "l1": {"": "", "k3": None, "k4": "v4", "l2": {"": "", "k5": "v5", "k3": None}},
            },
            {"k": "v", "l1": {"k3": None, "k4": "v4", "l2": {"k5": "v5", "k3": None}}},
        ),
        (
            {"": "drop", "a": None, "b": "", "c": {"": 1, "d": 2}, "e": [1, {"": 2}]},
            {"a": None, "b": "", "c": {"d": 2}, "e": [1, {"": 2}]},
        ),
    ],
)
def test_clean_object_vectors(given_value: dict[str, Any], expected: dict[str, Any]) -> None:
    assert clean_object(given_value) == expected


json_values = nested_json(text_size=5, key_size=3, max_leaves=15)


def _has_empty_key_outside_arrays(value: Any) -> bool:
    if isinstance(value, dict):
        return "" in value or any(_has_empty_key_outside_arrays(v) for v in value.values())
    return False


@given(st.dictionaries(st.text(max_size=3), json_values, max_size=5))
def test_clean_object_only_removes_empty_keys(value: dict[str, Any]) -> None:
    cleaned = clean_object(value)
    assert not _has_empty_key_outside_arrays(cleaned)
    assert clean_object(cleaned) == cleaned
    for key, item in value.items():
        if key == "":
            assert key not in cleaned
        elif isinstance(item, list) or not isinstance(item, dict):
            assert cleaned[key] == item  # arrays and scalars are never touched


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("pau-key", "https://segment-action-api-au.ortto.app/v1"),
        ("seu-abc", "https://segment-action-api-eu.ortto-stg.app/v1"),
        ("pus-x", "https://segment-action-api-us.ortto.app/v1"),
        ("xAU-k", "https://segment-action-api-AU.ortto.app/v1"),
        ("Sau-key", "https://segment-action-api-au.ortto.app/v1"),
        ("xin-0a1b2c", "https://segment-action-api-in.ortto.app/v1"),
    ],
)
def test_endpoint_from_key(key: str, url: str) -> None:
    assert get_endpoint(key, {}) == url


@pytest.mark.parametrize(
    "key",
    [
        "",
        "    ",
        "invalid",
        "pa-key",
        "paus-key",
        "p-au-key",
        "invalid api key",
        "pa -key",
        "p a-0a1b2c",
    ],
)
def test_endpoint_rejects_malformed_keys(key: str) -> None:
    with pytest.raises(InvalidAuthenticationError) as caught:
        get_endpoint(key, {})
    assert caught.value.message == "Invalid API key"
    assert caught.value.status == 401
    assert caught.value.code == "INVALID_AUTHENTICATION"


def test_local_endpoint_skips_key_checks() -> None:
    assert get_endpoint("", {"ORTTO_LOCAL_ENDPOINT": "http://127.0.0.1:8"}) == (
        "http://127.0.0.1:8/v1"
    )


@pytest.mark.parametrize(
    ("status", "errortype"),
    [
        (400, "BAD_REQUEST"),
        (301, "MOVED_PERMENANTLY"),
        (422, "UNPROCESSABLE_ENTITY"),
        (429, "TOO_MANY_REQUESTS"),
        ("400", "BAD_REQUEST"),
        (200, "OK"),
        (599, "UNKNOWN_ERROR"),
        (None, "UNKNOWN_ERROR"),
        (True, "UNKNOWN_ERROR"),
        (529, "SITE_IS_OVERLOADED"),
    ],
)
def test_errortype_table(status: Any, errortype: str) -> None:
    assert error_type_for(status) == errortype


def test_retryable_statuses() -> None:
    assert [s for s in range(400, 600) if is_retryable_status(s)] == [
        408,
        423,
        429,
        500,
        502,
        503,
        504,
        505,
        506,
        507,
        508,
        509,
        510,
        511,
        598,
        599,
    ]
