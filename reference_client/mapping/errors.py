"""Exceptions raised while validating or resolving a mapping.

Every error carries the JavaScript error ``name`` the Segment runtime would report
(``js_name``), the message text, and the HTTP-like ``status`` the runtime attaches (or None).
"""

from __future__ import annotations


class MappingError(Exception):
    """Base class of every mapping error; a plain JavaScript ``Error`` by default."""

    def __init__(self, message: str, *, js_name: str = "Error", status: int | None = None):
        super().__init__(message)
        self.message: str = message
        self.js_name: str = js_name
        self.status: int | None = status

    def __str__(self) -> str:
        return self.message


class MappingValidationError(MappingError):
    """A mapping rejected by mapping-kit validation before any event is resolved.

    A single error at the root is a ``ValidationError`` with status 400; several (or nested)
    errors form an ``AggregateError`` without status whose message lists each
    ``ValidationError: <message>``. ``errors`` holds the individual messages.
    """

    def __init__(
        self,
        message: str,
        *,
        js_name: str = "ValidationError",
        status: int | None = 400,
        errors: list[str] | None = None,
    ):
        super().__init__(message, js_name=js_name, status=status)
        self.errors: list[str] = list(errors) if errors is not None else [message]


class UnsupportedDirectiveError(MappingValidationError):
    """A mapping uses an ``@directive`` this implementation does not know.

    ``directives`` names the offending directive keys. During validation this takes the same
    shape as the JavaScript ``ValidationError``/``AggregateError`` (``has an invalid directive``);
    at resolution time (unvalidated nested mappings) it is a plain ``Error``.
    """

    def __init__(
        self,
        message: str,
        *,
        directives: list[str],
        js_name: str = "ValidationError",
        status: int | None = 400,
        errors: list[str] | None = None,
    ):
        super().__init__(message, js_name=js_name, status=status, errors=errors)
        self.directives: list[str] = list(directives)


class LiquidError(MappingError):
    """An ``@liquid`` failure: ParseError, RenderError, TokenizationError or Error."""
