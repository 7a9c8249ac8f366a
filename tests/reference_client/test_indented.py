"""The fast indented printer writes exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import datetime
import enum
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_client.indented import indented_json


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from([1e16, 1e-7, 1e22, 123456789012345680000.0, -0.0, 5e-324, 1.5e300])
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


class Colour(enum.Enum):
    RED = "red"


def test_values_orjson_writes_its_own_way_fall_back_to_the_standard_encoder() -> None:
    odd = {
        "when": datetime.datetime(2024, 5, 1, 12, 30),
        "colour": Colour.RED,
        "keys": {1: "integer key"},
        "surrogate": "\ud800",
        "nan": float("nan"),
        "exponent": [1e16, 1e-7],
        "empty": [{}, []],
    }
    for key, value in odd.items():
        assert indented_json({key: value}) == standard({key: value}), key
