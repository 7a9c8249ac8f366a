"""Applies accepted items to state: contact merge rule, activity de-duplication, membership
instructions with churn protection, and the periodic reconciliation.

Stores only keep records; every rule lives here, so both stores behave identically.
"""

from __future__ import annotations

from collections.abc import Callable
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

_NESTED_FIELDS = ("traits", "properties")  # location values are flat by schema; see _scan


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

_UNASKED: Any = object()
"""What a batch's contact maps answer for an id the store was not asked about."""


class BatchContacts:
    """The contacts one batch names: found with one store call, saved with one at its end.

    The maps ``users`` and ``anons`` (id -> contact, or ``None`` where no contact owns it)
    follow every change the merge rule makes, and an id missing from them is asked of the
    store, so a batch resolves each item exactly as if the items before it had been saved
    one by one. :meth:`save` writes every contact the batch touched, new ones in creation
    order; those whose ids it did not change (``regrouped`` holds the others) are saved as
    updates, which need no index written. The timeline events of the batch's membership
    instructions wait in ``timeline`` too (written before a merge moves a contact's events,
    and by :meth:`save`).
    """

    __slots__ = ("anons", "key", "now", "regrouped", "timeline", "touched", "txn", "users")

    def __init__(
        self, txn: Txn, key: str, now: float, user_ids: list[str], anonymous_ids: list[str]
    ) -> None:
        self.txn = txn
        self.key = key
        self.now = now
        users, anons = txn.find_contacts(key, user_ids, anonymous_ids)
        self.users: dict[str, Contact | None] = users
        self.anons: dict[str, Contact | None] = anons
        self.touched: dict[str, Contact] = {}
        self.regrouped: set[str] = set()  # contacts that are new or whose ids changed
        self.timeline: list[TimelineEvent] = []

    def by_user(self, user_id: str) -> Contact | None:
        """The contact owning ``user_id``, as the batch has left it so far."""
        contact = self.users.get(user_id, _UNASKED)
        if contact is _UNASKED:
            contact = self.users[user_id] = self.txn.contact_by_user(self.key, user_id)
        return contact  # type: ignore[no-any-return]

    def by_anon(self, anonymous_id: str) -> Contact | None:
        """The contact owning ``anonymous_id``, as the batch has left it so far."""
        contact = self.anons.get(anonymous_id, _UNASKED)
        if contact is _UNASKED:
            contact = self.anons[anonymous_id] = self.txn.contact_by_anon(self.key, anonymous_id)
        return contact  # type: ignore[no-any-return]

    def resolve(self, user_id: str | None, anon_id: str | None) -> Contact:
        """Find or create the contact for an item (the documented merge rule).

        * A user id belongs to exactly one contact.
        * A known user id wins; an anonymous id seen on an anonymous-only contact makes that
          contact merge into the user's contact. An anonymous id owned by a contact with
          another user id moves to this user's contact (latest association wins).
        * A new user id claims the anonymous-only contact of its anonymous id, if there is
          one.
        """
        by_user = self.by_user(user_id) if user_id else None
        by_anon = self.by_anon(anon_id) if anon_id else None
        if not user_id:
            if by_anon is not None:
                return by_anon
            contact = self._new()
            self._give_anon(contact, anon_id)
            return contact
        if by_user is None:
            if by_anon is not None and by_anon.user_id is None:
                by_anon.user_id = user_id
                self.users[user_id] = by_anon
                self.regrouped.add(by_anon.id)
                return by_anon
            contact = self._new()
            contact.user_id = user_id
            self.users[user_id] = contact
            if anon_id:
                if by_anon is not None:
                    self._detach_anon(by_anon, anon_id)
                self._give_anon(contact, anon_id)
            return contact
        if anon_id and (by_anon is None or by_anon.id != by_user.id):
            if by_anon is not None and by_anon.user_id is None:
                self._merge(by_user, by_anon)
            else:
                if by_anon is not None:
                    self._detach_anon(by_anon, anon_id)
                self._give_anon(by_user, anon_id)
        return by_user

    def save(self) -> None:
        """Write every contact the batch touched, and the waiting timeline events."""
        if self.touched:
            regrouped = self.regrouped
            contacts = list(self.touched.values())
            # when all are regrouped (or an absorbed contact left its id), all are saved in full
            if len(regrouped) < len(contacts):
                self.txn.update_contacts(self.key, [c for c in contacts if c.id not in regrouped])
                contacts = [c for c in contacts if c.id in regrouped]
            if contacts:
                self.txn.save_contacts(self.key, contacts)
        self._write_timeline()

    def _write_timeline(self) -> None:
        if self.timeline:
            self.txn.add_timeline_events(self.key, self.timeline)
            self.timeline.clear()  # in place: the batch loop holds this list

    def _new(self) -> Contact:
        txn, key, now = self.txn, self.key, self.now
        contact_id = f"c_{txn.next_seq(key, 'contact'):06d}"
        while txn.contact(key, contact_id) is not None:  # only after restoring odd snapshots
            contact_id = f"c_{txn.next_seq(key, 'contact'):06d}"
        contact = self.touched[contact_id] = Contact(id=contact_id, created_at=now, updated_at=now)
        self.regrouped.add(contact_id)
        return contact

    def _give_anon(self, contact: Contact, anon_id: str | None) -> None:
        if anon_id:
            contact.anonymous_ids.append(anon_id)
            self.anons[anon_id] = contact
            self.regrouped.add(contact.id)

    def _detach_anon(self, owner: Contact, anonymous_id: str) -> None:
        owner.anonymous_ids = [a for a in owner.anonymous_ids if a != anonymous_id]
        self.touched[owner.id] = owner
        self.regrouped.add(owner.id)

    def _merge(self, survivor: Contact, absorbed: Contact) -> None:
        """Fold an anonymous-only contact into the contact that owns the user id."""
        txn, key, now = self.txn, self.key, self.now
        self._write_timeline()  # the absorbed contact's events move with it
        self.regrouped.add(survivor.id)
        for anon in absorbed.anonymous_ids:
            if anon not in survivor.anonymous_ids:
                survivor.anonymous_ids.append(anon)
            self.anons[anon] = survivor
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
        self.touched.pop(absorbed.id, None)
        txn.delete_contact(key, absorbed.id)


