"""One declaration per setting: Settings, the OpenAPI schema, serve options and the
environment all follow :data:`mock_ortto.settings.SETTINGS`, and refuse alike."""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
from importlib import metadata
from typing import Any

import fastjsonschema
import httpx
import pytest

from mock_ortto import cli, envvars, rules
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.openapi import build
from mock_ortto.settings import SETTINGS, Setting, SettingError
from mock_ortto.testing import RunningMock
from mock_ortto.version import package_version
from tests.mock_ortto.conftest import KEY
from tests.mock_ortto.proc import ROOT, ServerProcess

DOC = build(ServerConfig())
SERVE = cli.serve_parser(cli.build_parser())
ACTIONS = {action.dest: action for action in SERVE._actions}


def convert(name: str, text: str) -> Any:
    """What the serve option of setting ``name`` makes of ``text``."""
    parse = ACTIONS[name].type
    assert callable(parse)
    return parse(text)


BOUNDED = [s for s in SETTINGS if s.kind in ("integer", "number", "string")]


def _edges(setting: Setting) -> tuple[list[Any], list[Any]]:
    """Values just inside and just outside the declared bounds, as JSON values."""
    low, high = setting.minimum, setting.maximum
    assert low is not None and high is not None
    if setting.kind == "string":
        return ["x" * int(low), "x" * int(high)], ["x" * (int(low) - 1), "x" * (int(high) + 1)]
    return [low, high], [low - 1, high + 1]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_a_settings_field_with_its_default(setting: Setting) -> None:
    field = {f.name: f for f in dataclasses.fields(Settings)}[setting.name]
    value = getattr(Settings(), setting.name)
    assert value == setting.default and type(value) is setting.python_type
    assert field.name == setting.name


def test_settings_fields_are_exactly_the_declared_settings() -> None:
    assert [f.name for f in dataclasses.fields(Settings)] == [s.name for s in SETTINGS]


@pytest.mark.parametrize("setting", BOUNDED, ids=lambda s: s.name)
def test_every_bounded_setting_has_a_schema_property_with_its_bounds(setting: Setting) -> None:
    for schema in ("Settings", "SettingsPatch"):
        prop = DOC["components"]["schemas"][schema]["properties"][setting.name]
        if setting.kind == "string":
            assert (prop["minLength"], prop["maxLength"]) == (setting.minimum, setting.maximum)
        else:
            assert prop["type"] == setting.kind
            assert (prop["minimum"], prop["maximum"]) == (setting.minimum, setting.maximum)


@pytest.mark.parametrize("setting", BOUNDED, ids=lambda s: s.name)
def test_every_bounded_setting_has_a_serve_option_with_its_bounds(setting: Setting) -> None:
    assert setting.flag in ACTIONS[setting.name].option_strings
    inside, outside = _edges(setting)
    for value in inside:
        assert convert(setting.name, _text(value)) == value
    for value in outside:
        with pytest.raises(argparse.ArgumentTypeError, match=f"^{setting.name} must be"):
            convert(setting.name, _text(value))


@pytest.mark.parametrize("setting", BOUNDED, ids=lambda s: s.name)
def test_settings_refuse_out_of_bounds_values(setting: Setting) -> None:
    inside, outside = _edges(setting)
    for value in inside:
        assert getattr(Settings(**{setting.name: value}), setting.name) == value
    for value in outside:
        with pytest.raises(SettingError, match=f"^{setting.name} must be {setting.expects()}"):
            Settings(**{setting.name: value})


def test_choices_and_switches_follow_the_declaration() -> None:
    schemas = DOC["components"]["schemas"]["Settings"]["properties"]
    policies = ["reentry", "flap", "off"]
    assert schemas["churn_policy"]["enum"] == policies
    assert [convert("churn_policy", c) for c in policies] == policies
    with pytest.raises(argparse.ArgumentTypeError):
        convert("churn_policy", "sometimes")
    assert schemas["rate_limit"] == {"type": "boolean", "description": "Rate limiting per API key."}
    assert convert("rate_limit", "off") is False and convert("rate_limit", "on") is True
    assert convert("rate_windows", '{"gold": [[10, 5]]}') == {"gold": [[10, 5]]}
    with pytest.raises(argparse.ArgumentTypeError, match="rate_windows must be"):
        convert("rate_windows", '{"gold": [[10, 0]]}')


PROBES: list[Any] = [None, True, "x", "", -1, 0, 1, 1.5, 60, 10**9, {}, [], {"p": [[1, 2]]}]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_the_served_schema_and_the_settings_check_agree(setting: Setting) -> None:
    prop = DOC["components"]["schemas"]["Settings"]["properties"][setting.name]
    validate = fastjsonschema.compile(prop)
    for value in [*PROBES, setting.default]:
        try:
            validate(value)
            schema_accepts = True
        except fastjsonschema.JsonSchemaValueException:
            schema_accepts = False
        try:
            setting.check(value)
            check_accepts = True
        except SettingError:
            check_accepts = False
        assert schema_accepts == check_accepts, value


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_has_its_rule(setting: Setting) -> None:
    rule = rules.RULES_BY_ID[setting.rule]
    assert (rule.value, rule.unit, rule.source, rule.setting) == (
        setting.default,
        setting.unit,
        setting.source,
        setting.name,
    )


