"""The pipeline: ONE path from (webhook, profile, resources) to findings.

`resources.Settings` assembles what a render needs (config, fixtures, profiles, a live
transport); `core.Pipeline` renders a webhook for a profile and turns the outcome into
findings (`policy`: severities, suppressions, de-duplication); `files` runs it over the
files `rokt_braze.discovery` finds.
`check`, `render`, `send`, `audience`, `fuzz`, the Python API and the pytest plugin all call
it and re-implement no step. How the work is scheduled is theirs.
"""

from rokt_braze.pipeline.core import Issue, Outcome, Pipeline, declared_target
from rokt_braze.pipeline.files import check_files
from rokt_braze.pipeline.policy import Policy, dedupe
from rokt_braze.pipeline.resources import Settings, build_resources, load_fixture_file

__all__ = [
    "Issue",
    "Outcome",
    "Pipeline",
    "Policy",
    "Settings",
    "build_resources",
    "check_files",
    "declared_target",
    "dedupe",
    "load_fixture_file",
]
