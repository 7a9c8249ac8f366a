"""Applies accepted items to state: contact merge rule, activity de-duplication, membership
instructions with churn protection, and the periodic reconciliation.

Stores only keep records; every rule lives here, so both stores behave identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mock_ortto import churn
from mock_ortto.config import Settings
from mock_ortto.errors import ItemError
from mock_ortto.models import Activity, Audience, Contact, Membership, TimelineEvent
from mock_ortto.openapi.wire import ITEM_SCHEMAS
from mock_ortto.store.base import Txn
from mock_ortto.validation import Validators, any_exceeds, depth_exceeds

JSON = dict[str, Any]

_NESTED_FIELDS = ("traits", "properties")  # location values are flat by schema


@dataclass(slots=True)
class BatchResult:
    """Outcome of one batch: the public ``errors`` list and journal details."""

    errors: list[JSON] = field(default_factory=list)
    item_errors: list[JSON] = field(default_factory=list)
    decisions: list[JSON] = field(default_factory=list)

    def fail(self, index: int, status: int, message: str, rule: str) -> None:
        """Record a per-item error."""
        self.errors.append({"index": index, "status": status, "message": message})
        self.item_errors.append(
            {"index": index, "status": status, "message": message, "rule": rule}
        )


# --- contacts ---------------------------------------------------------------------------


def _new_contact(txn: Txn, key: str, now: float) -> Contact:
    contact_id = f"c_{txn.next_seq(key, 'contact'):06d}"
    while txn.contact(key, contact_id) is not None:  # only after restoring odd snapshots
        contact_id = f"c_{txn.next_seq(key, 'contact'):06d}"
    return Contact(id=contact_id, created_at=now, updated_at=now)


def _detach_anon(txn: Txn, key: str, owner: Contact, anonymous_id: str) -> None:
    owner.anonymous_ids = [a for a in owner.anonymous_ids if a != anonymous_id]
    txn.save_contact(key, owner)


def _merge(txn: Txn, key: str, survivor: Contact, absorbed: Contact, now: float) -> None:
    """Fold an anonymous-only contact into the contact that owns the user id."""
    for anon in absorbed.anonymous_ids:
        if anon not in survivor.anonymous_ids:
            survivor.anonymous_ids.append(anon)
    survivor.traits = {**absorbed.traits, **survivor.traits}
    survivor.location = {**absorbed.location, **survivor.location}
    if survivor.ip is None:
        survivor.ip = absorbed.ip
    survivor.created_at = min(survivor.created_at, absorbed.created_at)
    txn.move_activities(key, absorbed.id, survivor.id)
    for m in txn.memberships(key, contact_id=absorbed.id):
        txn.delete_membership(key, m.audience_id, absorbed.id)
        if txn.membership(key, m.audience_id, survivor.id) is None:
            m.contact_id = survivor.id
            txn.save_membership(key, m)
        txn.add_timeline(
            key,
            TimelineEvent(
                m.audience_id,
                survivor.id,
                now,
                "merged",
                "add" if m.member else "remove",
                "contact.merge",
                f"contact {absorbed.id} merged into {survivor.id}",
            ),
        )
    txn.move_timeline(key, absorbed.id, survivor.id)
    txn.delete_contact(key, absorbed.id)


def resolve_contact(
    txn: Txn, key: str, user_id: str | None, anon_id: str | None, now: float
) -> Contact:
    """Find or create the contact for an item (the documented merge rule).

    * A user id belongs to exactly one contact.
    * A known user id wins; an anonymous id seen on an anonymous-only contact makes that
      contact merge into the user's contact. An anonymous id owned by a contact with another
      user id moves to this user's contact (latest association wins).
    * A new user id claims the anonymous-only contact of its anonymous id, if there is one.
    """
    by_user = txn.contact_by_user(key, user_id) if user_id else None
    by_anon = txn.contact_by_anon(key, anon_id) if anon_id else None
    if not user_id:
        return by_anon if by_anon is not None else _with_anon(_new_contact(txn, key, now), anon_id)
    if by_user is None:
        if by_anon is not None and by_anon.user_id is None:
            by_anon.user_id = user_id
            return by_anon
        contact = _new_contact(txn, key, now)
        contact.user_id = user_id
        if anon_id:
            if by_anon is not None:
                _detach_anon(txn, key, by_anon, anon_id)
            contact.anonymous_ids.append(anon_id)
        return contact
    if anon_id and (by_anon is None or by_anon.id != by_user.id):
        if by_anon is not None and by_anon.user_id is None:
            _merge(txn, key, by_user, by_anon, now)
        else:
            if by_anon is not None:
                _detach_anon(txn, key, by_anon, anon_id)
            by_user.anonymous_ids.append(anon_id)
    return by_user


def _with_anon(contact: Contact, anon_id: str | None) -> Contact:
    if anon_id:
        contact.anonymous_ids.append(anon_id)
    return contact


def _merge_values(target: JSON, values: JSON | None) -> None:
    """Copy ``values`` into ``target``; a ``null`` value removes the key."""
    if not values:
        return
    if None not in values.values():  # the common case: one C-level update
        target.update(values)
        return
    for name, value in values.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value


# --- memberships ------------------------------------------------------------------------


def apply_membership(
    txn: Txn, key: str, audience_id: str, contact_id: str, mode: str, now: float, s: Settings
) -> churn.Decision:
    """Apply one add/remove instruction through the churn policy and record it."""
    m = txn.membership(key, audience_id, contact_id)
    if m is None:
        m = Membership(audience_id=audience_id, contact_id=contact_id, updated_at=now)
    decision = churn.decide(m, mode, now, s)
    txn.save_membership(key, m)
    txn.add_timeline(
        key,
        TimelineEvent(
            audience_id, contact_id, now, decision.kind, mode, decision.rule, decision.detail
        ),
    )
    return decision


def reconciliation_due(txn: Txn, now: float, s: Settings) -> bool:
    """Whether :func:`reconcile_due` would change anything (a read-only check)."""
    last = txn.get_reconciled_period()
    return last is None or int(now // s.reconcile_period_seconds) > last


def reconcile_due(txn: Txn, now: float, s: Settings) -> int:
    """Run the reconciliation if the clock crossed a period boundary; return how many applied."""
    period = s.reconcile_period_seconds
    current = int(now // period)
    last = txn.get_reconciled_period()
    if last is not None and current <= last:
        return 0
    txn.set_reconciled_period(current)
    if last is None:
        return 0
    applied = 0
    for key, m in txn.pending_memberships():
        since = m.pending_at if m.pending_at is not None else now
        boundary = (int(since // period) + 1) * period
        if boundary > now:
            continue
        mode = m.pending or "remove"
        decision = churn.reconcile(m, float(boundary))
        txn.save_membership(key, m)
        txn.add_timeline(
            key,
            TimelineEvent(
                m.audience_id,
                m.contact_id,
                float(boundary),
                decision.kind,
                mode,
                decision.rule,
                decision.detail,
            ),
        )
        applied += 1
    return applied


# --- audiences --------------------------------------------------------------------------


def create_or_get_audience(txn: Txn, key: str, name: str, now: float) -> tuple[Audience, bool]:
    """Return the audience with this exact name, creating ``aud_000N`` if needed."""
    existing = txn.audience_by_name(key, name)
    if existing is not None:
        return existing, False
    audience_id = f"aud_{txn.next_seq(key, 'audience'):04d}"
    while txn.audience(key, audience_id) is not None:  # only after restoring odd snapshots
        audience_id = f"aud_{txn.next_seq(key, 'audience'):04d}"
    audience = Audience(id=audience_id, name=name, created_at=now)
    txn.add_audience(key, audience)
    return audience, True


# --- batches ----------------------------------------------------------------------------


def _check_item(
    kind: str,
    item: Any,
    s: Settings,
    validators: Validators | None,
    check_depth: bool,
    audiences: dict[str, bool],
    txn: Txn,
    key: str,
) -> tuple[str | None, str | None, JSON | None]:
    """The item's user id, anonymous id and audience instruction; raises :class:`ItemError`.

    ``audiences`` remembers, for the batch, whether each audience id exists (no item of a
    batch creates one), so the store is asked once per audience.
    """
    if validators is not None:
        validators.check_item(ITEM_SCHEMAS[kind], item)
    user_id = item.get("user_id") or None
    anon_id = item.get("anonymous_id") or None
    if user_id is None and anon_id is None:
        raise ItemError(400, "item needs a non-empty user_id or anonymous_id", "item.identity")
    if check_depth:
        for name in _NESTED_FIELDS:
            value = item.get(name)
            if value and type(value) is dict and depth_exceeds(value, s.max_depth):
                raise ItemError(
                    400, f"item.{name} nests deeper than {s.max_depth} levels", "payload.max_depth"
                )
    audience = item.get("audience")
    if audience is not None:
        audience_id = audience["id"]
        known = audiences.get(audience_id)
        if known is None:
            known = audiences[audience_id] = txn.audience(key, audience_id) is not None
        if not known:
            raise ItemError(404, f"audience {audience_id} not found", "item.audience_unknown")
    return user_id, anon_id, audience


def _nested_values(items: list[Any]) -> list[Any]:
    """The non-empty ``traits`` and ``properties`` objects of the items."""
    return [
        value
        for item in items
        if type(item) is dict
        for value in (item.get("traits"), item.get("properties"))
        if value and type(value) is dict
    ]


def _identities(items: list[Any]) -> tuple[list[str], list[str]]:
    """The user ids and anonymous ids the items name (for :meth:`Txn.prefetch_contacts`)."""
    users: list[str] = []
    anons: list[str] = []
    for item in items:
        if type(item) is dict:
            user_id = item.get("user_id")
            anon_id = item.get("anonymous_id")
            if user_id and type(user_id) is str:
                users.append(user_id)
            if anon_id and type(anon_id) is str:
                anons.append(anon_id)
    return users, anons


def process_batch(
    txn: Txn,
    key: str,
    kind: str,
    items: list[Any],
    now: float,
    s: Settings,
    validators: Validators,
    injected: dict[int, tuple[int, str]] | None = None,
    all_valid: bool | None = None,
) -> BatchResult:
    """Validate and apply every item; items with errors change nothing.

    ``all_valid`` is the result of validating the whole batch in one compiled call (done
    by the caller outside the store lock); only a failing batch is checked item by item.
    """
    result = BatchResult()
    if all_valid is None:
        all_valid = validators.batch_valid(ITEM_SCHEMAS[kind], items)
    per_item = None if all_valid else validators
    # Depth is checked item by item only when some value of the batch is too deep.
    check_depth = any_exceeds(_nested_values(items), s.max_depth)
    audiences: dict[str, bool] = {}
    fail = result.fail
    save_contact = txn.save_contact
    decisions = result.decisions
    tracking = kind == "track"
    if txn.wants_prefetch:
        txn.prefetch_contacts(key, *_identities(items))
    # Most instructions of a batch end in the same (immutable) decision: its journal wording
    # is built once per run of equal decisions.
    last: churn.Decision | None = None
    summary = ""
    for index, item in enumerate(items):
        if injected and index in injected:
            status, message = injected[index]
            fail(index, status, message, "fault.injected")
            continue
        try:
            user_id, anon_id, audience = _check_item(
                kind, item, s, per_item, check_depth, audiences, txn, key
            )
        except ItemError as exc:
            fail(index, exc.status, exc.message, exc.rule)
            continue
        contact = resolve_contact(txn, key, user_id, anon_id, now)
        traits = item.get("traits")
        if traits:
            _merge_values(contact.traits, traits)
        location = item.get("location")
        if location:
            _merge_values(contact.location, location)
        ip = item.get("ip")
        if ip is not None:
            contact.ip = ip
        contact.updated_at = now
        save_contact(key, contact)
        if tracking:
            _store_activity(txn, key, contact, item, now, index, result)
        if audience is not None:
            decision = apply_membership(
                txn, key, audience["id"], contact.id, audience["mode"], now, s
            )
            if decision.kind != "entered" and decision.kind != "exited":
                if decision is not last:
                    last = decision
                    summary = f"{decision.kind}: {decision.detail}"
                decisions.append({"index": index, "rule": decision.rule, "detail": summary})
    return result


def _store_activity(
    txn: Txn, key: str, contact: Contact, item: JSON, now: float, index: int, result: BatchResult
) -> None:
    message_id = item.get("message_id")
    timestamp = item.get("timestamp")
    if (
        message_id is not None
        and timestamp is not None
        and txn.activity_seen(key, message_id, timestamp)
    ):
        result.decisions.append(
            {
                "index": index,
                "rule": "activity.dedup",
                "detail": "duplicate (message_id, timestamp); not stored again",
            }
        )
        return
    txn.add_activity(
        key,
        Activity(
            id=f"act_{txn.next_seq(key, 'activity'):06d}",
            contact_id=contact.id,
            event=item["event"],
            namespace=item.get("namespace"),
            properties=item.get("properties") or {},
            message_id=message_id,
            timestamp=timestamp,
            received_at=now,
        ),
    )
