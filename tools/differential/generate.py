"""Random calls in the vectors' ``input`` format, biased towards the runtime's edge cases.

Values come from small pools of awkward inputs (``0``/``false``/``""`` ids, malformed IPs and
timestamps, JavaScript-sensitive numbers, empty-key objects, Engage contexts), mappings are the
default ones with occasional twists (hook outputs, odd ``audience_update_mode`` values, other
directives), and the scripted Ortto answers cover success, per-item errors, HTTP errors and
malformed bodies.
"""

from __future__ import annotations

import random
from typing import Any

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES

JSON = dict[str, Any]
Answer = dict[str, Any]

SUBSCRIBE = {
    "upsertContactProfile": 'type = "identify"',
    "trackActivity": 'type = "track"',
    "syncAudience": 'type = "identify" or type = "track"',
}


ODD_SUBSCRIPTIONS = (
    "type", "contains(", "type = ", '((type = "identify"))', 'type = "identify"and event = "x"',
    'type!="identify"', 'foo = "bar"', "", "type = 'identify'", "type = identify", "!",
    'type = "identify" or', '(type = "identify"', 'contains(event, "x") and',
    'match(event, "Ord*")', "properties.score = 1", "userId != null",
    'event = "Order" or (type = "identify" and userId = "u1")', "traits.vip = true",
    'type = "identify" and (event = "a"', "traits.score != 3", 'type != "page"',
)  # fmt: skip
"""Subscriptions that exercise the FQL lexer, parser and matcher's corners."""