BAD_VALUES = [
    ("max_items", -5, "-5"),
    ("max_body_bytes", 0, "0"),
    ("reentry_block_seconds", -1, "-1"),
    ("churn_policy", "sometimes", "sometimes"),
    ("rate_limit", "maybe", "maybe"),
    ("rate_plan", "", ""),
    ("journal_size", 100001, "100001"),
]


@pytest.mark.parametrize(("name", "value", "text"), BAD_VALUES)
def test_patch_and_command_line_refuse_with_the_same_words(
    live: RunningMock, capsys: pytest.CaptureFixture[str], name: str, value: Any, text: str
) -> None:
    answer = live.admin.http.patch("/_mock/config", json={name: value})
    assert answer.status_code == 400
    assert answer.headers["X-Mock-Rule"] == "request.invalid"
    message = answer.json()["error"]
    assert message.startswith(f"{name} must be ")
    with pytest.raises(SystemExit) as exited:
        cli.parse_args([f"--{name.replace('_', '-')}={text}"], environ={})
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f": {message} (see" in line
    assert live.admin.config()["settings"] == Settings(rate_limit=False).to_json()  # unchanged


def test_patch_names_unknown_settings_and_refuses_non_objects(live: RunningMock) -> None:
    answer = live.admin.http.patch("/_mock/config", json={"max_itemz": 5})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith('unknown setting "max_itemz"; the settings are ')
    answer = live.admin.http.patch("/_mock/config", json=[1])
    assert answer.status_code == 400
    assert answer.json() == {"error": "body must be a JSON object of settings to change"}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_ortto", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_refuses_a_bad_value_with_one_line_before_binding() -> None:
    done = _run("serve", "--port", "0", "--max-items", "-5")
    assert done.returncode == 2
    assert done.stdout == ""  # no endpoint line: nothing was bound
    assert done.stderr.splitlines() == [
        "mock-ortto serve: error: argument --max-items: max_items must be an integer from 1 to"
        " 1000000, not -5 (see mock-ortto serve --help)"
    ]


def test_serve_refuses_a_bad_environment_value_naming_the_variable() -> None:
    done = _run("--port", "0", env={"MOCK_ORTTO_MAX_ITEMS": "-5"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "mock-ortto serve: error: environment variable MOCK_ORTTO_MAX_ITEMS: max_items must be"
        " an integer from 1 to 1000000, not -5 (see mock-ortto serve --help)"
    ]


def test_a_server_started_from_the_environment_enforces_it() -> None:
    server = ServerProcess(env={"MOCK_ORTTO_MAX_ITEMS": "2", "MOCK_ORTTO_RATE_LIMIT": "off"})
    try:
        answer = httpx.post(
            server.base_url + "/v1/identify",
            json=[{"user_id": f"u{i}"} for i in range(3)],
            headers={"Authorization": f"Bearer {KEY}"},
        )
        assert answer.status_code == 413
        assert answer.json() == {"error": "batch has 3 items; at most 2 are accepted"}
        settings = httpx.get(server.base_url + "/_mock/config").json()["settings"]
        assert (settings["max_items"], settings["rate_limit"]) == (2, False)
    finally:
        server.stop()


def test_the_command_line_wins_over_the_environment() -> None:
    env = {"MOCK_ORTTO_MAX_ITEMS": "7", "MOCK_ORTTO_THREADS": "3", "MOCK_ORTTO_MAX_DEPTH": "x"}
    args = cli.parse_args(["--max-items", "9", "--max-depth=4"], environ=env)
    assert (args.max_items, args.threads, args.max_depth) == (9, 3, 4)
    assert cli.config_from_args(args).settings.max_items == 9
    assert cli.parse_args([], environ={"MOCK_ORTTO_MAX_ITEMS": "7"}).max_items == 7


def test_every_option_has_a_documented_variable_even_ones_added_later() -> None:
    for action, option in envvars.options(SERVE):
        assert envvars.variable(option) in (action.help or ""), option
    parser = argparse.ArgumentParser()
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--admin-token-file", default=None)
    args = parser.parse_args([])
    envvars.apply(
        parser, args, [], {"MOCK_ORTTO_QUIET": "yes", "MOCK_ORTTO_ADMIN_TOKEN_FILE": "/t"}
    )
    assert (args.quiet, args.admin_token_file) == (True, "/t")


def test_a_bad_value_for_a_plain_option_names_the_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args([], environ={"MOCK_ORTTO_PORT": "eighty"})
    assert "environment variable MOCK_ORTTO_PORT: invalid int value: 'eighty'" in (
        capsys.readouterr().err
    )


def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mock-ortto {metadata.version('ortto-reference-kit')}"


def test_version_falls_back_to_the_source_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{package_version()}"' in text
