"""`check`: every template file named by some paths, through the pipeline, into one result.

Per file: load -> template findings (parse errors, lint) -> for each profile: render ->
findings; then the eventId probe, once. An input problem in one file (unreadable, bad
YAML, bad profiles) is reported and the other files still run; a file's template findings
stand whatever its profiles and fixtures do, and a problem many files share (the caller's
profile file, a config fixture file) is reported once.
"""

from __future__ import annotations

from collections.abc import Sequence

from rokt_braze.errors import InputError
from rokt_braze.findings import CheckResult
from rokt_braze.pipeline.core import Pipeline
from rokt_braze.pipeline.policy import cap, dedupe
from rokt_braze.pipeline.resources import Settings
from rokt_braze.webhook import Webhook, load_webhook

__all__ = ["check_files"]


def check_files(files: Sequence[str | Webhook], settings: Settings) -> CheckResult:
    """Every finding of every file; a file that cannot be read is an input error.

    A file is a path, or a webhook already loaded (the language server's unsaved text)."""
    paths = [f if isinstance(f, str) else f.path for f in files]
    result = CheckResult(findings=[], files=paths, cases=[])
    assert result.cases is not None
    for item in files:
        pipeline = None
        try:
            webhook = load_webhook(item) if isinstance(item, str) else item
            pipeline = Pipeline(webhook, settings)
            for profile, findings in pipeline.check():
                if profile:
                    result.renders += 1
                    result.cases.append((pipeline.webhook.path, profile))
                result.findings += findings
        except InputError as err:
            if pipeline is not None:  # what the file says of itself, before any render
                result.findings += pipeline.template_findings()
            if str(err) not in result.input_errors:
                result.input_errors.append(str(err))
    result.findings = cap(dedupe(result.findings), settings.config.max_findings_per_rule)
    return result
