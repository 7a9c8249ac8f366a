"""Plain words for a clock command that does not match any of its four shapes.

The schema is a ``oneOf``, whose own error ("valid exactly by one definition") names
neither the field nor what is accepted; this says both.
"""

from __future__ import annotations

from typing import Any

from reference_client.runtime.formats import is_date_time

ADVANCE_MAX = 3153600000
SHAPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # action: (fields it takes, fields it needs)
    "freeze": (frozenset({"at"}), frozenset()),
    "resume": (frozenset(), frozenset()),
    "set": (frozenset({"at"}), frozenset({"at"})),
    "advance": (frozenset({"seconds"}), frozenset({"seconds"})),
}
ACCEPTED = (
    '{"action": "freeze"} or {"action": "freeze", "at": RFC 3339}, {"action": "resume"},'
    ' {"action": "set", "at": RFC 3339}, {"action": "advance", "seconds": 0..3153600000}'
)


def clock_command_problem(body: Any) -> str | None:
    """What is wrong with a clock command, naming the field and the accepted values."""
    if not isinstance(body, dict):
        return f"body must be a JSON object; accepted: {ACCEPTED}"
    action = body.get("action")
    if not isinstance(action, str) or action not in SHAPES:
        got = "missing" if "action" not in body else f"{action!r}"
        return f"body.action must be one of freeze, resume, set, advance ({got})"
    takes, needs = SHAPES[action]
    extra = sorted(set(body) - takes - {"action"})
    if extra:
        allowed = ", ".join(sorted(takes)) or "no other field"
        return f"action {action} does not take {', '.join(extra)} (it takes {allowed})"
    missing = sorted(needs - set(body))
    if missing:
        return f"action {action} needs body.{missing[0]}"
    if "at" in body and not (isinstance(body["at"], str) and is_date_time(body["at"])):
        return "body.at must be an RFC 3339 date-time such as 2024-05-01T10:00:00Z"
    seconds = body.get("seconds")
    if "seconds" in body and (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 <= seconds <= ADVANCE_MAX
    ):
        return f"body.seconds must be a number from 0 to {ADVANCE_MAX}"
    return None
