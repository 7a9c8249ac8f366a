"""Differential testing: the real destination code (Node) against ``reference_client``.

``python -m tools.differential`` fetches the published ``@segment/action-destinations`` package
from the npm registry (only its Ortto folders are used) with the runtime versions the vectors
were recorded with, then feeds both implementations the same random calls and the same scripted
Ortto answers over real HTTP, and compares every request byte and every result. It needs Node.js
and npm; it is not part of the default ``nox`` run (``nox -s differential``).
"""
