"""liquidjs' string and array filters, reproduced where python-liquid's differ.

liquidjs turns a filter's input into text with ``stringify`` (``null`` -> ``""``, arrays
concatenated, everything else ``String(value)``: ``true``, ``[object Object]``, JavaScript
numbers), while python-liquid uses Python's rules (``True``, ``{}``, ``1e+21``). These
functions follow liquidjs 10.30.1, the engine the Segment runtime uses.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

import liquid

from reference_client.js import json as js_json
from reference_client.js.numbers import to_js_number, to_js_string, to_number
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import JS_WHITESPACE, trim, truthy, utf16_length

Filter = Callable[..., Any]


def is_nil(value: Any) -> bool:
    """``null``/``undefined``, including python-liquid's undefined variables."""
    return value is None or value is UNDEFINED or isinstance(value, liquid.Undefined)


def stringify(value: Any) -> str:
    """liquidjs ``stringify``."""
    if isinstance(value, str):
        return value
    if is_nil(value):
        return ""
    if isinstance(value, list):
        return "".join(stringify(item) for item in value)
    return to_js_string(value)


def _is_falsy(value: Any) -> bool:
    return is_nil(value) or value is False


def _default(value: Any, default: Any = "", *_args: Any, **kwargs: Any) -> Any:
    if isinstance(value, list | str):
        return value if len(value) else default
    if value is False and kwargs.get("allow_false"):
        return False
    return default if _is_falsy(value) else value


def _strip_set(text: str, chars: Any, start: bool, end: bool) -> str:
    if not chars:
        if start and end:
            return trim(text)
        return text.lstrip(JS_WHITESPACE) if start else text.rstrip(JS_WHITESPACE)
    allowed = stringify(chars)
    if start:
        text = text.lstrip(allowed)
    if end:
        text = text.rstrip(allowed)
    return text


def _js_split(text: str, separator: str) -> list[str]:
    return list(text) if separator == "" else text.split(separator)


def _split(value: Any, separator: Any = None) -> list[str]:
    parts = _js_split(stringify(value), stringify(separator))
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _truncate(value: Any, length: Any = 50, ending: Any = "...") -> Any:
    text, suffix = stringify(value), stringify(ending)
    limit = int(length)
    if len(text) <= limit:
        return value
    return text[: max(limit - len(suffix), 0)] + suffix


def _truncatewords(value: Any, words: Any = 15, ending: Any = "...") -> str:
    parts = _split_whitespace(stringify(value).lstrip(JS_WHITESPACE))
    count = max(int(words), 1)
    result = " ".join(parts[:count])
    return result + stringify(ending) if len(parts) >= count else result


def _split_whitespace(text: str) -> list[str]:
    """JavaScript ``text.split(/\\s+/)`` (keeps a leading/trailing empty part)."""
    parts: list[str] = []
    current: list[str] = []
    in_space = False
    for char in text:
        if char in JS_WHITESPACE:
            if not in_space:
                parts.append("".join(current))
                current = []
            in_space = True
        else:
            in_space = False
            current.append(char)
    parts.append("".join(current))
    return parts


def _number_of_words(value: Any, mode: Any = None) -> int:
    text = trim(stringify(value))
    return len(_split_whitespace(text)) if text else 0


def _slugify(value: Any, mode: Any = "default", cased: Any = False) -> str:
    out: list[str] = []
    separator = False
    for char in stringify(value):
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd":
            if (separator and out) or separator:
                out.append("-")
            separator = False
            out.append(char)
        else:
            separator = True
    if separator:
        out.append("-")
    slug = "".join(out)
    slug = slug[1:] if slug.startswith("-") else slug
    slug = slug[:-1] if slug.endswith("-") else slug
    return slug if cased else slug.lower()


def _encode_uri_component(text: str) -> str:
    return quote(text, safe="-_.!~*'()")


def _url_encode(value: Any) -> str:
    return _encode_uri_component(stringify(value)).replace("%20", "+")


def _cgi_escape(value: Any) -> str:
    encoded = _url_encode(value)
    return "".join(f"%{ord(c):X}" if c in "!'()*" else c for c in encoded)


def _first(value: Any) -> Any:
    if isinstance(value, list | str):
        return value[0] if value else None
    return ""


def _last(value: Any) -> Any:
    if isinstance(value, list | str):
        return value[-1] if value else None
    return ""


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_UNESCAPE = re.compile(r"&(amp|lt|gt|#34|#39);")


def _escape(value: Any) -> str:
    return "".join(_ESCAPES.get(c, c) for c in stringify(value))


def _escape_once(value: Any) -> str:
    reverse = {v: k for k, v in _ESCAPES.items()}
    return _escape(_UNESCAPE.sub(lambda m: reverse[m.group(0)], stringify(value)))


