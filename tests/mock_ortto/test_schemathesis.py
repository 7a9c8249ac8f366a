"""schemathesis over every operation of the served document, in process (WSGI).

All default checks run. State is reset before every generated case, so a case never sees
what an earlier one left (faults, clock moves, rate counters).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from mock_ortto.app import create_app
from mock_ortto.config import ServerConfig, Settings
from tests.mock_ortto.conftest import KEY

APP = create_app(ServerConfig(settings=Settings(rate_limit=False)))
CLIENT = APP.test_client()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case: schemathesis.Case) -> None:
    CLIENT.post("/_mock/reset", json={})
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"})
