"""Hypothesis strategies shared by the test suites."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def nested_json(
    *, text_size: int = 5, key_size: int = 3, max_leaves: int = 15
) -> st.SearchStrategy[Any]:
    """Nested JSON values (null, booleans, integers, short strings, lists and objects)."""
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=text_size),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=key_size), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )
