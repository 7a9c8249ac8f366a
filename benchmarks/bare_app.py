"""The ceiling: a bare Flask app that parses the JSON array and answers ``{"errors": []}``.

``gunicorn benchmarks.bare_app:app`` serves it on gunicorn;
``python -m benchmarks.bare_app PORT [THREADS]`` serves it on waitress.
"""

from __future__ import annotations

import json
import sys

from flask import Flask, Response, request

app = Flask("bare")


@app.route("/v1/identify", methods=["POST"])
@app.route("/v1/track", methods=["POST"])
@app.route("/v1/audiences/members", methods=["PUT"])
def batch() -> Response:
    """Parse the body (it must be a JSON array) and accept every item."""
    body = json.loads(request.get_data())
    if not isinstance(body, list):
        return Response('{"error":"array expected"}', status=400, mimetype="application/json")
    return Response('{"errors":[]}', mimetype="application/json")


if __name__ == "__main__":
    from waitress import serve

    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=threads, _quiet=True)
