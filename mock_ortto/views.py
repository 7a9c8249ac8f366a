"""JSON shapes of stored records (admin inspection and snapshots) and their inverse."""

from __future__ import annotations

from typing import Any

from mock_ortto.clock import iso, parse_iso
from mock_ortto.models import Activity, Audience, Contact, Membership, TimelineEvent

JSON = dict[str, Any]

RENAMED: dict[str, dict[str, str]] = {
    "Membership": {"pending_at": "pending_since", "changes": "recent_changes"},
}
"""Model fields whose JSON key differs, per model; every other field keeps its name."""
_MEMBERSHIP = RENAMED["Membership"]


def _ts(value: Any, default: float = 0.0) -> float:
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except (ValueError, OverflowError):
            return default
    return default


def _opt_ts(value: float | None) -> str | None:
    return None if value is None else iso(value)


def contact(c: Contact) -> JSON:
    """Contact as JSON."""
    return {
        "id": c.id,
        "user_id": c.user_id,
        "anonymous_ids": list(c.anonymous_ids),
        "traits": c.traits,
        "location": c.location,
        "ip": c.ip,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    }


def contact_from(d: JSON) -> Contact:
    """Contact from its JSON shape."""
    return Contact(
        id=d["id"],
        user_id=d.get("user_id"),
        anonymous_ids=list(dict.fromkeys(d.get("anonymous_ids", []))),
        traits=dict(d.get("traits", {})),
        location=dict(d.get("location", {})),
        ip=d.get("ip"),
        created_at=_ts(d.get("created_at")),
        updated_at=_ts(d.get("updated_at")),
    )


def activity(a: Activity) -> JSON:
    """Activity as JSON."""
    return {
        "id": a.id,
        "contact_id": a.contact_id,
        "event": a.event,
        "namespace": a.namespace,
        "properties": a.properties,
        "message_id": a.message_id,
        "timestamp": a.timestamp,
        "received_at": iso(a.received_at),
    }


def activity_from(d: JSON) -> Activity:
    """Activity from its JSON shape."""
    return Activity(
        id=d["id"],
        contact_id=d["contact_id"],
        event=d["event"],
        namespace=d.get("namespace"),
        properties=dict(d.get("properties", {})),
        message_id=d.get("message_id"),
        timestamp=d.get("timestamp"),
        received_at=_ts(d.get("received_at")),
    )


def audience(a: Audience) -> JSON:
    """Audience as JSON (admin shape, with creation time)."""
    return {"id": a.id, "name": a.name, "created_at": iso(a.created_at)}


def audience_from(d: JSON) -> Audience:
    """Audience from its JSON shape."""
    return Audience(id=d["id"], name=d["name"], created_at=_ts(d.get("created_at")))


def membership(m: Membership) -> JSON:
    """Membership as JSON."""
    return {
        "audience_id": m.audience_id,
        "contact_id": m.contact_id,
        "member": m.member,
        "last_exit_at": _opt_ts(m.last_exit_at),
        "pending": m.pending,
        _MEMBERSHIP["pending_at"]: _opt_ts(m.pending_at),
        _MEMBERSHIP["changes"]: [iso(t) for t in m.changes],
        "updated_at": iso(m.updated_at),
    }


def membership_from(d: JSON) -> Membership:
    """Membership from its JSON shape."""
    last_exit = d.get("last_exit_at")
    pending_since = d.get(_MEMBERSHIP["pending_at"])
    pending = d.get("pending")
    return Membership(
        audience_id=d["audience_id"],
        contact_id=d["contact_id"],
        member=bool(d["member"]),
        last_exit_at=_ts(last_exit) if isinstance(last_exit, str) else None,
        pending=pending,
        pending_at=(_ts(pending_since) if isinstance(pending_since, str) else None)
        if pending is not None
        else None,
        changes=[_ts(t) for t in d.get(_MEMBERSHIP["changes"], [])],
        updated_at=_ts(d.get("updated_at")),
    )


def timeline_event(e: TimelineEvent) -> JSON:
    """Timeline event as JSON."""
    return {
        "audience_id": e.audience_id,
        "contact_id": e.contact_id,
        "at": iso(e.at),
        "kind": e.kind,
        "mode": e.mode,
        "rule": e.rule,
        "detail": e.detail,
    }


def timeline_event_from(d: JSON) -> TimelineEvent:
    """Timeline event from its JSON shape."""
    return TimelineEvent(
        audience_id=d["audience_id"],
        contact_id=d["contact_id"],
        at=_ts(d.get("at")),
        kind=d["kind"],
        mode=d["mode"],
        rule=d["rule"],
        detail=d.get("detail", ""),
    )
