"""The worked examples of each action page: Segment events and what is done with them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.docsgen.examples import CLOCK, Scenario, Session

Events = Sequence[dict[str, Any]]


def event(kind: str, user_id: str, message_id: str, **extra: Any) -> dict[str, Any]:
    """A Segment event of type ``kind`` at the example instant."""
    return {
        "type": kind,
        "userId": user_id,
        "messageId": message_id,
        "timestamp": CLOCK,
        **extra,
    }


def identify(user_id: str, message_id: str, **extra: Any) -> dict[str, Any]:
    """An identify event at the example instant."""
    return event("identify", user_id, message_id, **extra)


def track(user_id: str, message_id: str, **extra: Any) -> dict[str, Any]:
    """A track event at the example instant."""
    return event("track", user_id, message_id, **extra)


def _upsert(session: Session, events: Events) -> Any:
    return session.actions().upsert_contacts(events)


def _upsert_one_refused(session: Session, events: Events) -> Any:
    session.mock.admin.fault(
        path="/v1/identify",
        item_errors=[{"index": 1, "status": 400, "message": "email is not valid"}],
    )
    return session.actions().upsert_contacts(events)


def _associate_then_upsert(session: Session, events: Events) -> Any:
    client = session.actions()
    hook = client.associate_audience("VIP Customers")
    outcomes = client.upsert_contacts(events, audience_id=hook["savedData"]["audience_id"])
    return {"hook": hook, "events": [o.to_dict() for o in outcomes]}


def _track(session: Session, events: Events) -> Any:
    return session.actions().track_activities(events)


def _sync(session: Session, events: Events) -> Any:
    client = session.audiences()
    external_id = client.create_audience("Engage VIP")
    outcomes = client.sync_audience(events)
    return {
        "createAudience": {"externalId": external_id},
        "events": [o.to_dict() for o in outcomes],
    }


def _engage(user_id: str, message_id: str, member: bool) -> dict[str, Any]:
    return identify(
        user_id,
        message_id,
        traits={"engage_vip": member, "email": f"{user_id}@example.com"},
        context={
            "personas": {
                "computation_class": "audience",
                "computation_key": "engage_vip",
                "external_audience_id": "aud_0001",
            }
        },
    )


UPSERT_CONTACT: tuple[Scenario, ...] = (
    Scenario(
        "example-identify",
        "One identify event",
        "An identify call with traits, an address and the visitor's IP.",
        [
            identify(
                "user-1001",
                "msg-0001",
                traits={
                    "email": "ada@example.com",
                    "first_name": "Ada",
                    "address": {"city": "Sydney", "country": "Australia"},
                },
                context={"ip": "203.0.113.7"},
            )
        ],
        _upsert,
    ),
    Scenario(
        "example-batch-one-failing",
        "A batch with one failing event",
        "Three events go out in one request; Ortto refuses the second one (here the mock was "
        "told to, with `POST /_mock/faults` and `item_errors`). The other two succeed: each "
        "event gets its own result.",
        [
            identify("user-1001", "msg-0002", traits={"plan": "pro"}),
            identify("user-1002", "msg-0003", traits={"email": "not-an-email"}),
            {
                "type": "identify",
                "anonymousId": "anon-77",
                "messageId": "msg-0004",
                "timestamp": CLOCK,
            },
        ],
        _upsert_one_refused,
    ),
    Scenario(
        "example-associate-audience",
        "Associate Audience, then upsert",
        "The Associate Audience hook creates (or finds) the audience `VIP Customers` once, when "
        "the mapping is saved. Every later payload carries an `audience` object with its id and "
        "the Audience update mode.",
        [identify("user-1001", "msg-0005", traits={"plan": "enterprise"})],
        _associate_then_upsert,
        shows_hook=True,
    ),
)

TRACK_ACTIVITY: tuple[Scenario, ...] = (
    Scenario(
        "example-track",
        "One track event",
        "A track call becomes one activity; its properties travel as they are.",
        [
            track(
                "user-1001",
                "msg-0101",
                event="Order Completed",
                properties={"order_id": "o-42", "total": 99.5},
                context={"ip": "203.0.113.7"},
            )
        ],
        _track,
    ),
    Scenario(
        "example-track-without-name",
        "A track event without a name",
        "An activity needs a name. The event is refused with a 400 and nothing is sent.",
        [track("user-1001", "msg-0102", event="", properties={"order_id": "o-43"})],
        _track,
    ),
    Scenario(
        "example-ortto-namespace",
        "An event from the ortto.com namespace",
        "Events that Ortto itself sent into Segment (`context.app.namespace` is `ortto.com`) are "
        "skipped, so they cannot loop back: the result is a success and nothing is sent.",
        [
            track(
                "user-1001",
                "msg-0103",
                event="Email Opened",
                context={"app": {"namespace": "ortto.com"}},
            )
        ],
        _track,
    ),
)

SYNC_AUDIENCE: tuple[Scenario, ...] = (
    Scenario(
        "example-audience-add-remove",
        "Audience add and remove",
        "Segment creates the Ortto audience when the Engage audience is connected "
        "(`createAudience`), then sends one event per change of membership: the computed trait "
        "`engage_vip` is `true` for a contact who enters and `false` for one who leaves.",
        [_engage("user-2001", "msg-0201", True), _engage("user-2002", "msg-0202", False)],
        _sync,
    ),
)

BY_ACTION: dict[str, tuple[Scenario, ...]] = {
    "upsertContactProfile": UPSERT_CONTACT,
    "trackActivity": TRACK_ACTIVITY,
    "syncAudience": SYNC_AUDIENCE,
}
"""Worked examples per action slug."""
