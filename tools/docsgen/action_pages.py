"""One page per action: facts, the field table, the hook and the worked examples."""

from __future__ import annotations

import json

from tools.docsgen.examples import run_scenarios
from tools.docsgen.fields import field_table, identity_note
from tools.docsgen.markdown import code, table
from tools.docsgen.paths import destination_page, link
from tools.docsgen.scenarios import BY_ACTION
from tools.docsgen.sources import HOOK_KEY, Action, Destination, Hook

AUDIENCE_MODE_FIELD = "audience_update_mode"


def _batching(action: Action) -> str:
    if not action.has_perform_batch:
        return "no: one request per event"
    size = next((f.default for f in action.fields if f.key == "batch_size"), None)
    limit = f"up to {code(json.dumps(size))} events" if size is not None else "several events"
    return f"yes: {limit} in one request, sent as one JSON array (`batch_size`)"


def facts(action: Action, destination: Destination, page: str) -> str:
    """The summary table of an action."""
    home = destination_page(destination)
    rows = [
        ["Destination", f"[{destination.name}]({link(page, home)})"],
        ["Action key", code(action.slug)],
        ["Default trigger", code(action.default_subscription)],
        [
            "Ortto call",
            f"{code(action.endpoint.method)} {code('/v1' + action.endpoint.path)} on the "
            f"[base URL the API key selects]({link(page, home, 'endpoint')})",
        ],
        ["Batching", _batching(action)],
        ["Runs in", action.platform],
    ]
    return table(("Fact", "Value"), rows)


def sequence_diagram(action: Action) -> str:
    """A mermaid sequence diagram of the calls the action makes."""
    call = f"{action.endpoint.method} /v1{action.endpoint.path}"
    trigger = action.default_subscription.replace('"', "#quot;")
    lines = [
        "```mermaid",
        "sequenceDiagram",
        "  participant S as Segment",
        f"  participant D as {action.title}",
        "  participant O as Ortto",
    ]
    for hook in action.hooks:
        lines += [
            f"  Note over S,D: mapping saved ({hook.label} hook)",
            "  D->>O: POST /v1/audiences/create",
            "  O-->>D: audience id and name, saved with the mapping",
        ]
    batch = "a batch of events" if action.has_perform_batch else "one event"
    lines += [
        f"  S->>D: {batch} matching {trigger}",
        "  D->>D: map, clean and validate each event",
        f"  D->>O: {call} with one item per valid event",
        "  O-->>D: errors of the refused items",
        "  D-->>S: one result per event",
        "```",
    ]
    return "\n".join(lines)


def hook_section(hook: Hook, action: Action, example: str | None) -> str:
    """The hook: inputs, outputs, the request it makes and what later payloads carry."""
    modes = next((f.choices for f in action.fields if f.key == AUDIENCE_MODE_FIELD), None) or ()
    mode_values = " or ".join(code(c.value) for c in modes)
    return "\n\n".join(
        [
            f"## {hook.label} hook {{#associate-audience}}",
            f"{hook.description} The hook ({code(hook.key)}) runs once, when the mapping is saved "
            "in Segment; its outputs are saved with the mapping.",
            "**Input**",
            field_table(hook.input_fields),
            "**Outputs**",
            field_table(hook.output_fields),
            "**The request it makes.** With a non-empty name, the hook trims it and sends "
            '`POST /v1/audiences/create` with `{"name": "<trimmed name>"}`. Ortto answers with '
            "the audience (the existing one when the name is already taken, names being "
            "case-sensitive), and the hook saves its id and name. An empty name makes no "
            "request and saves nothing; a name of spaces fails with `Missing audience name`.",
            f"**What every later payload carries.** Once an audience id is saved, each item the "
            f'action sends ends with `"audience": {{"mode": <{AUDIENCE_MODE_FIELD}>, "id": '
            f"<audience_id>}}`, as long as {code(AUDIENCE_MODE_FIELD)} is {mode_values}. The "
            "saved name is not sent."
            + (f" The [worked example](#{example}) shows both requests." if example else ""),
        ]
    )


def render(action: Action, destination: Destination, page: str, examples: bool = True) -> str:
    """The whole page."""
    parts = [
        f"# {action.title}",
        action.description,
        facts(action, destination, page),
        sequence_diagram(action),
        "## Fields",
        "One row per field; an object's properties follow it as `object.property`. The default "
        "mapping is what Segment fills in when the mapping is created; it is shown as the "
        "mapping directive and in words.",
        field_table(action.fields),
        identity_note(action.fields),
    ]
    scenarios = BY_ACTION.get(action.slug, ())
    example = next((s.anchor for s in scenarios if s.shows_hook), None) if examples else None
    parts += [hook_section(h, action, example) for h in action.hooks if h.key == HOOK_KEY]
    if examples and scenarios:
        parts += [
            "## Worked examples",
            "Each example was produced while this site was built: the reference client ran the "
            "events through this action against the mock (`mock-ortto`, clock frozen), and what "
            "it sent, what the mock answered and the result for each event are shown as they "
            "happened. Request bodies are indented here; on the wire they are compact JSON.",
            run_scenarios(scenarios),
        ]
    return "\n\n".join(p for p in parts if p) + "\n"
