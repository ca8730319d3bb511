"""Every entry point tells the same truth: `check` and `audience` report the same
(rule, severity) set for each user, and `render`/`send` use the fixtures `check` uses.

Over the examples of docs/rules.md, the stock webhooks with Hypothesis-drawn users, and the
cases where the two used to disagree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rokt_braze
from rokt_braze.audience import run_audience
from rokt_braze.audience.check import Checker, Job
from rokt_braze.cli import main
from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import template_reads
from rokt_braze.pipeline import Settings
from rokt_braze.profiles import Profile, rokt
from rokt_braze.profiles.sample import sample_data
from rokt_braze.profiles.strategies import profiles
from rokt_braze.webhook import load_webhook

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "rules.md"
STOCK = sorted((REPO / "templates").glob("*.webhook.yaml"))
SECTION = re.compile(r"^## ([a-z-]+)\n(.*?)(?=^## |\Z)", re.M | re.S)
BLOCK = re.compile(r"^```yaml (fails|passes)\n(.*?)^```", re.M | re.S)

Pairs = set[tuple[str, Severity]]


def doc_examples() -> list[tuple[str, str]]:
    out = []
    for m in SECTION.finditer(DOC.read_text(encoding="utf-8")):
        out += [(f"{m.group(1)}-{kind}", text) for kind, text in BLOCK.findall(m.group(2))]
    return out


def by_check(path: Path, users: list[dict[str, Any]]) -> tuple[Pairs, list[Pairs]]:
    """(webhook-level pairs, per-user pairs) as `rokt_braze.check` reports them."""
    result = rokt_braze.check([path], profiles=users)
    assert not result.input_errors, result.input_errors
    names = [_name(u, i) for i, u in enumerate(users)]
    per_user = [{(f.rule, f.severity) for f in result.findings if f.profile == name}
                for name in names]
    webhook = {(f.rule, f.severity) for f in result.findings if not f.profile}
    return webhook, per_user


def _name(user: Mapping[str, Any], index: int) -> str:
    return str(user.get("external_id") or user.get("braze_id") or f"profile-{index + 1}")


def by_audience(path: Path, users: list[dict[str, Any]], tmp: Path) -> tuple[Pairs, list[Pairs]]:
    """The same, as an audience run sees it: the summary's webhook findings, and the
    per-user judgement of its fast path (what the summary counts)."""
    export = tmp / "export.jsonl"
    export.write_text("".join(json.dumps(u) + "\n" for u in users), encoding="utf-8")
    summary = run_audience(str(path), str(export), jobs=1)
    webhook = {(f.rule, f.severity) for f in summary.webhook_findings()}
    if not summary.parses:  # nobody is rendered, as in check
        assert summary.users == 0
        return webhook, [set() for _ in users]
    checker = Checker(Job(str(path), str(export)))
    per_user = [checker.check_user(Profile(_name(u, i), u, str(export))).rules
                for i, u in enumerate(users)]
    counted: dict[tuple[str, Severity], int] = {}
    for pairs in per_user:
        for pair in pairs:
            counted[pair] = counted.get(pair, 0) + 1
    assert {key: c.users for key, c in summary.rules.items()} == counted
    return webhook, per_user


def users_named(users: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**u, "external_id": f"user-{i}"} for i, u in enumerate(users)]


@pytest.mark.parametrize(("name", "text"), doc_examples(), ids=[n for n, _ in doc_examples()])
def test_docs_examples_agree(name: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text(text, encoding="utf-8")
    users = users_named([sample_data(), {}])
    assert by_check(path, users) == by_audience(path, users, tmp_path)


@pytest.mark.parametrize("stock", STOCK, ids=[p.name for p in STOCK])
def test_hypothesis_users_agree_on_the_stock_webhooks(stock: Path, tmp_path: Path) -> None:
    strategy = profiles(template_reads(load_webhook(stock)))

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(strategy, min_size=1, max_size=3))
    def agree(drawn: list[dict[str, Any]]) -> None:
        users = users_named(drawn)
        assert by_check(stock, users) == by_audience(stock, users, tmp_path)

    agree()


CASES = {
    # audience ignored inline suppressions
    "suppressed": ("rokt-create-event", "{% capture eventTZ %}Eastern Standard Time",
                   "{% # rokt-braze: disable-next-line=rokt-timezone %}\n"
                   "  {% capture eventTZ %}America/New_York"),
    # a rule's own severity (a warning where the catalog says error)
    "content-type-missing": ("rokt-create-event", "  Content-Type: application/json\n", ""),
    "timezone-case-only": ("rokt-create-event", "Eastern Standard Time",
                           "eastern standard time"),
    "end-null": ("rokt-create-event", '"end": "{{eventEnd}}"', '"end": null'),
    "subscription-ids-on-update": ("rokt-update-event", '"event": {',
                                   '"subscriptionIds": ["x"], "event": {'),
}


def stock_variant(tmp: Path, stem: str, old: str, new: str) -> Path:
    text = (REPO / "templates" / f"{stem}.webhook.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp / f"{stem}.webhook.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_former_disagreements(case: str, tmp_path: Path) -> None:
    path = stock_variant(tmp_path, *CASES[case])
    users = users_named([sample_data()])
    webhook, per_user = by_check(path, users)
    assert (webhook, per_user) == by_audience(path, users, tmp_path)
    if case == "suppressed":
        assert not any(rule == "rokt-timezone" for rule, _ in per_user[0])
    else:
        assert any(severity == Severity.WARNING for _, severity in per_user[0]), per_user


def test_a_failing_call_is_a_warning_in_both(tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text(
        "url: https://example.com/hook\nmethod: POST\n"
        "body: '{% connected_content https://example.com/api :save r %}{\"a\": 1}'\n"
        "connected_content:\n  - {url: 'https://example.com/api', status: 500, text: down}\n",
        encoding="utf-8")
    users = users_named([sample_data()])
    webhook, per_user = by_check(path, users)
    assert ("render-error", Severity.WARNING) in per_user[0]
    assert (webhook, per_user) == by_audience(path, users, tmp_path)


def test_a_retry_that_keeps_failing_is_not_an_abort(tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text(
        "url: https://example.com/hook\nmethod: POST\n"
        "headers:\n  Authorization: 'Bearer {% connected_content https://example.com/t "
        ":method post :save t :retry %}{{t.access_token}}'\n"
        "body: '{}'\n"
        "connected_content:\n  - {url: 'https://example.com/t', method: POST, status: 503}\n",
        encoding="utf-8")
    users = users_named([sample_data()])
    export = tmp_path / "e.jsonl"
    export.write_text(json.dumps(users[0]) + "\n", encoding="utf-8")
    summary = run_audience(str(path), str(export), jobs=1)
    assert summary.aborted_users == 0 and "aborted" not in summary.per_rule()
    assert by_check(path, users) == by_audience(path, users, tmp_path)


def test_the_event_id_probe_is_in_every_report(tmp_path: Path) -> None:
    path = stock_variant(tmp_path, "rokt-create-event", '"{{eventId}}_{{${user_id}}}"',
                         '"{{eventId}}"')
    users = users_named([sample_data(), sample_data()])
    webhook, _ = by_check(path, users)
    assert ("rokt-event-id", Severity.WARNING) in webhook
    assert by_audience(path, users, tmp_path)[0] == webhook


def test_render_and_send_use_the_config_fixtures(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "fixtures.yaml").write_text(
        "- {url: 'https://example.com/who', json: {name: from-config}}\n", encoding="utf-8")
    config = tmp_path / ".rokt-braze.toml"
    config.write_text('fixtures = ["fixtures.yaml"]\n', encoding="utf-8")
    path = tmp_path / "x.webhook.yaml"
    path.write_text(
        "url: https://example.com/hook\nmethod: POST\n"
        "headers:\n  Content-Type: application/json\n"
        "body: '{% connected_content https://example.com/who :save w %}{\"n\": \"{{w.name}}\"}'\n",
        encoding="utf-8")
    assert main(["render", str(path), "--config", str(config), "--as", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["body"] == '{"n": "from-config"}'
    result = rokt_braze.check([path], config=str(config))
    assert not [f for f in result.findings if f.rule == "connected-content-unmatched"]
    # the same resources object every entry point builds, through one function
    settings = Settings.make(rokt_braze.config.load_config(config))
    resources = settings.resources(None, load_webhook(path))
    assert resources.transport.send  # answered offline, from the config's file


def test_an_unknown_filter_hides_nothing_else(tmp_path: Path) -> None:
    """The typo is reported, and the render goes on past it as Braze's lax Liquid would:
    the impossible dates and the IANA time zone are reported too, saying how they were found,
    by check and audience alike."""
    path = stock_variant(tmp_path, "rokt-create-event", "{{eventTitle}}",
                         "{{eventTitle | json_escpe}}")
    text = path.read_text(encoding="utf-8")
    text = text.replace("{% capture eventStart %}2019-02-21T15:00:00",
                        "{% capture eventStart %}2019-02-30T15:00:00")
    text = text.replace("{% capture eventTZ %}Eastern Standard Time",
                        "{% capture eventTZ %}America/New_York")
    path.write_text(text, encoding="utf-8")
    users = users_named([sample_data()])
    result = rokt_braze.check([path], profiles=users)
    found = {f.rule: f for f in result.findings if f.profile}
    assert {"unknown-filter", "rokt-datetime", "rokt-timezone"} <= set(found)
    assert "rendered past the unknown filter" not in found["unknown-filter"].message
    assert "rendered past the unknown filter" in found["rokt-datetime"].message
    assert "Eastern Standard Time" in found["rokt-timezone"].message
    assert found["rokt-datetime"].line > 0  # positioned through the lenient render
    assert by_check(path, users) == by_audience(path, users, tmp_path)


def test_a_second_error_after_recovery_reports_the_first_only(tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text("url: https://example.com/hook\nmethod: POST\n"
                    "body: '{{ \"a\" | nosuch }}{% abort_message(\"stop\") %}'\n",
                    encoding="utf-8")
    users = users_named([sample_data()])
    _, per_user = by_check(path, users)
    assert {rule for rule, _ in per_user[0]} == {"unknown-filter"}
    assert by_check(path, users) == by_audience(path, users, tmp_path)


def test_cross_account_subscription_ids_are_reported_alike(tmp_path: Path) -> None:
    """A user subscribed to calendars of two accounts, as the fake Rokt pushes them: the
    stock create sends the second account's id to the first account's URL. check and
    audience both report it for that user only."""
    def subscription(sid: str, account: str, calendar: str) -> rokt.Subscription:
        return rokt.Subscription(subscription_id=sid, account_code=account,
                                 account_id=f"id-{account}", account_name=account,
                                 calendar_code=calendar, calendar_id=f"id-{calendar}",
                                 calendar_title=calendar)

    first = subscription("06423672-b6ba-4536-aa36-70788a7a0a36", "brazetest", "games")
    second = subscription("b3e1f7a2-5c4d-4e8f-9a6b-2d1c0e9f8a7b", "other-account", "news")
    one_account, two_accounts = sample_data(), sample_data()
    one_account["custom_attributes"] = rokt.custom_attributes([first])
    two_accounts["custom_attributes"] = rokt.custom_attributes([first, second])
    users = users_named([one_account, two_accounts])
    stock = REPO / "templates" / "rokt-create-event.webhook.yaml"
    webhook, per_user = by_check(stock, users)
    assert (webhook, per_user) == by_audience(stock, users, tmp_path)
    assert ("rokt-subscription-ids", Severity.ERROR) not in per_user[0]
    assert ("rokt-subscription-ids", Severity.ERROR) in per_user[1]
    [found] = [f for f in rokt_braze.check([stock], profiles=users).findings
               if f.rule == "rokt-subscription-ids"]
    assert found.profile == "user-1"
    assert "'other-account' (rokt:account_code[1]), not of 'brazetest'" in found.message
