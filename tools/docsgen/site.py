"""The list of generated pages: where each goes, what renders it, which file to edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tools.docsgen import (
    action_pages,
    cli_pages,
    destination_pages,
    http_api_page,
    limits_page,
    python_api_page,
)
from tools.docsgen.paths import action_page, destination_page
from tools.docsgen.sources import cli_parsers, destinations

MODULE_DIR = "tools/docsgen"

CLI_PAGES = {
    "mock-ortto": (
        "reference/mock-cli.md",
        "The mock's command line (`python -m mock_ortto` is the same). Every `serve` option "
        "can also come from its environment variable; the command line wins. Setting options "
        "left out keep the defaults of [the settings table](limits.md#settings).",
    ),
    "ortto-reference": (
        "reference/reference-cli.md",
        "The reference client's command line (`python -m reference_client` is the same).",
    ),
}
"""Page path and introduction of each command line's reference."""


@dataclass(frozen=True)
class GeneratedPage:
    """A page made at build time."""

    path: str
    """Where it goes, relative to ``docs/``."""
    source: str
    """The repository file that renders it (its "edit this page" target)."""
    render: Callable[[], str]


def _module(name: str) -> str:
    return f"{MODULE_DIR}/{name}.py"


def pages() -> list[GeneratedPage]:
    """Every generated page, destinations and actions first."""
    found: list[GeneratedPage] = []
    for destination in destinations():
        found.append(
            GeneratedPage(
                destination_page(destination),
                _module("destination_pages"),
                lambda d=destination: destination_pages.render(d),  # type: ignore[misc]
            )
        )
    for destination in destinations():
        for action in destination.actions:
            path = action_page(action)
            found.append(
                GeneratedPage(
                    path,
                    _module("action_pages"),
                    lambda a=action, d=destination, p=path: action_pages.render(a, d, p),  # type: ignore[misc]
                )
            )
    found.append(GeneratedPage("reference/limits.md", _module("limits_page"), limits_page.render))
    for program, parser in cli_parsers().items():
        path, intro = CLI_PAGES[program]
        found.append(
            GeneratedPage(
                path,
                _module("cli_pages"),
                lambda n=program, p=parser, i=intro: cli_pages.render(n, p, i),  # type: ignore[misc]
            )
        )
    found.append(
        GeneratedPage("reference/http-api.md", _module("http_api_page"), http_api_page.render)
    )
    found.append(
        GeneratedPage("reference/python-api.md", _module("python_api_page"), python_api_page.render)
    )
    return found
