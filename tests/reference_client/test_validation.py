"""Schema generation, coercion, formats and ajv-human-errors messages."""

from __future__ import annotations

import calendar
from typing import Any

import pytest

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES
from reference_client.runtime.empty import remove_empty_values
from reference_client.runtime.formats import is_date_time, is_ipv4
from reference_client.runtime.schema import fields_to_json_schema
from reference_client.runtime.validation import Validator

UPSERT = Validator(fields_to_json_schema(ORTTO_ACTIONS.action("upsertContactProfile").fields))
TRACK = Validator(fields_to_json_schema(ORTTO_ACTIONS.action("trackActivity").fields))
SYNC = Validator(fields_to_json_schema(ORTTO_AUDIENCES.action("syncAudience").fields))

BOTH_IDS_MISSING = (
    "The root value is missing the required field 'user_id'. The root value must match "
    "\"then\" schema. The root value is missing the required field 'anonymous_id'. The root "
    'value must match "then" schema.'
)


def messages(validator: Validator, payload: dict[str, Any]) -> str:
    return " ".join(validator(payload))


def test_generated_schema_shapes() -> None:
    schema = fields_to_json_schema(ORTTO_ACTIONS.action("trackActivity").fields)
    assert schema["required"] == ["event"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["ip"]["type"] == ["string", "null"]
    # allowNull is lost on an object with properties, as in the real runtime
    assert schema["properties"]["location"]["type"] == "object"
    assert schema["properties"]["location"]["properties"]["city"]["type"] == ["string", "null"]
    assert [rule["then"]["required"] for rule in schema["allOf"]] == [["user_id"], ["anonymous_id"]]
    sync = fields_to_json_schema(ORTTO_AUDIENCES.action("syncAudience").fields)
    assert sync["required"] == [
        "segment_computation_action",
        "computation_key",
        "external_audience_id",
        "traits",
    ]


def test_both_ids_missing_message() -> None:
    assert messages(UPSERT, {"enable_batching": True}) == BOTH_IDS_MISSING


def test_message_order_follows_ajv() -> None:
    payload = {
        "timestamp": "x",
        "ip": "bad",
        "location": {"country": {}},
        "audience_update_mode": "zz",
    }
    assert messages(TRACK, payload) == (
        BOTH_IDS_MISSING + " The root value is missing the required field 'event'. Timestamp "
        "must be a valid date and time string but it was not. IP Address must be a valid IPv4 "
        "address string but it was not. Country must be a string or null but it was an object. "
        'Audience update mode must be one of: "add" or "remove".'
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"user_id": 0, "anonymous_id": "a"}, {"user_id": "", "anonymous_id": "a"}),
        ({"user_id": False, "anonymous_id": "a"}, {"user_id": "", "anonymous_id": "a"}),
        ({"user_id": "u", "anonymous_id": 0}, {"user_id": "u", "anonymous_id": ""}),
        ({"user_id": "", "anonymous_id": ""}, {"user_id": "", "anonymous_id": ""}),
        ({"user_id": 40696}, {"user_id": "40696"}),
        ({"user_id": True}, {"user_id": "true"}),
        ({"user_id": ["x"]}, {"user_id": "x"}),
        ({"user_id": "u", "enable_batching": "false"}, {"user_id": "u", "enable_batching": False}),
        ({"user_id": "u", "batch_size": "100"}, {"user_id": "u", "batch_size": 100}),
        ({"user_id": "u", "batch_size": " 0x10 "}, {"user_id": "u", "batch_size": 16}),
        (
            {"user_id": "u", "audience_update_mode": ["add"]},
            {"user_id": "u", "audience_update_mode": "add"},
        ),
        (
            {"user_id": "u", "location": {"post_code": 4252, "zzz": 1}},
            {"user_id": "u", "location": {"post_code": "4252"}},
        ),
        (
            {"user_id": "u", "location": {"post_code": [2000]}},
            {"user_id": "u", "location": {"post_code": "2000"}},
        ),
        ({"user_id": "u", "foo": "removed"}, {"user_id": "u"}),
        ({"user_id": "u", "ip": None}, {"user_id": "u", "ip": None}),
    ],
)
def test_coercion_in_place(payload: dict[str, Any], expected: dict[str, Any]) -> None:
    assert UPSERT(payload) == []
    assert payload == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"user_id": 0},
            "The root value is missing the required field 'anonymous_id'. The root "
            'value must match "then" schema.',
        ),
        ({"user_id": ["x", "y"]}, "User ID must be a string but it was an array."),
        ({"user_id": {"a": 1}}, "User ID must be a string but it was an object."),
        (
            {"user_id": "u", "traits": []},
            "Custom Contact traits must be an object but it was an array.",
        ),
        ({"user_id": "u", "batch_size": "abc"}, "Batch Size must be a number but it was a string."),
        (
            {"user_id": "u", "enable_batching": "yes"},
            "Batch data must be a boolean but it was a string.",
        ),
        (
            {"user_id": "u", "audience_update_mode": "ADD"},
            'Audience update mode must be one of: "add" or "remove".',
        ),
        (
            {"user_id": "u", "location": {"post_code": ["2000"]}},
            "Postcode must be a string or null but it was a string.",
        ),
        ({"user_id": "u", "location": "Sydney"}, "Location must be an object but it was a string."),
        (
            {"user_id": "u", "ip": 1234},
            "IP Address must be a valid IPv4 address string but it was not.",
        ),
        (
            {"user_id": "u", "timestamp": 1714557600000},
            "Timestamp must be a valid date and time string but it was not.",
        ),
    ],
)
def test_failure_messages(payload: dict[str, Any], expected: str) -> None:
    assert messages(UPSERT, payload) == expected


