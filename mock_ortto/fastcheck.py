"""A yes/no validator generated from a JSON schema as straight-line Python code.

The hot path of every batch: "is every item valid?" is answered by a function generated once
from the same OpenAPI schemas as the fastjsonschema validators, without building error
objects or key sets. Only when the answer is no do the fastjsonschema validators run item by
item to word the error. A keyword this generator does not know makes generation fail, so the
check can never be more lenient than the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_PY_TYPES: dict[str, tuple[str, ...]] = {
    "null": ("NoneType",),
    "boolean": ("bool",),
    "integer": ("int",),
    "number": ("int", "float"),
    "string": ("str",),
    "array": ("list", "tuple"),
    "object": ("dict",),
}
_IGNORED = frozenset({"description", "title", "default", "examples", "example", "$schema"})
_KNOWN = frozenset({
    "type", "enum", "format", "properties", "additionalProperties", "required", "minLength",
    "maxLength", "pattern", "minimum", "maximum", "items",
})  # fmt: skip


_CLASSES: dict[str, type] = {
    "NoneType": type(None), "bool": bool, "int": int, "float": float, "str": str, "list": list,
    "tuple": tuple, "dict": dict,
}  # fmt: skip
"""The class of each name the generated code uses."""

_DEFAULTS: dict[str, str] = {
    "NoneType": "None",
    "bool": "False",
    "int": "0",
    "float": "0.0",
    "str": "''",
    "list": "()",
    "tuple": "()",
    "dict": "_EMPTY",
}
"""A value of each Python type, fetched in place of a missing key whose only test is its type."""

_MEMO_SIZE = 4096


class _Memo:
    """A string checker remembering (up to ``_MEMO_SIZE``) the values it accepted; generated
    code asks the set first, so a repeated timestamp, address or event name costs one lookup."""

    def __init__(self, checker: Callable[[str], bool]) -> None:
        self.accepted: set[str] = set()
        self._checker = checker

    def __call__(self, value: str) -> bool:
        if not self._checker(value):
            return False
        if len(self.accepted) >= _MEMO_SIZE:
            self.accepted.clear()
        self.accepted.add(value)
        return True


class _Generator:
    def __init__(self, formats: Mapping[str, Callable[[str], bool]]) -> None:
        self.formats = formats
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {"NoneType": type(None), "_EMPTY": {}}
        self.counter = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, prefix: str, value: Any) -> str:
        name = self.name(prefix)
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def value(self, schema: Mapping[str, Any], var: str, indent: int) -> None:
        unknown = set(schema) - _IGNORED - _KNOWN
        if unknown:
            raise ValueError(f"fastcheck cannot compile keywords {sorted(unknown)}")
        python_types = _python_types(schema)
        if python_types:
            if len(python_types) == 1:
                self.emit(indent, f"if type({var}) is not {python_types[0]}: return False")
            else:
                self.emit(
                    indent, f"if type({var}) not in ({', '.join(python_types)}): return False"
                )
        only = python_types[0] if len(python_types) == 1 else None  # known after the test
        if "enum" in schema:
            values = list(schema["enum"])
            if all(type(v) is str for v in values):  # the common case: one set lookup
                allowed = self.constant("_enum", frozenset(values))
                guard = "" if only == "str" else f"type({var}) is not str or "
                test = f"{guard}{var} not in {allowed}"
            else:
                allowed = self.constant("_enum", tuple(values))
                test = f"not any({var} == a and type({var}) is type(a) for a in {allowed})"
            self.emit(indent, f"if {test}: return False")
        string_tests = []
        if "minLength" in schema:
            string_tests.append(f"len({var}) < {int(schema['minLength'])}")
        if "maxLength" in schema:
            string_tests.append(f"len({var}) > {int(schema['maxLength'])}")
        costly = self.costly_tests(schema)
        if costly is not None:  # asked only of strings not accepted before
            memo = _Memo(costly)
            accepted = self.constant("_ok", memo.accepted)
            string_tests.append(
                f"{var} not in {accepted} and not {self.constant('_str', memo)}({var})"
            )
        if string_tests:
            guard = "" if only == "str" else f"type({var}) is str and "
            tests = (
                " or ".join(string_tests)
                if len(string_tests) == 1
                else " or ".join(f"({t})" for t in string_tests)
            )
            self.emit(indent, f"if {guard}({tests}): return False")
        for bound, op in (("minimum", "<"), ("maximum", ">")):
            if bound in schema:
                self.emit(
                    indent,
                    f"if type({var}) in (int, float) and {var} {op} "
                    f"{schema[bound]!r}: return False",
                )
        if "items" in schema:
            item = self.name("i")
            if only is None and set(python_types) != {"list", "tuple"}:
                self.emit(indent, f"if type({var}) in (list, tuple):")
                indent += 1
            self.emit(indent, f"for {item} in {var}:")
            before = len(self.lines)
            self.value(schema["items"], item, indent + 1)
            if len(self.lines) == before:
                self.lines.pop()  # nothing to test on the items
                if only is None and set(python_types) != {"list", "tuple"}:
                    self.lines.pop()
        self.object(schema, var, indent, known_dict=only == "dict")

    def costly_tests(self, schema: Mapping[str, Any]) -> Callable[[str], bool] | None:
        """The format and pattern tests of a string schema as one checker (``None`` if none)."""
        tests: list[Callable[[str], bool]] = []
        if "format" in schema:
            checker = self.formats.get(schema["format"])
            if checker is None:
                raise ValueError(f"fastcheck has no checker for format {schema['format']!r}")
            tests.append(checker)
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            tests.append(lambda text: search(text) is not None)
        if len(tests) > 1:
            return lambda text: all(test(text) for test in tests)
        return tests[0] if tests else None

    def object(
        self, schema: Mapping[str, Any], var: str, indent: int, known_dict: bool = False
    ) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = list(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        if extra not in (True, False):
            raise ValueError("fastcheck only supports additionalProperties true or false")
        if not properties and not required and extra:
            return
        if not known_dict:
            self.emit(indent, f"if type({var}) is dict:")
            indent += 1
        if extra is False:
            allowed = self.constant("_keys", frozenset(properties))
            self.emit(indent, f"if not {allowed}.issuperset({var}): return False")
            shared = _shared_types(properties)
            if shared is not None and not required:  # one C-level test of every value's type
                classes = self.constant("_types", frozenset(_CLASSES[t] for t in shared))
                test = f"{classes}.issuperset(map(type, {var}.values()))"
                self.emit(indent, f"if not {test}: return False")
                return
        for key in required:
            self.emit(indent, f"if {key!r} not in {var}: return False")
        for key, sub in properties.items():
            types = _python_types(sub)
            if types and set(sub) - _IGNORED == {"type"}:
                # Only a type test: a missing key fetches a value of an accepted type.
                default = _DEFAULTS[types[0]]
                test = f"is not {types[0]}" if len(types) == 1 else f"not in ({', '.join(types)})"
                self.emit(indent, f"if type({var}.get({key!r}, {default})) {test}: return False")
                continue
            child = self.name("v")
            inner = indent
            if key not in required:
                self.emit(indent, f"if {key!r} in {var}:")
                inner += 1
            self.emit(inner, f"{child} = {var}[{key!r}]")
            before = len(self.lines)
            self.value(sub, child, inner)
            if len(self.lines) == before:
                self.lines.pop()
                if key not in required:
                    self.lines.pop()


def _shared_types(properties: Mapping[str, Any]) -> list[str] | None:
    """The Python types every property accepts, when each has only that same type test."""
    tests = {
        tuple(_python_types(sub)) if set(sub) - _IGNORED == {"type"} else None
        for sub in properties.values()
    }
    only = tests.pop() if len(tests) == 1 else None
    return list(only) if only else None


def _python_types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    names = [declared] if isinstance(declared, str) else list(declared or [])
    return [t for n in names for t in _PY_TYPES[n]]


def compile_check(
    schema: Mapping[str, Any], formats: Mapping[str, Callable[[str], bool]] | None = None
) -> Check:
    """Generate a function returning whether a value is valid against ``schema``.

    ``schema`` must have its ``$ref`` already inlined; ``formats`` maps format names to checkers.
    """
    generator = _Generator(formats or {})
    generator.emit(0, "def check(data):")
    generator.value(schema, "data", 1)
    generator.emit(1, "return True")
    namespace: dict[str, Any] = dict(generator.constants)
    exec(compile("\n".join(generator.lines), "<fastcheck>", "exec"), namespace)
    check: Check = namespace["check"]
    return check