class CallGenerator:
    """Seeded generator of ``(call, scripted answers)`` pairs."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, *choices: Any) -> Any:
        """One of ``choices``."""
        return self.rng.choice(choices)

    def maybe(self, probability: float = 0.5) -> bool:
        """True with ``probability``."""
        return self.rng.random() < probability

    def scalar(self) -> Any:
        return self.pick(
            "x", "", "  ", 0, 1, -2.5, 1.5e-7, 1e21, 100.0, True, False, None, "2000",
            12345678901234567890, "é😀", "\u2028",
        )  # fmt: skip

    def identifier(self) -> Any:
        return self.pick("u1", "", 0, 7, False, True, None, ["x"], ["x", "y"], {"a": 1}, 40696)

    def timestamp(self) -> Any:
        return self.pick(
            "2024-05-01T10:00:00.000Z", "2024-05-01 10:00:00Z", "2024-05-01", "yesterday", "",
            None, 1714557600000, "2024-02-30T00:00:00Z", "2024-01-01T23:59:60Z",
            "2024-01-01T10:00:00",
        )  # fmt: skip

    def ip(self) -> Any:
        return self.pick("203.0.113.7", "01.2.3.4", "999.1.1.1", "", None, 1234, "::1", ["1.2.3.4"])

    def address(self) -> Any:
        postal = self.pick("2000", 2000, ["2000"], [2000], None, "")
        return self.pick(
            {"country": "AU", "city": "Sydney", "postal_code": postal}, "", 0, None, False,
            {"city": {}}, {"state": "NSW"},
        )  # fmt: skip

    def traits(self) -> JSON:
        keys = ["email", "plan", "score", "", "10", "2", "z", "nested", "vip", "ip", "country",
                "postal_code"]  # fmt: skip
        out: JSON = {}
        for key in self.rng.sample(keys, k=self.rng.randint(0, 6)):
            if key == "vip":
                out[key] = self.pick(True, False, "true", 1, None)
            else:
                out[key] = self.pick(
                    self.scalar(), {"a": self.scalar(), "": 1}, [self.scalar(), {"": 2}]
                )
        if self.maybe(0.6):
            out["address"] = self.address()
        return out

    def event(self) -> JSON:
        event: JSON = {
            "type": self.pick("identify", "track", "identify", "track", "page"),
            "messageId": self.pick("m1", "", None, 5),
        }
        if self.maybe(0.8):
            event["userId"] = self.identifier()
        if self.maybe(0.6):
            event["anonymousId"] = self.identifier()
        if self.maybe(0.8):
            event["timestamp"] = self.timestamp()
        context: JSON = {}
        if self.maybe(0.7):
            context["ip"] = self.ip()
        if self.maybe(0.5):
            context["traits"] = self.traits()
        if self.maybe(0.3):
            context["app"] = {"namespace": self.pick("ortto.com", "com.x", "", None)}
        if self.maybe(0.3):
            context["personas"] = {
                "computation_class": self.pick("audience", "journey_step", "trait"),
                "computation_key": self.pick("vip", "", None),
                "external_audience_id": self.pick("aud_1", "", None, " "),
            }
        if context:
            event["context"] = context
        if self.maybe(0.6):
            event["traits"] = self.traits()
        if self.maybe(0.6):
            event["properties"] = self.traits()
        if event["type"] == "track" or self.maybe(0.1):
            event["event"] = self.pick("Order", "", "   ", None, 42)
        return event

    def mapping(self, action: str) -> JSON:
        destination = ORTTO_AUDIENCES if action == "syncAudience" else ORTTO_ACTIONS
        mapping = destination.action(action).default_mapping()
        if action == "syncAudience":
            return mapping
        if self.maybe(0.3):
            mapping["audience_update_mode"] = self.pick(
                "", "remove", ["add"], "ADD", {"@path": "$.traits.plan"},
                {"@liquid": "{% if traits.vip %}add{% else %}remove{% endif %}"},
            )  # fmt: skip
        if self.maybe(0.4):
            outputs = {"audience_id": self.pick("aud-1", "", None), "audience_name": "VIP"}
            mapping["onMappingSave"] = {"inputs": {"audience_name": "VIP"}, "outputs": outputs}
        if self.maybe(0.2):
            mapping["enable_batching"] = self.pick("false", "yes", 0)
        if self.maybe(0.2):
            mapping["batch_size"] = self.pick("100", "abc", None, " 0x10 ")
        if self.maybe(0.2):
            mapping["location"] = {**mapping["location"], "extra": "zzz"}
        if self.maybe(0.15):
            mapping["user_id"] = {"@template": "{{userId}}-{{traits.plan}}"}
        if self.maybe(0.1):
            mapping["foo"] = "bar"
        if self.maybe(0.2):
            mapping["traits"] = self.pick(
                {"@if": {"blank": {"@path": "$.traits.plan"},
                         "then": {"plan": {"@path": "$.traits.plan"}}, "else": {"none": True}}},
                {"plan": {"@case": {"operator": "upper", "value": {"@path": "$.traits.plan"}}},
                 "t": {"@template": "{{traits.score}}|{{traits.nested}}|{{{traits.email}}}"}},
                {"liq": {"@liquid": "{{ traits.score | plus: 1 }}-{{ traits.plan | upcase }}"}},
                {"r": {"@replace": {"value": {"@path": "$.traits.email"}, "pattern": "x",
                                    "replacement": "y"}}},
                {"j": {"@json": {"mode": "encode", "value": {"@path": "$.traits"}}}},
                {"arr": [{"@path": "$.nope"}, 1, {"@path": "$.traits.plan"}]},
                {"m": {"@merge": {"objects": [{"@path": "$.traits"},
                                              {"@path": "$.context.traits"}],
                                  "direction": "right"}}},
            )  # fmt: skip
        return mapping

    def batch_answers(self) -> list[Answer]:
        kind = self.pick("ok", "ok", "ok", "errors", "text", "500", "empty", "null", "bad")
        if kind == "errors":
            errors = []
            for _ in range(self.rng.randint(1, 3)):
                entry = {
                    "index": self.pick(0, 1, 2, "1", -1, 7),
                    "status": self.pick(400, 422, 429, 503, None, "400"),
                    "message": self.pick("bad", None),
                }
                errors.append({k: v for k, v in entry.items() if v is not None})
            return [_json(200, {"errors": errors})]
        return [{
            "ok": _json(200, {"errors": []}),
            "text": {"status": 200, "content_type": "text/plain", "body": "OK"},
            "500": _json(500, {"error": "boom"}),
            "empty": _json(200, ""),
            "null": _json(200, None),
            "bad": _json(200, {"errors": "x"}),
        }[kind]]  # fmt: skip

    def event_call(self) -> tuple[JSON, list[Answer]]:
        destination = self.pick("ortto", "ortto", "ortto-audiences")
        action = (
            "syncAudience" if destination == "ortto-audiences"
            else self.pick("upsertContactProfile", "trackActivity")
        )  # fmt: skip
        method = self.pick("onEvent", "onBatch", "onBatch")
        call: JSON = {
            "destination": destination,
            "method": method,
            "settings": {"api_key": "pau-0a1b2c3d"},
            "subscription": {
                "subscribe": (
                    self.pick(*ODD_SUBSCRIPTIONS) if self.maybe(0.15) else SUBSCRIBE[action]
                ),
                "partnerAction": action,
            },
            "mapping": self.mapping(action),
        }
        if method == "onEvent":
            call["event"] = self.event()
        else:
            call["events"] = [self.event() for _ in range(self.rng.randint(1, 5))]
        return call, self.batch_answers()

    def other_call(self) -> tuple[JSON, list[Answer]]:
        kind = self.pick("hook", "create", "get", "auth")
        settings: JSON = {"api_key": self.pick("pau-0a1b2c3d", "bad", 42, "")}
        if self.maybe(0.1):
            settings = {}
        if kind == "hook":
            inputs = self.pick(
                {"audience_name": self.pick("VIP", "  Padded ", "", "   ", 42, None, {})},
                {}, {"audience_name": "x", "extra": 1},
            )  # fmt: skip
            call: JSON = {
                "destination": "ortto", "method": "executeHook",
                "action": self.pick("upsertContactProfile", "trackActivity"),
                "hook": self.pick("onMappingSave", "onMappingSave", "retlOnMappingSave"),
                "settings": settings, "hookInputs": inputs,
            }  # fmt: skip
        elif kind == "create":
            call = {
                "destination": self.pick("ortto-audiences", "ortto-audiences", "ortto"),
                "method": "createAudience", "settings": settings,
                "audienceName": self.pick("Engage VIP", "  x ", "", None, 5),
                "audienceSettings": self.pick(None, {}, {"audienceName": "a"},
                                              {"audienceName": {}}, {"other": 1}),
            }  # fmt: skip
        elif kind == "get":
            call = {
                "destination": "ortto-audiences", "method": "getAudience", "settings": settings,
                "externalId": self.pick("aud_1", " aud_1 ", "", None),
                "audienceSettings": self.pick(None, {}),
            }  # fmt: skip
        else:
            call = {
                "destination": self.pick("ortto", "ortto-audiences"),
                "method": "testAuthentication", "settings": settings,
            }  # fmt: skip
        status = self.pick(200, 200, 200, 409, 500, 401)
        body = self.pick({"id": "aud_1", "name": "VIP"}, {"id": 5}, {}, "text", {"name": "n"})
        if body == "text":
            return call, [{"status": status, "content_type": "text/plain", "body": "OK"}]
        return call, [_json(status, body)]

    def call(self) -> tuple[JSON, list[Answer]]:
        """The next call and the answers the scripted Ortto gives it."""
        return self.other_call() if self.maybe(0.3) else self.event_call()


def _json(status: int, body: Any) -> Answer:
    return {"status": status, "content_type": "application/json", "body": body}
