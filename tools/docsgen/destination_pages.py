"""One page per destination: purpose, settings, presets, actions and the endpoint rule."""

from __future__ import annotations

from tools.docsgen.fields import field_table
from tools.docsgen.markdown import code, snippet, table
from tools.docsgen.paths import action_page, destination_page, link
from tools.docsgen.sources import (
    API_KEY_VAR,
    LOCAL_ENDPOINT_VAR,
    Destination,
    endpoint_for_key,
)

SAMPLE_KEYS = ("pau-0a1b2c3d", "peu-0a1b2c3d", "pus-0a1b2c3d", "seu-0a1b2c3d")
"""Keys whose endpoints the page shows (computed, not written down)."""


def flow_diagram(destination: Destination) -> str:
    """A mermaid flowchart from Segment to the Ortto endpoint of each action."""
    lines = ["```mermaid", "flowchart LR", '  S["Segment event"]']
    for number, action in enumerate(destination.actions):
        node = f"A{number}"
        call = f"{action.endpoint.method} /v1{action.endpoint.path}"
        trigger = action.default_subscription.replace('"', "#quot;")
        lines.append(f'  S -- "{trigger}" --> {node}["{action.title}"]')
        lines.append(f'  {node} --> O{number}["{call}"]')
    lines.append("```")
    return "\n".join(lines)


def _presets(destination: Destination, page: str) -> str:
    if not destination.presets:
        return "This destination has no presets: its mappings are added by hand."
    rows = (
        [
            preset.name,
            f"[{destination.action(preset.partner_action).title}]"
            f"({link(page, action_page(destination.action(preset.partner_action)))})",
            code(preset.subscribe),
            preset.type,
        ]
        for preset in destination.presets
    )
    return (
        "Presets are the mappings Segment creates when the destination is added. Each installs "
        "its action with the default mapping of every field.\n\n"
        + table(("Preset", "Action", "Trigger", "Type"), rows)
    )


def _actions(destination: Destination, page: str) -> str:
    rows = (
        [
            f"[{action.title}]({link(page, action_page(action))})",
            code(action.slug),
            code(action.default_subscription),
            f"{code(action.endpoint.method)} {code('/v1' + action.endpoint.path)}",
            action.description,
        ]
        for action in destination.actions
    )
    return table(("Action", "Key", "Default trigger", "Ortto call", "What it does"), rows)


def _endpoint(destination: Destination) -> str:
    rows = ([code(key), code(endpoint_for_key(key))] for key in SAMPLE_KEYS)
    auth = destination.test_authentication
    return "\n\n".join(
        [
            snippet("endpoint"),
            table(("API key", "Base URL"), rows),
            f"Every request carries `Authorization: Bearer <API key>`. Segment checks a key with "
            f"{code(auth.method + ' /v1' + auth.path)} (any 2xx answer means it is accepted).",
            "Two environment variables of the runtime change this, which is how a local mock "
            "is used:",
            table(
                ("Variable", "Effect"),
                [
                    [
                        code(LOCAL_ENDPOINT_VAR),
                        "Base URL without `/v1`: every request goes to "
                        f"`${LOCAL_ENDPOINT_VAR}/v1/...`, whatever the key (for example "
                        "`http://127.0.0.1:8089` for `mock-ortto serve`).",
                    ],
                    [
                        code(API_KEY_VAR),
                        "Replaces the API key setting, for the header and for the region.",
                    ],
                ],
            ),
        ]
    )


def _audience_settings(destination: Destination) -> str:
    config = destination.audience_config
    if config is None:
        return ""
    facts = table(
        ("Fact", "Value"),
        [
            ["Audience mode", code(config.mode)],
            ["Full audience sync", "yes" if config.full_audience_sync else "no"],
            [
                "Create audience",
                code(f"{config.create_audience.method} /v1{config.create_audience.path}")
                + " with the audience name; Segment saves the returned id",
            ],
            [
                "Check audience",
                code(f"{config.get_audience.method} /v1{config.get_audience.path}")
                + " with the saved id",
            ],
        ],
    )
    return "\n\n".join(
        [
            "## Audience settings",
            "What Segment asks for when an Engage audience is connected to this destination.",
            field_table(destination.audience_fields) if destination.audience_fields else "",
            facts,
        ]
    )


def render(destination: Destination) -> str:
    """The whole page."""
    page = destination_page(destination)
    parts = [
        f"# {destination.name}",
        destination.description,
        snippet(page.removeprefix("destinations/").removesuffix(".md")),
        table(
            ("Fact", "Value"),
            [
                ["Segment slug", code(destination.slug)],
                ["Registry id", code(destination.registry_id)],
                ["Mode", destination.mode],
            ],
        ),
        flow_diagram(destination),
        "## Settings",
        field_table(destination.settings),
        snippet("api-key"),
        "## Presets",
        _presets(destination, page),
        "## Actions",
        _actions(destination, page),
        "## Where requests go {#endpoint}",
        _endpoint(destination),
        _audience_settings(destination),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"
