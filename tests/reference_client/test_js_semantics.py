"""JavaScript number formatting, JSON.stringify and JSON.parse behaviour."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_client.js import json as js_json
from reference_client.js.numbers import number_to_string, to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import trim, truthy


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5e-7, "1.5e-7"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (1e16, "10000000000000000"),
        (1e21, "1e+21"),
        (5e-324, "5e-324"),
        (100.0, "100"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "0"),
        (12345678901234567890, "12345678901234567000"),
        (-14362795269160.96, "-14362795269160.96"),
        (1.2345e25, "1.2345e+25"),
        (math.inf, "Infinity"),
        (math.nan, "NaN"),
        (True, "true"),
    ],
)
def test_number_to_string_matches_javascript(value: float, expected: str) -> None:
    assert number_to_string(value) == expected


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_to_string_round_trips(value: float) -> None:
    assert float(number_to_string(value)) == value


def test_string_conversion_of_arrays_and_objects() -> None:
    assert to_js_string([10, 20, None, "a"]) == "10,20,,a"
    assert to_js_string({"a": 1}) == "[object Object]"
    assert to_js_string(UNDEFINED) == "undefined"


def test_dumps_is_compact_and_uses_js_numbers() -> None:
    body = {"Custom Field": 1.5e-7, "n": [1.0, 2.5], "big": 1e16, "nan": math.nan}
    assert js_json.dumps(body) == (
        '{"Custom Field":1.5e-7,"n":[1,2.5],"big":10000000000000000,"nan":null}'
    )


def test_dumps_keeps_strings_that_look_like_numbers() -> None:
    assert js_json.dumps({"s": "a:1.0,", "t": [":1e-07]"]}) == '{"s":"a:1.0,","t":[":1e-07]"]}'


def test_dumps_escapes_like_javascript() -> None:
    assert js_json.dumps("\u2028\x7f\x01\n/é😀") == '"\u2028\x7f\\u0001\\n/é😀"'
    assert js_json.dumps("\ud800") == '"\\ud800"'


def test_dumps_drops_undefined_members_and_nulls_array_holes() -> None:
    assert js_json.dumps({"a": UNDEFINED, "b": [UNDEFINED, 1]}) == '{"b":[null,1]}'


def test_loads_orders_integer_keys_first_and_rounds_big_integers() -> None:
    parsed = js_json.loads('{"z":1,"a":2,"10":3,"2":4,"b":5,"n":12345678901234567890}')
    assert list(parsed) == ["2", "10", "z", "a", "b", "n"]
    assert js_json.dumps(parsed["n"]) == "12345678901234567000"


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.text()
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_dumps_is_valid_json_with_the_same_value(value: object) -> None:
    assert js_json.loads(js_json.dumps(value)) == value


def test_truthiness_and_trim() -> None:
    assert [truthy(v) for v in ("", 0, 0.0, None, UNDEFINED, False, math.nan)] == [False] * 7
    assert all(truthy(v) for v in ("0", [], {}, -1, "false"))
    assert trim("\u00a0 x \ufeff") == "x"


def _exact(value: Any) -> Any:
    """``value`` with every type and every key order made visible (1 != 1.0, -0.0 != 0.0)."""
    if isinstance(value, dict):
        return ("object", [(k, _exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("array", [_exact(v) for v in value])
    return (type(value).__name__, repr(value))


_JSON_TEXT_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="0123456789ab", max_size=3), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(_JSON_TEXT_VALUES, st.booleans(), st.sampled_from([None, 1]), st.booleans())
def test_fast_loads_reads_exactly_what_the_standard_parser_reads(
    value: Any, ascii_only: bool, indent: int | None, as_bytes: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    source: str | bytes = text.encode() if as_bytes else text
    assert _exact(js_json.loads(source)) == _exact(js_json.standard_loads(source))


@given(st.text(alphabet='{}[]":,0123456789.eE-+ tnrufalsNI\\u', max_size=30))
def test_fast_loads_accepts_and_refuses_what_the_standard_parser_does(text: str) -> None:
    try:
        expected = _exact(js_json.standard_loads(text))
    except (ValueError, RecursionError) as error:
        with pytest.raises(type(error)):
            js_json.loads(text)
        return
    assert _exact(js_json.loads(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"b":2,"a":3}',
        "[1e400, -1e400]",
        '"\\ud800"',
        "NaN",
        "[-0, -0.0, 1E2, 1.0]",
        '{"b":1,"10" :2}',  # whitespace between an index key and its colon
        '{"b":1,"7"\t\r\n :2}',
        '{"b":{"x1":1,"2":[{"a0":0,"30"\n:3}]}}',
    ],
)
def test_fast_loads_edge_cases_match_the_standard_parser(text: str) -> None:
    assert _exact(js_json.loads(text)) == _exact(js_json.standard_loads(text))
