"""The FQL subset used in Segment ``subscribe`` strings: lexing, parsing and event matching.

>>> Subscription('type = "identify" or type = "track"').matches({"type": "track"})
True
"""

from reference_client.subscriptions.conditions import Condition, Group
from reference_client.subscriptions.errors import FqlError
from reference_client.subscriptions.lexer import Token, lex
from reference_client.subscriptions.matching import Subscription, matches, subscription
from reference_client.subscriptions.parser import parse_fql

__all__ = [
    "Condition",
    "FqlError",
    "Group",
    "Subscription",
    "Token",
    "lex",
    "matches",
    "parse_fql",
    "subscription",
]
