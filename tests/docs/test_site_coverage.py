"""Every fact source reaches the built site: nothing in the code is missing from the pages.

The expectations are read from the same entry points the generators use, never listed here.
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path

import pytest

from mock_ortto import envvars
from tests.docs.site import article_text, html_path, table_row, visible_text
from tools.docsgen import sources
from tools.docsgen.cli_pages import options, subcommands
from tools.docsgen.http_api_page import operations
from tools.docsgen.paths import action_page, destination_page
from tools.docsgen.site import CLI_PAGES, pages


def test_every_generated_page_is_built(site: Path) -> None:
    for page in pages():
        assert html_path(site, page.path).is_file(), page.path


@pytest.mark.parametrize("destination", sources.destinations(), ids=lambda d: d.slug)
def test_destination_page_has_settings_presets_and_actions(
    site: Path, destination: sources.Destination
) -> None:
    text = article_text(site, destination_page(destination))
    expected = [destination.name, destination.slug, destination.registry_id]
    expected += [f.key for f in (*destination.settings, *destination.audience_fields)]
    expected += [f.label for f in (*destination.settings, *destination.audience_fields)]
    expected += [p.name for p in destination.presets] + [p.subscribe for p in destination.presets]
    expected += [a.title for a in destination.actions] + [a.slug for a in destination.actions]
    expected += [sources.LOCAL_ENDPOINT_VAR, sources.API_KEY_VAR]
    missing = [item for item in expected if item not in text]
    assert not missing


ACTIONS = [action for destination in sources.destinations() for action in destination.actions]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.slug)
def test_action_page_has_every_field_and_hook(site: Path, action: sources.Action) -> None:
    text = article_text(site, action_page(action))
    expected = [action.title, action.slug, action.default_subscription, action.endpoint.path]
    for field in action.fields:
        expected += [field.key, field.label]
        expected += [f"{field.key}.{prop.key}" for prop in field.properties or ()]
        expected += [choice.value for choice in field.choices or ()]
    for hook in action.hooks:
        expected += [hook.label, hook.key]
        expected += [f.key for f in (*hook.input_fields, *hook.output_fields)]
    missing = [item for item in expected if item not in text]
    assert not missing
    assert "Worked examples" in text


def test_limits_page_has_every_rule_with_its_meaning(site: Path) -> None:
    text = article_text(site, "reference/limits.md")
    missing = [rule.id for rule in sources.rules() if rule.id not in text]
    missing += [rule.summary for rule in sources.rules() if rule.summary not in text]
    assert not missing


SETTING_PAGES = ("reference/limits.md", CLI_PAGES[sources.MOCK_PROGRAM][0])


@pytest.mark.parametrize("page", SETTING_PAGES)
@pytest.mark.parametrize("setting", sources.settings(), ids=lambda s: s.name)
def test_every_setting_has_its_row_with_flag_variable_bounds_and_default(
    site: Path, page: str, setting: sources.Setting
) -> None:
    row = visible_text(table_row(site, page, f"<code>{setting.flag}</code>"))
    default = setting.default if isinstance(setting.default, str) else json.dumps(setting.default)
    expected = [envvars.variable(setting.flag), setting.rule, setting.expects(), default]
    expected += [str(bound) for bound in (setting.minimum, setting.maximum) if bound is not None]
    expected += [*setting.choices, *([setting.unit] if setting.unit else [])]
    missing = [item for item in expected if item not in row]
    assert not missing


def test_every_serve_option_shows_its_environment_variable(site: Path) -> None:
    serve = subcommands(sources.cli_parsers()[sources.MOCK_PROGRAM])["serve"]
    page = CLI_PAGES[sources.MOCK_PROGRAM][0]
    for _, option in envvars.options(serve):
        row = visible_text(table_row(site, page, f"<code>{option}</code>"))
        assert envvars.variable(option) in row, option
        assert "[env " not in row, option  # the variable has its own column


@pytest.mark.parametrize("program", sorted(CLI_PAGES))
def test_cli_page_has_every_command_option_and_choice(site: Path, program: str) -> None:
    parser = sources.cli_parsers()[program]
    text = article_text(site, CLI_PAGES[program][0])
    expected: list[str] = []
    for name, sub in [("", parser), *subcommands(parser).items()]:
        expected.append(f"{program} {name}".strip())
        for option in options(sub):
            expected += list(option.option_strings) or [str(option.dest).upper()]
            expected += [str(choice) for choice in option.choices or ()]
    missing = [item for item in expected if item not in text]
    assert not missing


def test_http_api_page_has_every_operation_and_schema(site: Path) -> None:
    document = sources.mock_openapi()
    text = article_text(site, "reference/http-api.md")
    expected = [f"{method} {path}" for method, path, _ in operations(document)]
    expected += list(document["components"]["schemas"])
    missing = [item for item in expected if item not in text]
    assert not missing


def test_python_api_page_documents_every_public_object(site: Path) -> None:
    document = html_path(site, "reference/python-api.md").read_text(encoding="utf-8")
    missing = []
    for name in sources.PYTHON_API_MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            public = not attribute.startswith("_") and getattr(value, "__module__", "") == name
            documented = f'id="{name}.{attribute}"' in document
            if public and (inspect.isclass(value) or inspect.isfunction(value)) and not documented:
                missing.append(f"{name}.{attribute}")
    assert not missing
