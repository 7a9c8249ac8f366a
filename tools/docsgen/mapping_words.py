"""Mapping directives (``@path``, ``@if``, ...) said in plain words for the field tables."""

from __future__ import annotations

from typing import Any

from tools.docsgen.markdown import code, literal


def path_words(path: str) -> str:
    """``$.context.ip`` -> ``the event's `context.ip```; ``$`` alone is the whole event."""
    stripped = path.removeprefix("$").removeprefix(".")
    return "the whole event" if not stripped else f"the event's {code(stripped)}"


def _is_directive(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("@")


def _exists_path(options: dict[str, Any]) -> str | None:
    if set(options) - {"then", "else"} == {"exists"}:
        target = options["exists"]
        if isinstance(target, dict) and isinstance(target.get("@path"), str):
            return str(target["@path"])
    return None


def _if_words(options: dict[str, Any]) -> str:
    checked = _exists_path(options)
    then, otherwise = options.get("then"), options.get("else")
    then_words = _branch(then) if "then" in options else "nothing"
    else_words = _branch(otherwise) if "else" in options else "nothing"
    if checked is not None and then == {"@path": checked}:
        return f"{then_words} if present, else {else_words}"
    if checked:
        condition = path_words(checked) + " exists"
    else:
        tested = {k: v for k, v in options.items() if k not in ("then", "else")}
        condition = f"the condition {literal(tested)} holds"
    return f"{then_words} if {condition}, else {else_words}"


def _branch(value: Any) -> str:
    return words(value) if isinstance(value, dict) else f"the value {literal(value)}"


def words(value: Any) -> str:
    """Plain words for a default mapping: a directive, a literal, or an object of them."""
    if _is_directive(value):
        name, options = next(iter(value.items()))
        if name == "@path" and isinstance(options, str):
            return path_words(options)
        if name == "@if" and isinstance(options, dict):
            return _if_words(options)
        if name == "@template" and isinstance(options, str):
            return f"the text {code(options)} with `{{{{...}}}}` filled from the event"
        if name == "@literal":
            return f"the value {literal(options)}"
        return f"the {code(name)} directive {literal(options)}"
    if isinstance(value, dict):
        parts = [f"{code(key)}: {words(item)}" for key, item in value.items()]
        return "an object with " + "; ".join(parts) if parts else "an empty object"
    return f"always {literal(value)}"
