"""JSON descriptions of the definitions (for ``describe``, the docs and integrators' tools)."""

from __future__ import annotations

from typing import Any

from reference_client.definitions import Destination
from reference_client.runtime.schema import fields_to_json_schema


def describe_destination(destination: Destination) -> dict[str, Any]:
    """Everything known about ``destination``, with each action's generated JSON schema."""
    out: dict[str, Any] = {
        "name": destination.name,
        "slug": destination.slug,
        "id": destination.registry_id,
        "mode": destination.mode,
        "description": destination.description,
        "authentication": {
            "scheme": destination.authentication_scheme,
            "fields": [f.to_dict() for f in destination.settings],
            "testAuthentication": {
                "method": destination.test_authentication.method,
                "path": destination.test_authentication.path,
            },
        },
        "presets": [
            {
                "name": p.name,
                "partnerAction": p.partner_action,
                "subscribe": p.subscribe,
                "type": p.type,
                "mapping": destination.preset_mapping(p),
            }
            for p in destination.presets
        ],
        "actions": [
            {
                "slug": a.slug,
                "title": a.title,
                "description": a.description,
                "defaultSubscription": a.default_subscription,
                "platform": a.platform,
                "hasPerformBatch": a.has_perform_batch,
                "endpoint": {"method": a.endpoint.method, "path": a.endpoint.path},
                "fields": [f.to_dict() for f in a.fields],
                "hooks": [
                    {
                        "key": h.key,
                        "label": h.label,
                        "description": h.description,
                        "inputFields": [f.to_dict() for f in h.input_fields],
                        "outputFields": [f.to_dict() for f in h.output_fields],
                    }
                    for h in a.hooks
                ],
                "defaultMapping": a.default_mapping(),
                "schema": fields_to_json_schema(a.fields),
            }
            for a in destination.actions
        ],
    }
    if destination.audience_config is not None:
        config = destination.audience_config
        out["audienceFields"] = [f.to_dict() for f in destination.audience_fields]
        out["audienceConfig"] = {
            "mode": {"type": config.mode, "full_audience_sync": config.full_audience_sync}
        }
    return out
