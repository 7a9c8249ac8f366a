"""The destination code itself: payload cleaning, endpoint derivation and the Ortto client."""
