"""Plain data records kept by the stores. All times are Unix seconds (floats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

JSON = dict[str, Any]

TIMELINE_KINDS: Final[tuple[str, ...]] = (
    "entered",
    "exited",
    "blocked",
    "deferred",
    "unchanged",
    "reconciled",
    "merged",
)
"""What can happen to a membership (``TimelineEvent.kind``)."""
MODES: Final[tuple[str, ...]] = ("add", "remove")
"""Membership instructions (``TimelineEvent.mode``, ``Membership.pending``)."""


@dataclass(slots=True)
class Contact:
    """A contact of one account, known by at most one user id and any anonymous ids."""

    id: str
    user_id: str | None = None
    anonymous_ids: list[str] = field(default_factory=list)
    traits: JSON = field(default_factory=dict)
    location: JSON = field(default_factory=dict)
    ip: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(slots=True)
class Activity:
    """One stored activity (a ``/v1/track`` item)."""

    id: str
    contact_id: str
    event: str
    namespace: str | None
    properties: JSON
    message_id: str | None
    timestamp: str | None
    received_at: float


@dataclass(slots=True)
class Audience:
    """An audience; ids are ``aud_0001``, ``aud_0002``, ... per account."""

    id: str
    name: str
    created_at: float


@dataclass(slots=True)
class Membership:
    """Membership of one contact in one audience, with churn bookkeeping."""

    audience_id: str
    contact_id: str
    member: bool = False
    last_exit_at: float | None = None
    pending: str | None = None  # one of MODES: deferred to the reconciliation
    pending_at: float | None = None
    changes: list[float] = field(default_factory=list)  # recent applied change times
    updated_at: float = 0.0


@dataclass(slots=True)
class TimelineEvent:
    """One entry of an audience membership timeline."""

    audience_id: str
    contact_id: str
    at: float
    kind: str  # one of TIMELINE_KINDS
    mode: str  # the instruction: one of MODES
    rule: str
    detail: str = ""
