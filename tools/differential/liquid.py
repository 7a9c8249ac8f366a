"""Liquid filters: ``@liquid`` through actions-core's ``transform`` vs the reference client.

``python -m tools.differential.liquid [--record FILE]`` renders a grid of templates (every filter
the runtime leaves enabled that an Ortto mapping is likely to use, against awkward values) with
both engines and prints the differences; ``--record`` writes the real engine's answers as a
regression fixture.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from reference_client.mapping import MappingError, transform
from tools.differential.__main__ import prepare

VALUES: dict[str, Any] = {
    "x": None, "s": "abc", "a": [1, 2], "o": {}, "b": True, "e": "", "f": 2.5, "g": -7,
    "h": "0x10", "i": " 12 ", "z": 0, "big": 1e21, "neg": -1.005, "dec": 1.005,
    "html": "<b>hi</b><!-- c --><script>x</script>&amp;", "words": "  one two\tthree ",
}  # fmt: skip
FILTERS = [
    "plus: 1", "minus: 2", "times: 3", "divided_by: 4", "divided_by: 0", "divided_by: 4, true",
    "modulo: 3", "modulo: -3", "abs", "at_least: 5", "at_most: 5", "ceil", "floor", "round",
    "round: 2", "upcase", "downcase", "capitalize", "append: '!'", "prepend: f",
    "remove: 'b'", "replace: 'b', 'X'", "split: 'b' | join: '-'", "size", "truncate: 3",
    "truncatewords: 1", "strip", "lstrip", "rstrip", "escape", "escape_once", "url_encode",
    "url_decode", "cgi_escape", "default: 'd'", "slice: 1", "slice: -2, 2", "first", "last",
    "json", "strip_html", "base64_encode", "join", "where: 'a'", "sum", "push: 1",
    "to_integer", "remove_first: 'b'", "replace_first: 'b', 'Y'", "number_of_words",
    "slugify", "xml_escape",
]  # fmt: skip
TEMPLATES = [f"{{{{ {key} | {name} }}}}" for key in [*VALUES, "nope"] for name in FILTERS]

NODE = """
const {transform} = require('@segment/actions-core')
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const out = input.templates.map((t) => {
  try { return transform({v: {'@liquid': t}}, input.values).v }
  catch (e) { return 'ERR ' + e.message }
})
process.stdout.write(JSON.stringify(out))
"""


def ours(template: str) -> str:
    """The reference client's rendering (errors as ``ERR <message>``)."""
    try:
        return str(transform({"v": {"@liquid": template}}, VALUES)["v"])
    except MappingError as error:
        return f"ERR {error.message}"


def main() -> int:
    """Render the grid with both engines; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path(".differential"))
    parser.add_argument("--record", type=Path, help="write the real answers as a fixture")
    args = parser.parse_args()
    harness = prepare(args.workdir.resolve())
    payload = json.dumps({"templates": TEMPLATES, "values": VALUES})
    done = subprocess.run(["node", "-e", NODE], input=payload, capture_output=True, text=True,
                          cwd=harness, check=True)  # fmt: skip
    real: list[str] = json.loads(done.stdout)
    differences = 0
    for template, expected in zip(TEMPLATES, real, strict=True):
        got = ours(template)
        if got != expected:
            differences += 1
            print(f"{template!r}: real {expected!r}, reference {got!r}")
    if args.record:
        cases = [{"template": t, "expected": e} for t, e in zip(TEMPLATES, real, strict=True)]
        args.record.write_text(json.dumps({"values": VALUES, "cases": cases}, indent=1) + "\n")
    print(f"liquid: {len(TEMPLATES)} templates, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