def test_sync_audience_messages() -> None:
    payload = {
        "segment_computation_action": "trait",
        "computation_key": "k",
        "user_id": "u",
        "traits": {},
    }
    assert messages(SYNC, payload) == (
        "The root value is missing the required field 'external_audience_id'. Segment "
        'Computation Action must be one of: "audience" or "journey_step".'
    )


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2024-05-01 10:00:00Z", True),
        ("2024-05-01t10:00:00z", True),
        ("2024-01-01T10:00:00", True),
        ("2024-01-01T23:59:60Z", True),
        ("0000-01-01T00:00:00Z", True),
        ("2024-02-29T00:00:00Z", True),
        ("2023-02-29T00:00:00Z", False),
        ("2024-05-01", False),
        ("2024-05-01T24:00:00Z", False),
        ("2024-02-30T00:00:00Z", False),
        ("2024-13-01T00:00:00Z", False),
        (" 2024-05-01T10:00:00Z", False),
        ("yesterday", False),
        ("1714557600000", False),
        ("2024-05-01T10:00:00Z\n", False),
        ("２０２４-05-01T10:00:00Z", False),
    ],
)
def test_date_time_format(text: str, valid: bool) -> None:
    assert is_date_time(text) is valid


@pytest.mark.parametrize("year", [1900, 2000, 2023, 2024])
def test_date_time_dates_agree_with_the_calendar(year: int) -> None:
    for month in range(14):
        for day in range(33):
            real = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
            for separator in "T t":
                text = f"{year:04d}-{month:02d}-{day:02d}{separator}10:00:00.000Z"
                assert is_date_time(text) is real, text


def test_date_time_clock_fields_agree_with_the_range_rule() -> None:
    for hour in range(25):
        for minute in range(61):
            for second in range(62):
                real = (hour <= 23 and minute <= 59 and second <= 59) or (
                    (hour, minute, second) == (23, 59, 60)
                )
                for zone in ("Z", "+10:00", ""):
                    text = f"2024-05-01T{hour:02d}:{minute:02d}:{second:02d}{zone}"
                    assert is_date_time(text) is real, text


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("01.2.3.4", True),
        ("255.255.255.255", True),
        ("1.2.3", False),
        ("256.1.1.1", False),
        ("999.10.10.10", False),
        ("::1", False),
        ("192.168.1.1/24", False),
        ("10.0.0.1 ", False),
        ("", False),
        ("1.2.3.4\n", False),
    ],
)
def test_ipv4_format(text: str, valid: bool) -> None:
    assert is_ipv4(text) is valid


def test_remove_empty_values_single_versus_batch() -> None:
    schema = UPSERT.schema
    payload = {
        "user_id": "",
        "ip": None,
        "location": None,
        "traits": {"a": None, "b": ""},
        "enable_batching": "",
        "timestamp": None,
    }
    single = remove_empty_values(payload, schema, is_root=True)
    batch = remove_empty_values(payload, schema)
    assert single == {"ip": None, "traits": {"a": None, "b": ""}}
    assert batch == {"user_id": "", "ip": None, "traits": {"a": None, "b": ""}}
    nested = remove_empty_values({"location": {"state": "", "city": None}}, schema, True)
    assert nested == {"location": {"state": "", "city": None}}
