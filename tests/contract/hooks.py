"""schemathesis hooks for the live contract run (loaded through SCHEMATHESIS_HOOKS).

Faults queued by the fuzzer are scoped to a separate API key, so they are queued, listed and
cleared like any other state but never change the answers the fuzzer checks afterwards
(an injected 400 on a valid request would look like a contract failure). Connection drops
and latency are stripped as well. The in-process pytest run exercises faults for real.
"""

from __future__ import annotations

from typing import Any

import schemathesis

FAULT_KEY = "pzz-contract-faults"


@schemathesis.hook("map_body")
def tame_faults(context: schemathesis.HookContext, body: Any) -> Any:
    """Strip connection drops and latency from generated fault specs."""
    operation = context.operation
    if operation is not None and operation.path == "/_mock/faults" and isinstance(body, dict):
        tamed = {k: v for k, v in body.items() if k not in ("drop_connection", "latency_ms")}
        tamed["api_key"] = FAULT_KEY
        return tamed
    return body


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: Any) -> None:
    """Apply the same taming to bodies of phases that bypass ``map_body`` (coverage)."""
    if case.path != "/_mock/faults" or case.method.upper() != "POST":
        return
    if isinstance(case.body, dict):
        case.body = tame_faults(context, case.body)
    if isinstance(kwargs, dict) and isinstance(kwargs.get("json"), dict):
        kwargs["json"] = tame_faults(context, kwargs["json"])
