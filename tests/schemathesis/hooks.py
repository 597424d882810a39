"""The schema-valid-request check of tests/schemathesis/run, with the documented exceptions.

`positive_data_acceptance` (schemathesis's own check: a request generated from the schema must
not be refused), except a 400 that exceptions.toml lists for the operation: a documented rule
the schema cannot express refuses it. An entry matches on `field` (the refusal's
`details.field`), `details` (a key of `details`) or `issue` (the `code` of a zod issue in
`details.issues`).
"""

import json
import pathlib
import tomllib

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

_EXCEPTIONS = tomllib.loads(
    (pathlib.Path(__file__).parent / "exceptions.toml").read_text(encoding="utf-8")
)["exception"]


def _details(response):
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    details = body.get("details") if isinstance(body, dict) else None
    return details if isinstance(details, dict) else {}


def _matches(entry, details):
    if "field" in entry:
        return details.get("field") == entry["field"]
    if "details" in entry:
        return entry["details"] in details
    if "issue" in entry:
        issues = details.get("issues")
        return isinstance(issues, list) and any(
            isinstance(i, dict) and i.get("code") == entry["issue"] for i in issues
        )
    return False


@schemathesis.check
def schema_valid_request_accepted(ctx, response, case):
    """A schema-valid request is not refused, except by a documented rule (exceptions.toml)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 400:
            operation_id = case.operation.definition.raw.get("operationId")
            details = _details(response)
            if any(
                e["operation"] == operation_id and _matches(e, details) for e in _EXCEPTIONS
            ):
                return None
        raise
