"""Schemathesis against /api/v1/openapi.json: every documented operation, with generated valid
and invalid parameters, answers no 5xx and exactly what the document says (status, media type,
closed schemas). `make test` runs a bounded number of cases; `make fuzz-api` many more
(MITTA_FUZZ_EXAMPLES)."""
import os

import schemathesis
from hypothesis import HealthCheck, settings

from server import create_app

EXAMPLES = int(os.environ.get("MITTA_FUZZ_EXAMPLES", "40"))

# Built at collection: schemathesis' lazy fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app({"TESTING": True}))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_openapi_document(case):
    # identity: the WSGI transport hands schemathesis the raw body, which it cannot gunzip
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
