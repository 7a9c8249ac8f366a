"""How an events file is told apart: JSON Lines or one JSON document
(``reference_client/event_files.py``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_client.event_files import _looks_like_jsonl, parse_events


def _jsonl_by_definition(text: str) -> bool:
    """The rule as documented: the first non-blank line (lines end at ``\\n``; blank means
    nothing but what ``str.strip`` removes) is a whole ``{...}`` object, and a non-blank
    line follows it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return len(lines) > 1 and lines[0].startswith("{") and lines[0].endswith("}")


TEXT = st.text(st.sampled_from(list(' \t\r\n\x0b\x0c\x1c\x85\u2028\u3000{}[]a"1,')), max_size=40)


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_the_detection_follows_the_documented_rule(text: str) -> None:
    assert _looks_like_jsonl(text) == _jsonl_by_definition(text)


def test_a_document_and_lines_are_told_apart() -> None:
    assert parse_events('[{"a": 1},\n {"a": 2}]', "f") == [{"a": 1}, {"a": 2}]
    assert parse_events('\n  {"a": 1}  \n\n{"a": 2}\n', "f") == [{"a": 1}, {"a": 2}]
    assert parse_events('{"a": 1,\n "b": 2}\n', "f") == [{"a": 1, "b": 2}]
    assert parse_events('{"a": 1}\n \t\n', "f") == [{"a": 1}]
