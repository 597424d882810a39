"""The hooks of tests/schemathesis/run, with the documented exceptions of exceptions.toml.

- `schema_valid_request_accepted`: `positive_data_acceptance` (schemathesis's own check: a
  request generated from the schema must not be refused), except a 400 that an `[[exception]]`
  lists for the operation: a documented rule the schema cannot express refuses it. An entry
  matches on `field` (the refusal's `details.field`), `details` (a key of `details`) or `issue`
  (the `code` of a zod issue in `details.issues`).
- `before_load_schema`: each `[[undocumented_value]]` is added to its enum for the run, so
  `response_schema_conformance` accepts that one value (and no other) where the docs say the
  state exists but do not state its wire string. The client's enums are open for that reason.
"""

import json
import pathlib
import tomllib

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

_CONFIG = tomllib.loads(
    (pathlib.Path(__file__).parent / "exceptions.toml").read_text(encoding="utf-8")
)
_EXCEPTIONS = _CONFIG["exception"]
_UNDOCUMENTED_VALUES = _CONFIG.get("undocumented_value", [])


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    """Adds each undocumented value the sandbox answers to its enum, for this run only."""
    schemas = raw_schema["components"]["schemas"]
    for entry in _UNDOCUMENTED_VALUES:
        values = schemas[entry["schema"]]["enum"]
        if entry["value"] not in values:
            values.append(entry["value"])


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
