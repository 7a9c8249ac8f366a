"""The adapter: every entry point of the code that the generated pages are rendered from.

When another part of the project moves an entry point, this module is the one to change.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from mock_ortto.app import create_app
from mock_ortto.cli import build_parser as mock_parser
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.rules import RULES, Rule
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
    "Transport",
    "cli_parsers",
    "destinations",
    "endpoint_for_key",
    "mock_openapi",
    "option_default",
    "rule_for_option",
    "rules",
    "start_mock",
]

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
    """The mock's rule table, in declaration order."""
    return RULES


def cli_parsers() -> dict[str, argparse.ArgumentParser]:
    """The argument parser of each command line, by program name."""
    return {"mock-ortto": mock_parser(), "ortto-reference": reference_parser()}


def mock_openapi() -> dict[str, Any]:
    """The OpenAPI document the mock serves at ``/openapi.json``."""
    answer = create_app(ServerConfig()).test_client().get("/openapi.json")
    document: dict[str, Any] = answer.get_json()
    return document


def endpoint_for_key(api_key: str) -> str:
    """The regional base URL the destinations derive from ``api_key`` (no override)."""
    return get_endpoint(api_key, {})


def option_default(program: str, dest: str, declared: object) -> object:
    """What an option stands for when left out.

    The mock's rule options default to ``None`` ("keep the rule's value"); the value they keep
    is the default :class:`mock_ortto.config.Settings` field of the same name.
    """
    if program != "mock-ortto" or declared is not None:
        return declared
    value = getattr(Settings(), dest, None)
    if isinstance(value, bool):
        return "on" if value else "off"
    return value


def rule_for_option(dest: str) -> Rule | None:
    """The rule an option of the mock sets (``max_items`` -> ``payload.max_items``)."""
    for rule in RULES:
        if rule.id.replace(".", "_") == dest or rule.id.endswith("." + dest):
            return rule
    return None
