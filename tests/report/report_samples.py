"""A hand-built CheckResult shared by the formatter tests.

Two template files, three profiles, every severity, positions with and without line and
column, and messages holding the characters each format must escape.
"""

from __future__ import annotations

from rokt_braze.findings import CheckResult, Finding, Severity

CREATE = "templates/create.webhook.yaml"
UPDATE = "templates/sub dir/update.webhook.yaml"
CLEAN = "templates/clean.liquid"

#: In a deliberately scrambled order: formatters must sort, not trust the input.
NOTICE = Finding("aborted", Severity.INFO, "abort_message fired: opted out", UPDATE,
                 4, 3, "body", "opted-out")
WARN_NO_POS = Finding("rokt-unknown-field", Severity.WARNING, "key \"colour\" is not defined",
                      CREATE, 0, 0, "body", "")
ERR_TZ = Finding("rokt-timezone", Severity.ERROR,
                 "100% wrong: \"Europe/Paris\", use: W. Europe Standard Time\r\nsee docs",
                 CREATE, 12, 22, "body", "sample-subscriber")
ERR_LINE_ONLY = Finding("rokt-url", Severity.ERROR, "account code | empty", UPDATE,
                        2, 0, "url", "sample-subscriber")
WARN_PROFILE = Finding("missing-attribute", Severity.WARNING,
                       "${first_name} is not set <for this profile>", CREATE, 9, 15, "body",
                       "opted-out")

FINDINGS = [NOTICE, WARN_NO_POS, ERR_TZ, ERR_LINE_ONLY, WARN_PROFILE]
CASES = [(CREATE, "sample-subscriber"), (CREATE, "opted-out"),
         (UPDATE, "sample-subscriber"), (UPDATE, "opted-out")]


def sample_result(**changes: object) -> CheckResult:
    result = CheckResult(findings=list(FINDINGS), files=[CREATE, UPDATE, CLEAN], renders=4,
                         cases=list(CASES))
    for key, value in changes.items():
        setattr(result, key, value)
    return result
