"""JavaScript value semantics the Segment runtime relies on (undefined, numbers, JSON)."""

from reference_client.js.undefined import UNDEFINED, Undefined, is_nullish

__all__ = ["UNDEFINED", "Undefined", "is_nullish"]
