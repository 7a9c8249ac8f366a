"""FQL lexer (``@segment/fql-ts`` 1.10.1), ported as a character state machine.

Quirks kept on purpose: a closing quote only closes a string when a terminator follows it
(otherwise the quote opens the next string), ``!=``/``<=``/``>=``/``and``/``or``/``null`` need a
terminator after them, and identifiers may contain ``\\``-escaped characters.
"""

from __future__ import annotations

from typing import NamedTuple

EOS = "-1"  # fql-ts's end-of-stream marker; never equal to a single character


class Token(NamedTuple):
    """One token: ``kind`` is the fql-ts token type (``ident``, ``string``, ``eos``, ...)."""

    kind: str
    value: str


class LexerError(Exception):
    """Raised internally; the parser turns every lexer error into an empty token list."""


def _is_alpha(ch: str) -> bool:
    return len(ch) == 1 and ("a" <= ch <= "z" or "A" <= ch <= "Z")


def _is_digit(ch: str) -> bool:
    return len(ch) == 1 and "0" <= ch <= "9"


def _is_whitespace(ch: str) -> bool:
    return ch in (" ", "\t", "\n")


def _is_terminator(ch: str) -> bool:
    return ch == EOS or _is_whitespace(ch) or ch in (",", "]", ")")


def _is_ident(ch: str) -> bool:
    return ch != EOS and (_is_alpha(ch) or _is_digit(ch) or ch in ("_", "-", "\\"))


_PUNCTUATION = {
    ".": "dot",
    "[": "brackleft",
    "]": "brackright",
    ",": "comma",
    "(": "parenleft",
    ")": "parenright",
}

_MAX_LENGTH = 100_000


class _Lexer:
    def __init__(self, code: str):
        self.code = code
        self.pos = 0

    # -- reader ------------------------------------------------------------------------------
    def next(self) -> tuple[str, bool]:
        if self.pos >= len(self.code):
            return EOS, True
        ch = self.code[self.pos]
        self.pos += 1
        return ch, False

    def peek(self) -> str:
        ch, at_end = self.next()
        if not at_end:
            self.pos -= 1
        return ch

    def backup(self, count: int) -> None:
        self.pos = max(0, self.pos - count)

    def accept(self, text: str) -> bool:
        """Consume ``text`` if it is followed by a terminator; otherwise roll back.

        Like fql-ts, hitting the end of input returns False *without* rolling back.
        """
        consumed = 0
        matched = ""
        for _ in text:
            ch, at_end = self.next()
            if at_end:
                return False
            matched += ch
            consumed += 1
            if _is_terminator(ch):
                break
        if matched == text and _is_terminator(self.peek()):
            return True
        self.backup(consumed)
        return False

    # -- tokens ------------------------------------------------------------------------------
    def lex(self) -> list[Token]:
        tokens: list[Token] = []
        while True:
            ch, at_end = self.next()
            if at_end:
                tokens.append(Token("eos", "eos"))
                return tokens
            if _is_whitespace(ch):
                continue
            if ch == "!":
                following = self.peek()
                if _is_alpha(following) or following == "(":
                    tokens.append(Token("operator", "!"))
                    continue
            if _is_alpha(ch) or ch in ("!", "=", ">", "<", "_"):
                tokens.append(self.operator_or_conditional(ch))
            elif _is_digit(ch) or ch in ("-", "+"):
                tokens.append(self.number(ch))
            elif ch in ('"', "'"):
                tokens.append(self.string(ch))
            elif ch in _PUNCTUATION:
                tokens.append(Token(_PUNCTUATION[ch], ch))
            else:
                raise LexerError(f'invalid character "{ch}"')

    def string(self, quote: str) -> Token:
        body = ""
        while self.peek() != quote:
            ch, at_end = self.next()
            if at_end:
                raise LexerError("unterminated string")
            body += ch
            if len(body) >= _MAX_LENGTH:
                raise LexerError("unreasonable string length")
        self.accept(quote)  # only eaten when a terminator follows
        return Token("string", f"{quote}{body}{quote}")

    def number(self, first: str) -> Token:
        text = ""
        coming = self.peek()
        seen_point = False
        while _is_digit(coming) or coming == ".":
            ch, _ = self.next()
            text += ch
            if coming == ".":
                if _is_terminator(self.peek()):
                    raise LexerError("unexpected terminator after decimal point")
                if seen_point:
                    raise LexerError("multiple decimal points in one number")
                seen_point = True
            if len(text) >= _MAX_LENGTH:
                raise LexerError("unreasonable number length")
            coming = self.peek()
        return Token("number", first + text)

    def operator_or_conditional(self, first: str) -> Token:
        if first == "=":
            return Token("operator", "=")
        if first == "!":
            if self.accept("="):
                return Token("operator", "!=")
            raise LexerError("expected '=' after '!'")
        if first == "a":
            return Token("conditional", "and") if self.accept("nd") else self.ident(first)
        if first == "o":
            return Token("conditional", "or") if self.accept("r") else self.ident(first)
        if first == "n":
            return Token("null", "null") if self.accept("ull") else self.ident(first)
        if first in ("<", ">"):
            return Token("operator", first + "=") if self.accept("=") else Token("operator", first)
        return self.ident(first)

    def ident(self, first: str) -> Token:
        text = ""
        while _is_ident(self.peek()):
            ch, _ = self.next()
            if ch == "\\":
                if self.peek() == EOS:
                    raise LexerError("expected character after escape character, got EOS")
                ch, _ = self.next()
            text += ch
            if len(text) >= _MAX_LENGTH:
                raise LexerError("unreasonable literal length")
        coming = self.peek()
        if not (_is_terminator(coming) or coming in (".", "(", "=", "!")):
            raise LexerError(f"expected termination character after identifier, got {coming}")
        return Token("ident", first + text)


def lex(code: str) -> list[Token]:
    """Tokenise ``code``; any lexer error gives ``[]`` (as fql-ts's ``lex`` does)."""
    try:
        return _Lexer(code).lex()
    except LexerError:
        return []


def lex_strict(code: str) -> list[Token]:
    """Tokenise ``code``, raising :class:`LexerError` on invalid input."""
    return _Lexer(code).lex()