def _merge_values(target: JSON, values: JSON) -> None:
    """Copy ``values`` into ``target``; a ``null`` value removes the key."""
    if None not in values.values():  # the common case: one C-level update
        target.update(values)
        return
    for name, value in values.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value


# --- memberships ------------------------------------------------------------------------


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


_REFUSED: Any = object()
"""The user id :func:`_check_item` answers for a refused item."""


def _check_item(
    kind: str,
    item: Any,
    s: Settings,
    validators: Validators | None,
    check_depth: bool,
    audiences: dict[str, bool],
    txn: Txn,
    key: str,
    index: int,
    result: BatchResult,
) -> tuple[Any, str | None, JSON | None]:
    """The item's user id, anonymous id and audience instruction; a refusal is recorded in
    ``result`` and answered with the user id ``_REFUSED``.

    ``audiences`` remembers, for the batch, whether each audience id exists (no item of a
    batch creates one), so the store is asked once per audience.
    """
    try:
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
                    message = f"item.{name} nests deeper than {s.max_depth} levels"
                    raise ItemError(400, message, "payload.max_depth")
        audience = item.get("audience")
        if audience is not None:
            audience_id = audience["id"]
            known = audiences.get(audience_id)
            if known is None:
                known = audiences[audience_id] = txn.audience(key, audience_id) is not None
            if not known:
                raise ItemError(404, f"audience {audience_id} not found", "item.audience_unknown")
    except ItemError as exc:
        result.fail(index, exc.status, exc.message, exc.rule)
        return _REFUSED, None, None
    return user_id, anon_id, audience


