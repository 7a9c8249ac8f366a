"""FQL subscriptions: runtime.md §1.2-1.4."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_client.js.undefined import UNDEFINED
from reference_client.subscriptions import (
    FqlError,
    Subscription,
    Token,
    lex,
    matches,
    parse_fql,
    subscription,
)

TYPE_ERROR = "Cannot read properties of undefined (reading 'type')"


def match(subscribe: str, event: Any) -> bool:
    return Subscription(subscribe).matches(event)


# --- lexer ------------------------------------------------------------------------------------


def test_closing_quote_needs_a_terminator() -> None:
    assert [t.value for t in lex('type = "track"and event = "x"') if t.kind == "string"] == [
        '"track"',
        '"and event = "',
        '"x"',
    ]
    assert parse_fql('type = "track"and event = "x"').to_json() == {
        "type": "group",
        "operator": "and",
        "children": [{"type": "event-type", "operator": "=", "value": "track"}],
    }


def test_operators_need_terminators() -> None:
    assert lex('type!="identify"') == []
    assert Token("operator", "!=") in lex('type != "identify"')
    assert [t for t in lex("a <=5") if t.kind == "operator"] == [
        Token("operator", "<"),
        Token("operator", "="),
    ]


def test_keywords_need_terminators() -> None:
    assert lex("and or null") == [
        Token("conditional", "and"),
        Token("conditional", "or"),
        Token("null", "null"),
        Token("eos", "eos"),
    ]
    assert lex("android oregon nullable")[:3] == [
        Token("ident", "android"),
        Token("ident", "oregon"),
        Token("ident", "nullable"),
    ]


def test_identifiers() -> None:
    assert lex("traits.first_name-x")[:3] == [
        Token("ident", "traits"),
        Token("dot", "."),
        Token("ident", "first_name-x"),
    ]
    assert lex(r"properties.a\ b = 1")[2] == Token("ident", "a b")
    assert lex("\r") == []  # \r is not whitespace
    assert lex("traits.x@y") == []


def test_numbers_and_strings() -> None:
    assert lex("-1.5 'single'")[:2] == [Token("number", "-1.5"), Token("string", "'single'")]
    assert lex("1.2.3") == []
    assert lex('"unterminated') == []


# --- parser -----------------------------------------------------------------------------------


def test_parenthesised_group() -> None:
    parsed = parse_fql('type = "track" and (event = "A" or event = "B")')
    assert parsed.to_json() == {
        "type": "group",
        "operator": "and",
        "children": [
            {"type": "event-type", "operator": "=", "value": "track"},
            {
                "type": "group",
                "operator": "or",
                "children": [
                    {"type": "event", "operator": "=", "value": "A"},
                    {"type": "event", "operator": "=", "value": "B"},
                ],
            },
        ],
    }


@pytest.mark.parametrize(
    "subscribe",
    [
        'foo = "bar"',
        '((type = "track"))',
        '(type = "track"',
        'type!="identify"',
        "",
        "   ",
        'contains(type, "x")',
        'properties.list[1] = "b"',  # "[" may not follow an identifier
    ],
)
def test_parse_errors_report_the_type_error_text(subscribe: str) -> None:
    with pytest.raises(FqlError) as err:
        parse_fql(subscribe)
    assert err.value.message == TYPE_ERROR
    assert str(err.value) == TYPE_ERROR


@pytest.mark.parametrize(
    ("subscribe", "expected"),
    [
        ("traits.plan != null", {"type": "event-trait", "name": "plan", "operator": "exists"}),
        ("traits.plan = null", {"type": "event-trait", "name": "plan", "operator": "not_exists"}),
        ("name != null", {"type": "name", "operator": "exists"}),
        ("userId = null", {"type": "userId", "operator": "not_exists"}),
        ("userId = true", {"type": "userId", "operator": "is_true"}),
        ("context.x = false", {"type": "event-context", "name": "x", "operator": "is_false"}),
        (
            "properties.total = 10",
            {"type": "event-property", "name": "total", "operator": "number_equals", "value": 10},
        ),
        (
            "properties.total != 1.5",
            {
                "type": "event-property",
                "name": "total",
                "operator": "number_not_equals",
                "value": 1.5,
            },
        ),
        (
            "properties.total > 3",
            {"type": "event-property", "name": "total", "operator": ">", "value": 3},
        ),
        ("userId = 5", {"type": "userId", "operator": "=", "value": "5"}),
        ("type = true", {"type": "event-type", "operator": "=", "value": "true"}),
        ("type = identify", {"type": "event-type", "operator": "=", "value": "identify"}),
        ("type = 'identify'", {"type": "event-type", "operator": "=", "value": "'identify'"}),
        ("type = ", {"type": "event-type", "operator": "=", "value": "eos"}),
        ("name = true", {"type": "name", "operator": "=", "value": "true"}),
        (
            'properties.nested.a = "x"',
            {"type": "event-property", "name": "nested.a", "operator": "=", "value": "x"},
        ),
    ],
)
def test_condition_shapes(subscribe: str, expected: dict[str, Any]) -> None:
    assert parse_fql(subscribe).to_json() == {
        "type": "group",
        "operator": "and",
        "children": [expected],
    }


@pytest.mark.parametrize(
    ("subscribe", "expected"),
    [
        ('contains(event, "Order")', {"type": "event", "operator": "contains", "value": "Order"}),
        (
            '!contains(event, "Order")',
            {"type": "event", "operator": "not_contains", "value": "Order"},
        ),
        ('match(event, "Order*")', {"type": "event", "operator": "starts_with", "value": "Order"}),
        (
            'match(event, "*Completed")',
            {"type": "event", "operator": "ends_with", "value": "Completed"},
        ),
        (
            '!match(traits.email, "*@x.io")',
            {"type": "event-trait", "name": "email", "operator": "not_ends_with", "value": "@x.io"},
        ),
    ],
)
def test_functions(subscribe: str, expected: dict[str, Any]) -> None:
    assert parse_fql(subscribe).to_json()["children"] == [expected]


@pytest.mark.parametrize(
    ("subscribe", "message"),
    [
        ("type", "Value token is missing"),
        ("contains(", "contains() is missing a 2nd argument"),
    ],
)
def test_parser_errors_with_their_own_text(subscribe: str, message: str) -> None:
    # destination-subscriptions throws its own Error here rather than a TypeError.
    with pytest.raises(FqlError, match=rf"^{message.replace('(', '[(]').replace(')', '[)]')}$"):
        parse_fql(subscribe)


def test_last_conditional_decides_the_level_operator() -> None:
    assert parse_fql('type = "identify" and type = "track" or type = "page"').operator == "or"
    assert parse_fql('type = "page" or type = "identify" and userId = "zzz"').operator == "and"


def test_trailing_or_is_ignored() -> None:
    parsed = parse_fql('type = "identify" or')
    assert parsed.operator == "and"
    assert len(parsed.children) == 1


def test_parse_results_are_cached() -> None:
    assert parse_fql('type = "track"') is parse_fql('type = "track"')
    assert subscription('type = "track"') is subscription('type = "track"')


# --- matching ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["identify", "track", "page"])
def test_no_precedence_or_example(kind: str) -> None:
    assert match('type = "identify" and type = "track" or type = "page"', {"type": kind})


@pytest.mark.parametrize("kind", ["identify", "track", "page"])
def test_no_precedence_and_example(kind: str) -> None:
    subscribe = 'type = "page" or type = "identify" and userId = "zzz"'
    assert not match(subscribe, {"type": kind, "userId": "zzz"})


@pytest.mark.parametrize(
    ("subscribe", "event", "expected"),
    [
        ('type = "identify"', {"type": "identify"}, True),
        ("type = 'identify'", {"type": "identify"}, False),
        ("type = identify", {"type": "identify"}, True),
        ('type = "Identify"', {"type": "identify"}, False),
        ('type != "identify"', {}, True),
        ('type != "identify"', {"type": "identify"}, False),
        ('properties.total = "10"', {"properties": {"total": 10}}, False),
        ("properties.total = 10", {"properties": {"total": "10"}}, False),
        ("properties.total = 10", {"properties": {"total": 10}}, True),
        ("properties.total = 10", {"properties": {"total": 10.0}}, True),
        ("properties.total != 10", {"properties": {}}, False),
        ("properties.total > 3", {"properties": {"total": 4}}, True),
        ("properties.total > 3", {"properties": {"total": "4"}}, False),
        ("properties.total <= 3", {"properties": {"total": 3}}, True),
        ("traits.plan != null", {"traits": {"plan": "pro"}}, True),
        ("traits.plan != null", {"traits": {"plan": None}}, False),
        ("traits.missing = null", {"type": "track"}, True),
        ("traits.vip = true", {"traits": {"vip": True}}, True),
        ("traits.vip = true", {"traits": {"vip": "true"}}, False),
        ("traits.vip = false", {"traits": {"vip": False}}, True),
        ("traits.vip = false", {"traits": {"vip": 0}}, False),
        ('properties.nested.a = "x"', {"properties": {"nested": {"a": "x"}}}, True),
        (r'properties.list\[1\] = "b"', {"properties": {"list": ["a", "b"]}}, True),
        ('context.page.path = "/x"', {"context": {"page": {"path": "/x"}}}, True),
        ('userId = "5"', {"userId": 5}, False),
        ("userId = 5", {"userId": "5"}, True),
        ('name = "Home"', {"name": "Home"}, True),
        ("type = ", {"type": "identify"}, False),
        ('traits.flag = "true"', {"traits": {"flag": True}}, False),
    ],
)
def test_matching(subscribe: str, event: Any, expected: bool) -> None:
    assert match(subscribe, event) is expected


@pytest.mark.parametrize(
    ("subscribe", "event_name", "expected"),
    [
        ('contains(event, "Order")', "Order Completed", True),
        ('!contains(event, "Order")', "Order Completed", False),
        ('!contains(event, "Order")', "Audience Entered", True),
        ('match(event, "Order*")', "Order Completed", True),
        ('match(event, "*Completed")', "Order Completed", True),
        ('match(event, "*Order")', "Order Completed", False),
    ],
)
def test_function_matching(subscribe: str, event_name: str, expected: bool) -> None:
    assert match(subscribe, {"event": event_name}) is expected


def test_string_functions_are_false_for_non_strings() -> None:
    assert not match('contains(properties.x, "1")', {"properties": {"x": 123}})
    assert not match('!contains(properties.x, "1")', {"properties": {"x": 123}})
    assert not match('!contains(properties.x, "1")', {})


def test_groups_and_undefined_events() -> None:
    subscribe = 'type = "track" and (event = "A" or event = "B")'
    assert match(subscribe, {"type": "track", "event": "B"})
    assert not match(subscribe, {"type": "track", "event": "C"})
    assert not match(subscribe, {"type": "identify", "event": "A"})
    assert not Subscription(subscribe).matches(UNDEFINED)
    assert matches(parse_fql('type = "track"'), {"type": "track"})


def test_ortto_preset_subscriptions() -> None:
    both = Subscription('type = "identify" or type = "track"')
    assert both.matches({"type": "identify"})
    assert both.matches({"type": "track"})
    assert not both.matches({"type": "page"})


# --- properties -------------------------------------------------------------------------------

field_names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s not in ("and", "or", "null")
)
safe_text = st.text(alphabet=st.characters(codec="ascii", exclude_characters='"\r'), max_size=10)
field_values = st.none() | st.booleans() | st.integers(-5, 5) | safe_text


@given(field_names, safe_text, st.dictionaries(field_names, field_values, max_size=4))
def test_not_equal_is_the_negation_of_equal(field: str, value: str, props: dict[str, Any]) -> None:
    event = {"type": "track", "properties": props}
    equal = match(f'properties.{field} = "{value}"', event)
    not_equal = match(f'properties.{field} != "{value}"', event)
    assert not_equal is (not equal)


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.booleans()), min_size=1, max_size=5),
    st.sampled_from(["and", "or"]),
)
def test_groups_agree_with_all_and_any(clauses: list[tuple[str, bool]], joiner: str) -> None:
    event = {"type": "track", "properties": {"a": "yes", "b": "yes", "c": "yes"}}
    parts = [f'properties.{name} = "{"yes" if hit else "no"}"' for name, hit in clauses]
    subscribe = f" {joiner} ".join(parts)
    expected = [hit for _, hit in clauses]
    combine = all if joiner == "and" else any
    assert match(subscribe, event) is combine(expected)
