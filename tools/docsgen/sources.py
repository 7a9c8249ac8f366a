"""The adapter: every entry point of the code that the generated pages are rendered from.

When another part of the project moves an entry point, this module is the one to change.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from mock_ortto import envvars, openapi
from mock_ortto.cli import build_parser as mock_parser
from mock_ortto.config import ServerConfig
from mock_ortto.rules import CATEGORIES, RULES, RULES_BY_ID, Rule
from mock_ortto.settings import SETTINGS, SETTINGS_BY_NAME, Setting
from mock_ortto.testing import RunningMock, start_mock
from reference_client.api import OrttoActions, OrttoAudiences
from reference_client.cli import build_parser as reference_parser
from reference_client.definitions import DESTINATIONS, Action, Destination, Field, Hook, Preset
from reference_client.destinations.endpoint import API_KEY_VAR, LOCAL_ENDPOINT_VAR, get_endpoint
from reference_client.destinations.implementation import HOOK_KEY
from reference_client.transport.transports import (
    HttpxTransport,
    OutgoingRequest,
    RawResponse,
    Transport,
)

__all__ = [
    "API_KEY_VAR",
    "HOOK_KEY",
    "LOCAL_ENDPOINT_VAR",
    "MOCK_PROGRAM",
    "Action",
    "Destination",
    "Field",
    "Hook",
    "HttpxTransport",
    "OrttoActions",
    "OrttoAudiences",
    "OutgoingRequest",
    "Preset",
    "RawResponse",
    "Rule",
    "RunningMock",
    "Setting",
    "Transport",
    "categories",
    "cli_parsers",
    "destinations",
    "endpoint_for_key",
    "mock_openapi",
    "option_help",
    "option_variable",
    "rule_of",
    "rules",
    "setting_for_option",
    "setting_variable",
    "settings",
    "start_mock",
]

MOCK_PROGRAM = "mock-ortto"
"""The mock's command line; its options come from the settings declaration and the environment."""

PYTHON_API_MODULES: tuple[str, ...] = (
    "reference_client.api",
    "reference_client.outcomes",
    "mock_ortto.testing",
)
"""Modules the Python API page documents with mkdocstrings."""


def destinations() -> Sequence[Destination]:
    """Both destination definitions, Ortto (Actions) first."""
    return tuple(DESTINATIONS.values())


def rules() -> Sequence[Rule]:
    """The mock's rule registry, grouped by category."""
    return RULES


def categories() -> Sequence[str]:
    """The rule categories, in the order the registry groups them."""
    return CATEGORIES


def settings() -> Sequence[Setting]:
    """The mock's runtime settings, each declared once (``mock_ortto/settings.py``)."""
    return SETTINGS


def rule_of(setting: Setting) -> Rule:
    """The rule whose value ``setting`` holds (``rate_limit`` -> ``rate.enabled``)."""
    return RULES_BY_ID[setting.rule]


def setting_variable(setting: Setting) -> str:
    """The environment variable of the setting's ``mock-ortto serve`` option."""
    return envvars.variable(setting.flag)


def cli_parsers() -> dict[str, argparse.ArgumentParser]:
    """The argument parser of each command line, by program name."""
    return {"mock-ortto": mock_parser(), "ortto-reference": reference_parser()}


def mock_openapi() -> dict[str, Any]:
    """The OpenAPI document the mock serves at ``/openapi.json`` (default configuration)."""
    return openapi.build(ServerConfig())


def endpoint_for_key(api_key: str) -> str:
    """The regional base URL the destinations derive from ``api_key`` (no override)."""
    return get_endpoint(api_key, {})


def setting_for_option(program: str, dest: str) -> Setting | None:
    """The declared setting an option of ``program`` sets (only ``mock-ortto`` has them)."""
    return SETTINGS_BY_NAME.get(dest) if program == MOCK_PROGRAM else None


def option_variable(program: str, action: argparse.Action) -> str | None:
    """The environment variable ``mock-ortto`` reads for an option (``None`` elsewhere)."""
    return envvars.variable_of(action) if program == MOCK_PROGRAM else None


def option_help(program: str, action: argparse.Action) -> str:
    """The option's help, without the variable the mock's parser appends to it."""
    return envvars.plain_help(action) if program == MOCK_PROGRAM else action.help or ""