def _scan(items: list[Any]) -> tuple[list[str], list[str], list[Any]]:
    """One pass over a batch: the user ids and anonymous ids its items name (for
    :meth:`Txn.find_contacts`) and the non-empty objects of their nested fields
    (``_NESTED_FIELDS``, for the depth check)."""
    users: list[str] = []
    anons: list[str] = []
    nested: list[Any] = []
    for item in items:
        if type(item) is dict:
            user_id = item.get("user_id")
            anon_id = item.get("anonymous_id")
            traits = item.get("traits")
            properties = item.get("properties")
            if user_id and type(user_id) is str:
                users.append(user_id)
            if anon_id and type(anon_id) is str:
                anons.append(anon_id)
            if traits and type(traits) is dict:
                nested.append(traits)
            if properties and type(properties) is dict:
                nested.append(properties)
    return users, anons, nested


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
    nulls: bool = True,
) -> BatchResult:
    """Validate and apply every item; items with errors change nothing.

    ``all_valid`` is the result of validating the whole batch in one compiled call (done
    by the caller outside the store lock); only a failing batch is checked item by item.
    ``nulls=False`` says that no value of the batch is ``null`` (its body never spells
    ``null``), so traits and locations are merged without looking for one.
    The batch's contacts are found with one store call and saved with one at the end
    (:class:`BatchContacts`); the state left is that of the items applied one by one.
    """
    result = BatchResult()
    if all_valid is None:
        all_valid = validators.batch_valid(ITEM_SCHEMAS[kind], items)
    per_item = None if all_valid else validators
    user_ids, anonymous_ids, nested = _scan(items)
    # Depth is checked item by item only when some value of the batch is too deep.
    check_depth = any_exceeds(nested, s.max_depth)
    checked_here = per_item is not None or check_depth
    audiences: dict[str, bool] = {}
    fail = result.fail
    decisions = result.decisions
    tracking = kind == "track"
    contacts = BatchContacts(txn, key, now, user_ids, anonymous_ids)
    users = contacts.users
    anons = contacts.anons
    touched = contacts.touched
    resolve = contacts.resolve
    timeline = contacts.timeline
    membership, save_membership, decide = txn.membership, txn.save_membership, churn.decide
    # No value of the batch is null: traits and locations merge with one C-level update.
    merge: Callable[[JSON, JSON], None] = _merge_values if nulls else dict.update
    # Most instructions of a batch end in the same (immutable) decision: its journal wording
    # is built once per run of equal decisions.
    last: churn.Decision | None = None
    journaled = False
    summary = ""
    try:
        for index, item in enumerate(items):
            if injected and index in injected:
                status, message = injected[index]
                fail(index, status, message, "fault.injected")
                continue
            if checked_here:
                user_id, anon_id, audience = _check_item(
                    kind, item, s, per_item, check_depth, audiences, txn, key, index, result
                )
                if user_id is _REFUSED:
                    continue
            else:  # a valid item: only the identity and audience rules can refuse it
                user_id = item.get("user_id") or None
                anon_id = item.get("anonymous_id") or None
                audience = item.get("audience")
                if (user_id is None and anon_id is None) or (
                    audience is not None and audiences.get(audience["id"]) is not True
                ):
                    user_id, anon_id, audience = _check_item(
                        kind, item, s, None, False, audiences, txn, key, index, result
                    )
                    if user_id is _REFUSED:
                        continue
            # The usual item names a known contact by ids it already owns.
            if user_id:
                contact = users.get(user_id)
                if contact is None or (anon_id and anons.get(anon_id) is not contact):
                    contact = resolve(user_id, anon_id)
            else:
                contact = anons.get(anon_id)  # type: ignore[arg-type]
                if contact is None:
                    contact = resolve(None, anon_id)
            traits = item.get("traits")
            if traits:
                merge(contact.traits, traits)
            location = item.get("location")
            if location:
                merge(contact.location, location)
            ip = item.get("ip")
            if ip is not None:
                contact.ip = ip
            contact.updated_at = now
            touched[contact.id] = contact
            if tracking:
                _store_activity(txn, key, contact, item, now, index, result)
            if audience is not None:  # through the churn policy, recorded on the timeline
                audience_id, mode, contact_id = audience["id"], audience["mode"], contact.id
                m = membership(key, audience_id, contact_id)
                if m is None:
                    m = Membership(audience_id=audience_id, contact_id=contact_id, updated_at=now)
                decision = decide(m, mode, now, s)
                save_membership(key, m)
                timeline.append(
                    TimelineEvent(
                        audience_id,
                        contact_id,
                        now,
                        decision.kind,
                        mode,
                        decision.rule,
                        decision.detail,
                    )
                )
                if decision is not last:
                    last = decision
                    journaled = decision.kind != "entered" and decision.kind != "exited"
                    summary = f"{decision.kind}: {decision.detail}"
                if journaled:
                    decisions.append({"index": index, "rule": decision.rule, "detail": summary})
    finally:
        contacts.save()
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