def _strip_html(value: Any) -> str:
    """liquidjs ``strip_html``: script/style blocks, comments and tags go; an unclosed one stays."""
    text = stringify(value)
    blocks = {"<script": "</script>", "<style": "</style>", "<!--": "-->", "<": ">"}
    out: list[str] = []
    i = 0
    while i < len(text):
        lt = text.find("<", i)
        if lt < 0:
            return "".join(out) + text[i:]
        out.append(text[i:lt])
        for opener, closer in list(blocks.items()):
            if not text.startswith(opener, lt):
                continue
            end = text.find(closer, lt + len(opener))
            if end >= 0:
                i = end + len(closer)
                break
            del blocks[opener]
        if i <= lt:
            return "".join(out) + text[lt:]
    return "".join(out)


def _slice(value: Any, begin: Any = 0, length: Any = 1) -> Any:
    if is_nil(value):
        return []
    items: list[Any] | str = value if isinstance(value, list) else stringify(value)
    start, count = int(begin), int(length)
    if start < 0:
        start += len(items)
    if start < 0 or count < 0:
        return [] if isinstance(items, list) else ""
    return items[start : start + count]


def _to_array(value: Any) -> list[Any]:
    if is_nil(value):
        return []
    return value if isinstance(value, list) else [value]


def _sum(value: Any, prop: Any = None) -> Any:
    total: int | float = 0
    for item in _to_array(value):
        picked = item.get(prop) if prop is not None and isinstance(item, dict) else item
        total += to_number(
            None if prop is not None and not isinstance(item, dict) else picked, stringify
        )
    return total


def _where(value: Any, prop: Any = None, *expected: Any) -> list[Any]:
    def keep(item: Any) -> bool:
        if not isinstance(item, dict):
            return False
        found = item.get(stringify(prop), UNDEFINED)
        return found == expected[0] if expected else truthy(found)

    return [item for item in _to_array(value) if keep(item)]


def _url_decode(value: Any) -> str:
    return unquote(stringify(value).replace("+", " "))


def _join(value: Any, separator: Any = None) -> str:
    items = _to_array(value)
    glue = " " if is_nil(separator) else stringify(separator)
    return glue.join("" if is_nil(i) else to_js_string(i) for i in items)


def _capitalize(value: Any) -> str:
    text = stringify(value)
    return text[:1].upper() + text[1:].lower()


def _replace_first(value: Any, old: Any, new: Any = "") -> str:
    return stringify(value).replace(stringify(old), stringify(new), 1)


def _replace_last(value: Any, old: Any, new: Any = "") -> str:
    text, pattern = stringify(value), stringify(old)
    index = text.rfind(pattern)
    if index < 0:
        return text
    return text[:index] + stringify(new) + text[index + len(pattern) :]


def _json(value: Any, space: Any = 0) -> Any:
    if value is UNDEFINED or isinstance(value, liquid.Undefined):
        return None  # JSON.stringify(undefined) is undefined: renders as nothing
    return js_json.dumps(value)


def _to_integer(value: Any) -> Any:
    return to_js_number(value, stringify)


def _push(value: Any, item: Any = None) -> list[Any]:
    items = _to_array(value)
    return [*items, item]


def _base64_encode(value: Any) -> str:
    return base64.b64encode(stringify(value).encode("utf-8")).decode("ascii")


FILTERS: dict[str, Filter] = {
    "append": lambda v, arg=None: stringify(v) + stringify(arg),
    "prepend": lambda v, arg=None: stringify(arg) + stringify(v),
    "downcase": lambda v: stringify(v).lower(),
    "upcase": lambda v: stringify(v).upper(),
    "capitalize": _capitalize,
    "remove": lambda v, arg=None: "".join(_js_split(stringify(v), stringify(arg))),
    "remove_first": lambda v, arg=None: _replace_first(v, arg, ""),
    "remove_last": lambda v, arg=None: _replace_last(v, arg, ""),
    "replace": lambda v, old=None, new=None: stringify(new).join(
        _js_split(stringify(v), stringify(old))
    ),
    "replace_first": _replace_first,
    "replace_last": _replace_last,
    "split": _split,
    "strip": lambda v, chars=None: _strip_set(stringify(v), chars, True, True),
    "lstrip": lambda v, chars=None: _strip_set(stringify(v), chars, True, False),
    "rstrip": lambda v, chars=None: _strip_set(stringify(v), chars, False, True),
    "strip_newlines": lambda v: stringify(v).replace("\r\n", "").replace("\n", ""),
    "truncate": _truncate,
    "truncatewords": _truncatewords,
    "number_of_words": _number_of_words,
    "slugify": _slugify,
    "url_encode": _url_encode,
    "cgi_escape": _cgi_escape,
    "base64_encode": _base64_encode,
    "default": _default,
    "escape": _escape,
    "xml_escape": _escape,
    "escape_once": _escape_once,
    "slice": _slice,
    "strip_html": _strip_html,
    "url_decode": _url_decode,
    "sum": _sum,
    "where": _where,
    "first": _first,
    "last": _last,
    "join": _join,
    "json": _json,
    "to_integer": _to_integer,
    "push": _push,
    "size": lambda v: (
        utf16_length(v) if isinstance(v, str) else len(v) if isinstance(v, list | dict) else 0
    ),
}
"""Filter name -> liquidjs-compatible implementation."""
