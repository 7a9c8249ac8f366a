"""The error raised for subscriptions that cannot be parsed."""

from __future__ import annotations

#: What the runtime reports for every lexer error and for the parser's TypeErrors.
TYPE_ERROR_MESSAGE = "Cannot read properties of undefined (reading 'type')"


class FqlError(Exception):
    """A ``subscribe`` string that fql-ts / destination-subscriptions cannot parse.

    ``message`` is the text the JavaScript runtime reports (after ``Invalid subscription : ``).
    """

    def __init__(self, message: str = TYPE_ERROR_MESSAGE):
        super().__init__(message)
        self.message: str = message
