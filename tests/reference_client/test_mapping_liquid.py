"""@liquid: runtime.md §7.3."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reference_client.mapping import LiquidError, MappingValidationError, transform
from reference_client.mapping.liquid import DISABLED_FILTERS, DISABLED_TAGS


def liquid(template: str, event: Any = None) -> Any:
    return transform({"v": {"@liquid": template}}, event if event is not None else {}).get("v")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ traits.missing }}", ""),
        ('{{ "x" | missing_filter }}', "x"),
        ("{{ traits.html }}", '<b>&"'),
        ("{{ traits.constructor }}", ""),
        ("{{ traits.small }}", "1.5e-7"),
        ("{{ 0.1 | plus: 0.2 }}", "0.30000000000000004"),
        ("{{ 10 | divided_by: 4 }}", "2.5"),
        ("{{ traits.mixed }}", "1a23"),
        ("{{ traits.obj }}", "[object Object]"),
        ("{{ 1e21 }}", ""),
        ("{{ traits.name | upcase }}", "ADA"),
        ("{{ traits.csv | split: ',' | join: '+' }}", "a+b"),
        ("{{ traits.missing | default: 'd' }}", "d"),
        ("{% assign x = traits.name %}{{ x }}", "Ada"),
        ("{% capture c %}[{{ traits.name }}]{% endcapture %}{{ c }}", "[Ada]"),
        ("{% raw %}{{ kept }}{% endraw %}", "{{ kept }}"),
        ("{% unless traits.vip %}no{% endunless %}", "no"),
        ("", ""),
    ],
)
def test_rendering(template: str, expected: str) -> None:
    event = {
        "traits": {
            "html": '<b>&"',
            "small": 1.5e-7,
            "mixed": [1, "a", [2, 3]],
            "obj": {"a": 1},
            "name": "Ada",
            "csv": "a,b",
        }
    }
    assert liquid(template, event) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "add"),
        ("true", "add"),
        ("false", "add"),
        (0, "add"),
        ("", "add"),
        ([], "add"),
        ({}, "add"),
        (False, "remove"),
        (None, "remove"),
        ("MISSING", "remove"),
    ],
)
def test_truthiness(value: Any, expected: str) -> None:
    traits = {} if value == "MISSING" else {"k": value}
    template = "{% if traits.k %}add{% else %}remove{% endif %}"
    assert liquid(template, {"traits": traits}) == expected


def test_equality_is_type_strict() -> None:
    template = '{% if traits.k == "true" %}s{% endif %}{% if traits.k == true %}b{% endif %}'
    assert liquid(template, {"traits": {"k": True}}) == "b"
    assert liquid(template, {"traits": {"k": "true"}}) == "s"


@pytest.mark.parametrize("tag", DISABLED_TAGS)
def test_disabled_tags_fail_at_parse_time(tag: str) -> None:
    with pytest.raises(LiquidError) as err:
        liquid(f"{{% {tag} %}} , {{{{ properties.test }}}}")
    assert err.value.js_name == "ParseError"
    assert err.value.message == f'tag "{tag}" is disabled, line:1, col:1'


def test_disabled_tag_position() -> None:
    with pytest.raises(LiquidError, match=r'^tag "for" is disabled, line:2, col:3$'):
        liquid("ab\n  {% for x in y %}{% endfor %}")


@pytest.mark.parametrize("name", DISABLED_FILTERS)
def test_disabled_filters_fail_at_render_time(name: str) -> None:
    with pytest.raises(LiquidError) as err:
        liquid(f"{{{{ traits.a | {name} }}}}", {"traits": {"a": [2, 1]}})
    assert err.value.js_name == "RenderError"
    assert err.value.message == f'filter "{name}" is disabled, line:1, col:1'


def test_length_limit() -> None:
    big = "{{ properties.test }}" + "a" * 1001
    with pytest.raises(
        LiquidError, match=r"^liquid template values are limited to 1000 characters$"
    ):
        liquid(big)
    assert liquid("a" * 1000) == "a" * 1000


def test_unclosed_output_is_a_tokenization_error() -> None:
    with pytest.raises(LiquidError) as err:
        liquid("{{ x")
    assert err.value.js_name == "TokenizationError"
    assert err.value.message == 'output "{{ x" not closed, line:1, col:1'


def test_non_string_template_fails_validation() -> None:
    for bad in ([], True, 5):
        with pytest.raises(MappingValidationError, match="should be a string but it is"):
            transform({"field": {"@liquid": bad}}, {})


@pytest.fixture
def utc() -> Iterator[None]:
    yield from _time_zone("UTC")


@pytest.fixture
def tokyo() -> Iterator[None]:
    yield from _time_zone("Asia/Tokyo")


def _time_zone(name: str) -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


DATE_TEMPLATE = "{{ '2024-01-01T23:30:00Z' | date: '%Y-%m-%d %H:%M' }}"


def test_date_in_utc(utc: None) -> None:
    assert liquid(DATE_TEMPLATE) == "2024-01-01 23:30"


def test_date_uses_local_time_zone(tokyo: None) -> None:
    assert liquid(DATE_TEMPLATE) == "2024-01-02 08:30"


@pytest.mark.parametrize(
    ("template", "expected"),
    [  # expectations produced by actions-core's own transform (liquidjs 10.30.1)
        ("{{ missing | plus: 1 }}", "1"),
        ("{{ s | plus: 1 }}", "1"),
        ("{{ o | times: 2 }}", "0"),
        ("{{ b | plus: 1 }}", "2"),
        ("{{ g | modulo: 3 }}", "2"),
        ("{{ g | modulo: -3 }}", "-1"),
        ("{{ f | modulo: 0 }}", "NaN"),
        ("{{ f | divided_by: 0 }}", "Infinity"),
        ("{{ g | divided_by: 4, true }}", "-2"),
        ("{{ dec | round: 2 }}", "1.01"),
        ("{{ neg | round: 2 }}", "-1.01"),
        ("{{ f | round }}", "3"),
        ("{{ g | abs }}", "7"),
        ("{{ s | at_least: 5 }}", "5"),
        ("{{ f | ceil }}", "3"),
        ("{{ g | floor }}", "-7"),
        ("{{ h | plus: 0 }}", "16"),
    ],
)
def test_math_filters_use_liquidjs_number_rules(template: str, expected: str) -> None:
    data = {
        "s": "abc",
        "o": {},
        "b": True,
        "g": -7,
        "f": 2.5,
        "dec": 1.005,
        "neg": -1.005,
        "h": "0x10",
    }
    assert transform({"v": {"@liquid": template}}, data)["v"] == expected


LIQUIDJS = json.loads(
    (Path(__file__).parent / "data" / "liquid_filters_liquidjs.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", LIQUIDJS["cases"], ids=[c["template"] for c in LIQUIDJS["cases"]])
def test_filters_render_like_actions_core(case: dict[str, str]) -> None:
    """Answers recorded from actions-core's own ``transform`` (tools/differential/liquid.py)."""
    try:
        got = transform({"v": {"@liquid": case["template"]}}, LIQUIDJS["values"])["v"]
    except LiquidError as error:
        got = f"ERR {error.message}"
    assert got == case["expected"]
