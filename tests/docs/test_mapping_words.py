"""The plain-words renderer of mapping directives."""

from __future__ import annotations

from reference_client.definitions import DESTINATIONS
from tools.docsgen.mapping_words import words


def test_path_is_the_events_field() -> None:
    assert words({"@path": "$.context.ip"}) == "the event's `context.ip`"


def test_root_path_is_the_whole_event() -> None:
    assert words({"@path": "$."}) == "the whole event"


def test_if_exists_fallback_reads_as_if_present_else() -> None:
    directive = {
        "@if": {
            "exists": {"@path": "$.traits"},
            "then": {"@path": "$.traits"},
            "else": {"@path": "$.context.traits"},
        }
    }
    assert words(directive) == "the event's `traits` if present, else the event's `context.traits`"


def test_if_with_different_branch_names_the_condition() -> None:
    directive = {
        "@if": {
            "exists": {"@path": "$.userId"},
            "then": "known",
            "else": {"@path": "$.anonymousId"},
        }
    }
    assert words(directive) == (
        "the value `\"known\"` if the event's `userId` exists, else the event's `anonymousId`"
    )


def test_literals_are_shown_as_json() -> None:
    assert words(True) == "always `true`"
    assert words(500) == "always `500`"
    assert words("add") == 'always `"add"`'


def test_objects_list_each_key() -> None:
    assert words({"city": {"@path": "$.traits.city"}}) == (
        "an object with `city`: the event's `traits.city`"
    )


def test_template_and_unknown_directives() -> None:
    assert words({"@template": "{{userId}}"}) == (
        "the text `{{userId}}` with `{{...}}` filled from the event"
    )
    assert words({"@json": {"value": 1}}) == 'the `@json` directive `{"value": 1}`'


def test_every_default_of_the_definitions_is_said_without_falling_back() -> None:
    for destination in DESTINATIONS.values():
        for action in destination.actions:
            for field in action.fields:
                if field.has_default:
                    said = words(field.default)
                    assert "directive" not in said, (action.slug, field.key, said)


def test_if_with_another_condition_names_it() -> None:
    directive = {"@if": {"blank": {"@path": "$.name"}, "then": "x", "else": "y"}}
    assert words(directive) == (
        'the value `"x"` if the condition `{"blank": {"@path": "$.name"}}` holds, '
        'else the value `"y"`'
    )
