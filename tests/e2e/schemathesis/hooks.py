"""Schemathesis hooks of the e2e suite `schemathesis` (tests/e2e/schemathesis.rs).

One check, in place of schemathesis's `positive_data_acceptance`: input the document
calls valid must not be refused for its form. The document can state a value's form
(type, pattern, length, enum, required fields) but not the rules that depend on the
data, the date or another field: a page past the last one, a month that has not ended
yet, `to` before `from`, a delegation starting in the past, a scheme without an
indicator. The API refuses those with 422 `validation_failed`, each field error with a
`reason` (architecture.md: HTTP conventions), and the document names them in words.
So a 422 whose every reason is such a rule is not a mismatch, nor is a 422 of a code of
its own (`invalid_verification_code`: a code that is wrong or expired); a refusal for a reason a
schema states is, and so is any other refusal of valid input that is not about who asks
(401, 403), what exists (404), the current state (409), a lock-out (423) or a rate
limit (429).
"""

import json

import schemathesis

# Reasons a schema states: a value of the wrong type or form, missing, blank, too short
# or too long, or a property the schema does not have. (`invalid` is left out: the API
# gives it to a value a rule refuses, such as weights that do not add up to 1.)
REASONS_OF_FORM = {
    "required",
    "invalid_type",
    "invalid_format",
    "too_short",
    "too_long",
    "unknown_field",
}

# Refusals that are not about the input's form.
NOT_ABOUT_THE_INPUT = {401, 403, 404, 409, 423, 429}


def _problem(response):
    try:
        problem = json.loads(response.content)
    except ValueError:
        return None
    return problem if isinstance(problem, dict) else None


def _reasons(response):
    problem = _problem(response)
    errors = problem.get("errors") if isinstance(problem, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    return [error.get("reason") for error in errors if isinstance(error, dict)]


@schemathesis.check
def valid_input_is_refused_only_by_stated_rules(ctx, response, case):
    """Valid input is accepted unless a rule beyond the schema refuses it."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in NOT_ABOUT_THE_INPUT:
        return None
    if status == 422:
        problem = _problem(response)
        # A 422 of its own code is a rule on the data the document names by that code
        # (a wrong or expired verification code: `invalid_verification_code`).
        if problem and problem.get("code") not in (None, "validation_failed"):
            return None
        reasons = _reasons(response)
        if reasons and not REASONS_OF_FORM.intersection(reasons):
            return None
        raise AssertionError(
            "Valid data was refused for its form "
            f"(reasons {reasons}): the document and the server disagree on it"
        )
    raise AssertionError(f"Valid data was refused with {status}")
