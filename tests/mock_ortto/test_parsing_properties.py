"""Property tests of body parsing: both parsers agree, and nothing but a 400 comes out.

``nox -s fuzz`` runs them with the ``fuzz`` hypothesis profile (many more examples).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ortto.errors import MockError
from mock_ortto.validation import (
    MAX_JSON_DEPTH,
    check_media_type,
    depth_exceeds,
    parse_json,
    parse_standard,
)

no_deadline = settings(deadline=None)  # examples per run come from the profile; speed never counts

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@no_deadline
@given(values, st.booleans())
def test_both_parsers_read_the_same_numbers_and_values(value: Any, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert parse_standard(raw) == orjson.loads(raw) == parse_json(raw)


@no_deadline
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_get_a_400(raw: bytes) -> None:
    try:
        parse_json(raw)
    except MockError as exc:
        assert exc.status == 400
        assert exc.rule in ("payload.json_array", "payload.utf8", "payload.max_json_depth")


@no_deadline
@given(values, st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]))
def test_utf16_and_utf32_bodies_are_refused(value: Any, encoding: str) -> None:
    raw = json.dumps(value).encode(encoding)
    with pytest.raises(MockError) as caught:
        parse_json(raw)
    assert caught.value.status == 400


@no_deadline
@given(values)
def test_a_byte_order_mark_is_refused(value: Any) -> None:
    with pytest.raises(MockError) as caught:
        parse_json(b"\xef\xbb\xbf" + json.dumps(value).encode())
    assert caught.value.rule == "payload.utf8"


@no_deadline
@given(st.integers(min_value=MAX_JSON_DEPTH - 2, max_value=MAX_JSON_DEPTH * 12))
def test_deep_bodies_are_a_400_not_a_crash(levels: int) -> None:
    raw = b'{"a":' * levels + b"1" + b"}" * levels
    try:
        body = parse_json(raw)
    except MockError as exc:  # past what a parser takes: refused outright
        assert exc.rule == "payload.max_json_depth"
    else:
        assert depth_exceeds(body, MAX_JSON_DEPTH) == (levels > MAX_JSON_DEPTH)


@no_deadline
@given(st.text(max_size=60))
def test_media_types_are_json_or_a_415(header: str) -> None:
    try:
        check_media_type(header)
    except MockError as exc:
        assert exc.status == 415
    else:
        media = header.partition(";")[0].strip().lower()
        assert not header.strip() or media.endswith("json")
