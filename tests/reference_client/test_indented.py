"""The fast indented printer writes exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import collections
import datetime
import enum
import json
import math
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_client.indented import indented_items, indented_json
from reference_client.js.json import escape_lone_surrogates


def standard(value: Any) -> str:
    """The standard encoder's text, lone surrogates escaped as ``JSON.stringify`` does."""
    return escape_lone_surrogates(json.dumps(value, indent=2, ensure_ascii=False, default=str))


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from([1e16, 1e-7, 1e22, 123456789012345680000.0, -0.0, 5e-324, 1.5e300])
    | st.sampled_from([1e-05, 9.9e-05, 0.0001, 1e-10, 10.00001, 2**64 - 1, 2**64, -(2**63) - 1])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500)
@given(values)
def test_any_json_value_prints_as_the_standard_encoder_prints_it(value: Any) -> None:
    assert indented_json(value) == standard(value)


@settings(max_examples=300)
@given(st.lists(values, max_size=4), st.integers(min_value=1, max_value=3))
def test_array_members_print_as_the_standard_encoder_prints_them(
    members: list[Any], level: int
) -> None:
    document: Any = members
    for _ in range(level - 1):
        document = [document]
    text = standard(document)  # the members between the brackets of the arrays around them
    brackets = sum(2 * depth + 2 for depth in range(level))
    expected = text[brackets : len(text) - brackets] if members else ""
    written = indented_items(members, level)
    assert (written if isinstance(written, str) else written.decode()) == expected


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class Ratio(float):
    def __repr__(self) -> str:
        return "a ratio"


def test_values_orjson_writes_its_own_way_fall_back_to_the_standard_encoder() -> None:
    odd = {
        "when": datetime.datetime(2024, 5, 1, 12, 30),
        "colour": Colour.RED,
        "keys": {1: "integer key"},
        "surrogate": "\ud800",
        "nan": float("nan"),
        "the same nan twice": [math.nan, math.nan, {"inf": -math.inf}],
        "exponent": [1e16, 1e-7],
        "empty": [{}, []],
        "int enum": [Level.HIGH],
        "str subclass": {Name("k"): Name("v")},
        "float subclass": Ratio(0.5),
        "ordered dict": collections.OrderedDict(b=1, a=2),
        "uuid": uuid.UUID(int=7),
        "bytes, sets, complex": [b"x", {1}, 1j],
        "tuple": (1, (2.5, "x")),
        "deep": [[[[[[[[[[[[{"a": [1e-5]}]]]]]]]]]]]],
    }
    for key, value in odd.items():
        assert indented_json({key: value}) == standard({key: value}), key
