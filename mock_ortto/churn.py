"""Churn protection: decides whether a membership instruction applies now or is deferred."""

from __future__ import annotations

from dataclasses import dataclass

from mock_ortto.clock import iso
from mock_ortto.config import Settings
from mock_ortto.models import Membership


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of one instruction: timeline kind, deciding rule id and a short reason."""

    kind: str  # entered | exited | blocked | deferred | unchanged
    rule: str
    detail: str


# The decisions whose wording never varies, built once (a Decision is immutable).
_ENTERED = Decision("entered", "churn.applied", "applied in real time")
_EXITED = Decision("exited", "churn.applied", "applied in real time")
_ALREADY = Decision("unchanged", "churn.applied", "already a member")
_NOT_MEMBER = Decision("unchanged", "churn.applied", "not a member")


def _apply(m: Membership, want: bool, now: float, settings: Settings) -> Decision:
    m.member = want
    m.pending = None
    m.pending_at = None
    if not want:
        m.last_exit_at = now
    horizon = now - settings.flap_window_seconds
    m.changes = [t for t in m.changes if t > horizon]
    m.changes.append(now)
    m.updated_at = now
    return _ENTERED if want else _EXITED


def decide(m: Membership, mode: str, now: float, settings: Settings) -> Decision:
    """Apply instruction ``mode`` ('add'/'remove') to ``m`` under the active policy."""
    want = mode == "add"
    if want == m.member:
        cancelled = m.pending
        m.pending = None
        m.pending_at = None
        m.updated_at = now
        same = _ALREADY if want else _NOT_MEMBER
        if cancelled is None:
            return same
        return Decision(same.kind, same.rule, f"{same.detail}; cancels the deferred '{cancelled}'")
    policy = settings.churn_policy
    if policy == "reentry" and want and m.last_exit_at is not None:
        elapsed = now - m.last_exit_at
        if elapsed <= settings.reentry_block_seconds:
            m.pending = mode
            m.pending_at = now
            m.updated_at = now
            return Decision(
                "blocked",
                "churn.reentry_block_seconds",
                f"re-entry {elapsed:g}s after the exit at {iso(m.last_exit_at)} (limit"
                f" {settings.reentry_block_seconds:g}s); applied at the next reconciliation",
            )
    if policy == "flap":
        horizon = now - settings.flap_window_seconds
        recent = [t for t in m.changes if t > horizon]
        m.changes = recent
        if len(recent) >= settings.flap_max_changes:
            m.pending = mode
            m.pending_at = now
            m.updated_at = now
            return Decision(
                "deferred",
                "churn.flap_max_changes",
                f"{len(recent)} changes in the last {settings.flap_window_seconds:g}s (limit"
                f" {settings.flap_max_changes}); applied at the next reconciliation",
            )
    return _apply(m, want, now, settings)


def reconcile(m: Membership, at: float) -> Decision:
    """Apply a deferred instruction at reconciliation time ``at``."""
    want = m.pending == "add"
    changed = want != m.member
    m.member = want
    if changed and not want:
        m.last_exit_at = at
    m.pending = None
    m.pending_at = None
    m.changes = []
    m.updated_at = at
    state = "member" if want else "not a member"
    detail = f"daily reconciliation: now {state}" + ("" if changed else " (no change)")
    return Decision("reconciled", "churn.reconcile_period_seconds", detail)
