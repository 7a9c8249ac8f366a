"""The generated yes/no batch check agrees with fastjsonschema on every item it is shown."""

from __future__ import annotations

from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ortto.config import ServerConfig
from mock_ortto.fastcheck import _MEMO_SIZE, compile_check
from mock_ortto.openapi import build
from mock_ortto.openapi.wire import ITEM_SCHEMAS
from mock_ortto.validation import _FORMATS, _inline

DOC = build(ServerConfig())
COMPONENTS = DOC["components"]["schemas"]
SCHEMAS = {name: _inline(COMPONENTS[name], COMPONENTS) for name in ITEM_SCHEMAS.values()}
STRICT = {name: fastjsonschema.compile(s, formats=_FORMATS) for name, s in SCHEMAS.items()}
FAST = {name: compile_check(s, _FORMATS) for name, s in SCHEMAS.items()}

scalars = (
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["", " ", "add", "remove", "x", "203.0.113.9", "999.1.1.1",
                       "2024-05-01T10:00:00Z", "2024-02-30T00:00:00Z", "aud_0001"])
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(
            st.sampled_from(["mode", "id", "city", "k", "country"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)


def items_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    keys = [*schema["properties"], "unknown"]
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys)) | values


def agrees(name: str, item: Any) -> tuple[bool, bool]:
    try:
        STRICT[name](item)
        expected = True
    except fastjsonschema.JsonSchemaValueException:
        expected = False
    return FAST[name](item), expected


@pytest.mark.parametrize("name", list(ITEM_SCHEMAS.values()))
@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_fast_check_matches_fastjsonschema(name: str, data: st.DataObject) -> None:
    item = data.draw(items_for(SCHEMAS[name]))
    fast, strict = agrees(name, item)
    assert fast is strict


def test_fast_check_rejects_each_kind_of_problem() -> None:
    valid = {"user_id": "u", "traits": {}, "audience": {"mode": "add", "id": "aud_0001"}}
    check = FAST["MemberItem"]
    assert check(valid)
    for broken in (
        {**valid, "extra": 1},
        {**valid, "ip": "999.1.1.1"},
        {**valid, "audience": {"mode": "ADD", "id": "a"}},
        {**valid, "audience": {"mode": "add", "id": ""}},
        {**valid, "location": {"city": 5}},
        {k: v for k, v in valid.items() if k != "traits"},
        [valid],
    ):
        assert not check(broken), broken


def test_unknown_keywords_refuse_to_compile() -> None:
    with pytest.raises(ValueError, match="cannot compile keywords"):
        compile_check({"type": "object", "patternProperties": {}})


def test_remembered_strings_never_let_a_bad_one_through() -> None:
    """Format and pattern tests remember accepted strings; refusals are never remembered,
    and past the memory's bound every string is still checked."""
    upsert, track = FAST["UpsertItem"], FAST["TrackItem"]
    good = {"user_id": "u", "ip": "203.0.113.9", "timestamp": "2024-05-01T10:00:00Z"}
    for _ in range(3):
        assert upsert(good)
        assert not upsert({**good, "ip": "999.1.1.1"})
        assert not upsert({**good, "timestamp": "2024-02-30T00:00:00Z"})
        assert track({**good, "event": "Signed Up"})
        assert not track({**good, "event": "   "})
    addresses = [f"10.{i // 256}.{i % 256}.1" for i in range(_MEMO_SIZE + 100)]
    assert all(upsert({"user_id": "u", "ip": ip}) for ip in addresses)
    assert not upsert({"user_id": "u", "ip": "10.0.0.256"})
