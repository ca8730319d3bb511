"""`Pipeline.rules` (what an audience counts per user) is the (rule, severity) set of
`Pipeline.findings` (what `check` reports), outcome by outcome.

`rules` counts the target's rules without messages or places and reuses the verdict of
the rules that read nothing per-user across users (`targets.RuleCounter`); it judges by
the file's suppressions and the config like `findings`. Each case renders many
Hypothesis-drawn users through one pipeline, so the shared verdicts are reused, on the
stock webhooks and on variants: suppressed rules (by line, next line and file),
severities changed and rules ignored by the config, flat update bodies, a delete, a
webhook whose ids go to another account, and odd bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rokt_braze.config import Config
from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import template_reads
from rokt_braze.pipeline import Pipeline, Settings
from rokt_braze.profiles import Profile
from rokt_braze.profiles.sample import sample_data
from rokt_braze.profiles.strategies import profiles
from rokt_braze.webhook import load_webhook

REPO = Path(__file__).resolve().parents[2]
CREATE = (REPO / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
UPDATE = (REPO / "templates" / "rokt-update-event.webhook.yaml").read_text(encoding="utf-8")
NOTIFY = '      "notifyBefore": "{{notifyBefore}}"'
EVENT_ID = '"eventId": "{{eventId}}_{{${user_id}}}"'


def changed(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


VARIANTS = {
    "create": CREATE,
    "update": UPDATE,
    # a line-level suppression of a rule found for every user, one of a per-user rule
    "disable-line": changed(CREATE, (NOTIFY,
                                     NOTIFY + "{% # rokt-braze: disable=rokt-notify-before %}")),
    "disable-next-line": changed(CREATE, (
        '"subscriptionIds"',
        '{% # rokt-braze: disable-next-line=rokt-subscription-ids %}\n  "subscriptionIds"')),
    "disable-file": changed(CREATE, ("{% capture eventId %}",
                                     "{% # rokt-braze: disable-file=rokt-notify-before %}"
                                     "{% capture eventId %}")),
    # per-user values in odd places: the title and the time zone from the user
    "user-values": changed(CREATE, ("{{eventTitle}}", "{{${first_name}}}"),
                           ("{% capture eventTZ %}Eastern Standard Time",
                            "{% capture eventTZ %}{{${time_zone}}}"),
                           ('"notifyBefore": "{{notifyBefore}}"',
                            '"notifyBefore": {{custom_attribute.${minutes} | default: 15}}')),
    # the legacy flat update body, with the ids it should not carry
    "flat-update": changed(UPDATE, ('  "event": {\n', ""), ("\n    }\n  }", (
        ',\n    "subscriptionIds": ["{{custom_attribute.${rokt:subscription_id} | join: \'","\'}}"]'
        "\n  }"))),
    # an eventId the user decides is empty for users without one
    "empty-event-id": changed(CREATE, (EVENT_ID, '"eventId": "{{${user_id}}}"')),
    # a delete that sends a body
    "delete": changed(CREATE, ("method: POST", "method: DELETE"), ("target: rokt.create_event",
                                                                   "target: rokt.delete_event")),
    # a title that breaks the JSON
    "not-json": changed(CREATE, ('"title": "{{eventTitle}}",', '"title": {{eventTitle}},')),
}
CONFIGS = {
    "default": Config(),
    "severities": Config(severity={"rokt-notify-before": Severity.ERROR,
                                   "rokt-subscription-ids": Severity.WARNING,
                                   "missing-attribute": None}),
    "ignored": Config(ignore={"rokt-required-field", "rokt-url"}),
}


def users(path: Path) -> st.SearchStrategy[list[dict[str, Any]]]:
    drawn = profiles(template_reads(load_webhook(path)))
    sample = st.just(sample_data())
    return st.lists(drawn | sample, min_size=1, max_size=12)


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rules_are_the_findings_pairs(variant: str, config: str, tmp_path: Path) -> None:
    path = tmp_path / f"{variant}.webhook.yaml"
    path.write_text(VARIANTS[variant], encoding="utf-8")
    settings_ = Settings(config=CONFIGS[config])

    @settings(max_examples=8, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(users(path))
    def agree(drawn: list[dict[str, Any]]) -> None:
        pipeline = Pipeline(load_webhook(str(path)), settings_)
        assert pipeline.template_findings() is not None
        for index, data in enumerate(drawn):
            outcome = pipeline.render(Profile(f"user-{index}", data))
            want = {(f.rule, f.severity) for f in pipeline.findings(outcome)}
            assert pipeline.rules(outcome) == want, (variant, data)

    agree()
