"""Reading the command line's input files: events (JSON or JSON Lines) and mappings.

Every problem becomes one :class:`InputError` whose message names the file and, for JSON that
does not parse, the line and column, so the command line can print one line and stop.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from reference_client.js import json as js_json

STDIN = "-"


class InputError(Exception):
    """An input file is missing, unreadable, not JSON or not the expected shape."""


def _display(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of ``path`` (``-`` is standard input); ``what`` names it in errors."""
    try:
        if path == STDIN:
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8-sig")  # a leading BOM is not JSON
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} file: {exc.strerror}") from None


def _parse(text: str, where: str, first_line: int = 1) -> Any:
    """``text`` as JSON; a syntax error names ``where``, its line (from ``first_line``) and
    column."""
    try:
        return js_json.loads(text)
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        raise InputError(f"{where}:{line}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"{where}:{first_line}: not valid JSON: {exc}") from None


_NOT_BLANK = re.compile(r"\S")  # what ``str.strip`` keeps


def _looks_like_jsonl(text: str) -> bool:
    """JSON Lines when the first non-blank line is a whole ``{...}`` object and a non-blank
    line follows. Only that first line is copied: a big JSON document is not split."""
    first = _NOT_BLANK.search(text)
    if first is None or text[first.start()] != "{":
        return False
    end = text.find("\n", first.start())
    if end == -1:
        return False
    return text[first.start() : end].rstrip().endswith("}") and bool(
        _NOT_BLANK.search(text, end + 1)
    )


def parse_events(text: str, where: str) -> list[dict[str, Any]]:
    """Events from a JSON document (one object or a list of objects) or JSON Lines."""
    if _looks_like_jsonl(text):
        events: list[Any] = []
        for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028
            if line.strip():
                event = _parse(line, where, first_line=number)
                if not isinstance(event, dict):
                    raise InputError(f"{where}:{number}: an event must be a JSON object")
                events.append(event)
        return events
    if not text.strip():
        raise InputError(f"{where}: no events (the file is empty)")
    loaded = _parse(text, where)
    items = loaded if isinstance(loaded, list) else [loaded]
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{where}: event {position} is not a JSON object")
    if not items:
        raise InputError(f"{where}: no events (the list is empty)")
    return items


def read_events(path: str) -> list[dict[str, Any]]:
    """Events from the file ``path`` (``-`` for standard input); see :func:`parse_events`."""
    return parse_events(read_text(path, "events"), _display(path))


def read_mapping(path: str) -> dict[str, Any]:
    """A mapping: a JSON object from the file ``path``."""
    loaded = _parse(read_text(path, "mapping"), _display(path))
    if not isinstance(loaded, dict):
        raise InputError(f"{_display(path)}: a mapping must be a JSON object")
    return loaded
