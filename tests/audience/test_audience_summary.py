"""The audience summary over a generated export with seeded bad users."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    CREATE,
    MALFORMED_AFTER,
    NO_SUBSCRIPTION,
    QUOTED,
    STRING_TYPED,
    USERS,
    line_of,
    make_user,
    seeded_users,
    user_id,
    write_jsonl,
)

from rokt_braze.audience import run_audience
from rokt_braze.audience.summary import Summary
from rokt_braze.config import Config
from rokt_braze.errors import InputError
from rokt_braze.findings import Severity, fails
from rokt_braze.report.audience_text import text_lines


def ids(numbers: tuple[int, ...]) -> list[str]:
    return [user_id(n) for n in numbers[:3]]


def sourceless(rules: object) -> object:
    """A report's rules without the file names (to compare the same users in other files)."""
    if isinstance(rules, list):
        return [sourceless(r) for r in rules]
    if isinstance(rules, dict):
        return {k: sourceless(v) for k, v in rules.items() if k != "source"}
    return rules


def examples(summary: Summary, rule: str) -> list[str]:
    return [e.user for e in summary.per_rule()[rule].examples]


def test_each_seeded_class_is_counted_with_its_first_users(
    export: Path, webhook: Callable[..., Path]
) -> None:
    summary = run_audience(str(webhook()), str(export), jobs=1)
    assert summary.users == USERS
    assert set(summary.per_rule()) == {"rokt-subscription-ids", "missing-attribute",
                                  "body-json-invalid", "rokt-url"}
    # no subscription left: the join renders [""], and the attribute is missing
    assert summary.per_rule()["rokt-subscription-ids"].users == len(NO_SUBSCRIPTION)
    assert examples(summary, "rokt-subscription-ids") == ids(NO_SUBSCRIPTION)
    assert summary.per_rule()["missing-attribute"].users == len(NO_SUBSCRIPTION)
    assert summary.per_rule()["missing-attribute"].severity == Severity.WARNING
    assert examples(summary, "missing-attribute") == ids(NO_SUBSCRIPTION)
    # a quote in the name, written into the title without json_escape, breaks the JSON
    assert summary.per_rule()["body-json-invalid"].users == len(QUOTED)
    assert examples(summary, "body-json-invalid") == ids(QUOTED)
    # a string where Rokt writes an array: [0] of a string is nil, the account code empty
    assert summary.per_rule()["rokt-url"].users == len(STRING_TYPED)
    assert examples(summary, "rokt-url") == ids(STRING_TYPED)
    affected = set(NO_SUBSCRIPTION) | set(QUOTED) | set(STRING_TYPED)
    assert summary.users_with_findings == len(affected)
    assert summary.share(summary.per_rule()["rokt-url"].users) == pytest.approx(2 / 30)
    assert not summary.collisions and summary.colliding_ids == 0


def test_examples_carry_the_export_line_and_the_template_position(
    export: Path, webhook: Callable[..., Path]
) -> None:
    path = webhook()
    summary = run_audience(str(path), str(export), jobs=1)
    first = summary.per_rule()["rokt-subscription-ids"].examples[0]
    assert first.line == line_of(NO_SUBSCRIPTION[0])
    lines = path.read_text().splitlines()
    row = next(i for i, text in enumerate(lines, 1) if '"subscriptionIds"' in text)
    # the empty string the join rendered, i.e. the quote after "["
    assert first.position == (row, lines[row - 1].index('["') + 2)
    assert first.field == "body"
    late = summary.per_rule()["rokt-url"].examples[1]  # user 26 comes after the malformed line
    assert (late.user, late.line) == (user_id(26), line_of(26))
    assert "account code is empty" in summary.per_rule()["rokt-url"].examples[0].message


def test_a_malformed_line_is_reported_with_its_number_and_the_rest_counted(
    export: Path, webhook: Callable[..., Path]
) -> None:
    summary = run_audience(str(webhook()), str(export), jobs=1)
    assert summary.malformed_count == 1
    [(source, line, column, message)] = summary.malformed
    # the line is '{"external_id": "broken", ': the next key is missing, past the comma
    assert (source, line, column) == (str(export), MALFORMED_AFTER + 1, 26)
    assert message == "invalid JSON: Expecting property name enclosed in double quotes"
    assert summary.users == USERS


def test_jobs_1_and_2_give_identical_summaries(
    export: Path, webhook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", 4096)  # many chunks
    path = webhook(event_id="Reminder_{{${first_name}}}")  # collisions too
    one = run_audience(str(path), str(export), jobs=1)
    two = run_audience(str(path), str(export), jobs=2)
    assert one.to_dict() == two.to_dict()
    assert one.colliding_ids > 0


@pytest.mark.parametrize("batch", [1, 4])
def test_checking_users_in_batches_changes_nothing(
    export: Path, webhook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    batch: int,
) -> None:
    """Users are checked a batch at a time, a stage at a time; one at a time, or in
    batches that do not divide the export (30 users, a malformed line), must give the
    same summary, examples, collisions and failing users as the default batch."""
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", 4096)  # several chunks
    path = webhook(event_id="Reminder_{{${first_name}}}")  # collisions too
    default = run_audience(str(path), str(export), jobs=1, failing_users=tmp_path / "a.jsonl")
    monkeypatch.setattr("rokt_braze.audience.check.BATCH", batch)
    other = run_audience(str(path), str(export), jobs=1, failing_users=tmp_path / "b.jsonl")
    assert other.to_dict() == default.to_dict()
    assert default.colliding_ids > 0 and default.users_with_findings > 0
    assert (tmp_path / "b.jsonl").read_text() == (tmp_path / "a.jsonl").read_text() != ""


def test_settling_the_garbage_collector_is_undone_after_the_run(
    export: Path, webhook: Callable[..., Path]
) -> None:
    """The command line's `settle_gc` freezes what is loaded and collects less often
    during the run only: a library caller's process is left as it was, even on an error."""
    before = gc.get_threshold(), gc.get_freeze_count()
    summary = run_audience(str(webhook()), str(export), jobs=1, settle_gc=True)
    assert summary.users == USERS
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    empty = export.with_name("empty.jsonl")
    empty.write_text("\n")
    with pytest.raises(InputError, match="empty file"):  # found by a worker, during the run
        run_audience(str(webhook()), str(empty), jobs=1, settle_gc=True)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_the_specialised_render_changes_nothing(
    export: Path, webhook: Callable[..., Path]
) -> None:
    for path in (webhook(), CREATE):
        fast = run_audience(str(path), str(export), jobs=1)
        plain = run_audience(str(path), str(export), jobs=1, specialise=False)
        assert fast.to_dict() == plain.to_dict()


def test_gzip_and_json_array_inputs_read_like_json_lines(
    tmp_path: Path, webhook: Callable[..., Path]
) -> None:
    users = seeded_users()
    path = str(webhook())
    reference = run_audience(path, str(write_jsonl(tmp_path / "a.jsonl", users)), jobs=1)
    gz = run_audience(path, str(write_jsonl(tmp_path / "a.jsonl.gz", users, gz=True)), jobs=1)
    assert sourceless(gz.to_dict()["rules"]) == sourceless(reference.to_dict()["rules"])
    array = tmp_path / "export.json"
    array.write_text("[\n" + ",\n".join(json.dumps(u) for u in users) + "\n]\n")
    from_array = run_audience(path, str(array), jobs=2)
    assert from_array.users == USERS
    def counts(summary: Summary) -> dict[str, tuple[int, list[str]]]:
        return {r: (c.users, [e.user for e in c.examples]) for r, c in summary.per_rule().items()}

    assert counts(from_array) == counts(reference)
    # element n starts on line n + 1 (the "[" is line 1)
    first = from_array.per_rule()["rokt-url"].examples[0]
    assert first.line == STRING_TYPED[0] + 1


def test_the_users_export_envelope_is_read_too(tmp_path: Path) -> None:
    users = [make_user(n) for n in (1, 2, 5)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"users": users, "message": "success"}))
    summary = run_audience(str(CREATE), str(path), jobs=1)
    assert summary.users == 3
    assert examples(summary, "rokt-subscription-ids") == [user_id(5)]


def test_a_broken_array_stops_where_it_breaks(tmp_path: Path) -> None:
    users = [json.dumps(make_user(n)) for n in (1, 2, 3)]
    path = tmp_path / "export.json"
    path.write_text("[\n" + users[0] + ",\n" + users[1] + ",\n{broken\n" + users[2] + "]")
    summary = run_audience(str(CREATE), str(path), jobs=1)
    assert summary.users == 2
    assert summary.malformed == [(str(path), 4, 2, "invalid JSON: Expecting property name "
                                                   "enclosed in double quotes")]


def test_colliding_event_ids_are_named_with_their_users(
    tmp_path: Path, webhook: Callable[..., Path]
) -> None:
    names = ["Ann", "Bob", "Ann", "Cy", "Bob", "Ann", "Ann", "Dee"]
    users = [make_user(n, first_name=name, seeded=False) for n, name in enumerate(names, 1)]
    export = write_jsonl(tmp_path / "u.jsonl", users)
    summary = run_audience(str(webhook(event_id="Reminder_{{${first_name}}}")), str(export),
                           jobs=1)
    assert summary.colliding_ids == 2  # Ann x4, Bob x2
    assert summary.colliding_users == 6
    ann, bob = summary.collisions
    assert (ann.event_id, ann.users) == ("Reminder_Ann", 4)
    assert [(e.user, e.line) for e in ann.examples] == [(user_id(1), 1), (user_id(3), 3),
                                                         (user_id(6), 6)]
    assert (bob.event_id, bob.users) == ("Reminder_Bob", 2)
    assert [e.user for e in bob.examples] == [user_id(2), user_id(5)]
    assert summary.worst() == Severity.WARNING  # rokt-event-id
    assert fails(summary.worst(), Severity.WARNING)
    assert not fails(summary.worst(), Severity.ERROR)


def test_only_the_largest_collisions_are_named(
    tmp_path: Path, webhook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rokt_braze.audience.collide.MAX_COLLISIONS", 1)
    names = ["Bob", "Ann", "Ann", "Bob", "Ann"]
    users = [make_user(n, first_name=name, seeded=False) for n, name in enumerate(names, 1)]
    export = write_jsonl(tmp_path / "u.jsonl", users)
    summary = run_audience(str(webhook(event_id="Reminder_{{${first_name}}}")), str(export),
                           jobs=1)
    assert [(c.event_id, c.users) for c in summary.collisions] == [("Reminder_Ann", 3)]
    text = "\n".join(text_lines(summary))
    assert "2 eventIds shared by 5 users" in text
    assert "... and 1 more eventIds" in text


def test_the_stock_template_gives_every_user_their_own_event_id(
    export: Path,
) -> None:
    summary = run_audience(str(CREATE), str(export), jobs=1)
    assert summary.colliding_ids == 0
    assert "body-json-invalid" not in summary.per_rule()  # the stock body writes no names


def test_aborted_users_are_listed_with_the_reason(
    export: Path, webhook: Callable[..., Path]
) -> None:
    prelude = ("{% if custom_attribute.${rokt:subscription_id} == blank %}"
               "{% abort_message('no subscription left') %}{% endif %}")
    summary = run_audience(str(webhook(prelude=prelude)), str(export), jobs=1)
    assert summary.aborted_users == len(NO_SUBSCRIPTION)
    [group] = summary.aborted.values()
    assert group.reason == "no subscription left"
    assert [e.user for e in group.examples] == ids(NO_SUBSCRIPTION)
    assert summary.per_rule()["aborted"].users == len(NO_SUBSCRIPTION)
    assert summary.per_rule()["aborted"].severity == Severity.INFO
    assert "rokt-subscription-ids" not in summary.per_rule()  # nothing is sent to them


def test_config_severities_and_ignores_apply(export: Path, webhook: Callable[..., Path]) -> None:
    config = Config(ignore={"missing-attribute"}, severity={"rokt-url": Severity.WARNING})
    summary = run_audience(str(webhook()), str(export), jobs=1, config=config)
    assert "missing-attribute" not in summary.per_rule()
    assert summary.per_rule()["rokt-url"].severity == Severity.WARNING


def test_a_webhook_that_does_not_parse_renders_nobody(tmp_path: Path, export: Path) -> None:
    path = tmp_path / "bad.webhook.yaml"
    path.write_text('url: "https://api.roktcalendar.com/v1/subscriptionevent/x"\n'
                    'body: "{% if %}"\n')
    summary = run_audience(str(path), str(export), jobs=1)
    assert summary.users == 0
    assert [f.rule for f in summary.template_findings] == ["liquid-syntax"]
    assert fails(summary.worst(), Severity.ERROR)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01binary", "binary file"), (b"\n\n", "empty file"),
     (b"\x1f\x8bnot really gzip", "gzip")],
)
def test_an_unreadable_export_is_an_input_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "users.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        run_audience(str(CREATE), str(path), jobs=1)
    assert str(path) in str(err.value)


def test_a_missing_export_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        run_audience(str(CREATE), str(tmp_path / "nope.jsonl"), jobs=1)


def test_an_export_of_only_blank_lines_and_arrays_holds_no_users(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text('"just text"\n\n[1, 2]\n')
    summary = run_audience(str(CREATE), str(path), jobs=1)
    assert summary.users == 0
    assert summary.malformed == [(str(path), 1, 1, "not a JSON object (got string)"),
                                 (str(path), 3, 1, "not a JSON object (got array)")]


def test_an_array_of_non_objects_reports_each_element(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("[1,\n null]")
    summary = run_audience(str(CREATE), str(path), jobs=1)
    assert summary.malformed == [(str(path), 1, 2, "not a JSON object (got number)"),
                                 (str(path), 2, 2, "not a JSON object (got null)")]


def test_an_empty_array_holds_no_users(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(" [ ] ")
    with pytest.raises(InputError, match="contains no users"):
        run_audience(str(CREATE), str(path), jobs=1)


def test_a_record_of_the_wrong_shape_is_a_malformed_line(tmp_path: Path) -> None:
    bad = make_user(2, seeded=False) | {"custom_attributes": ["not", "a", "mapping"]}
    export = write_jsonl(tmp_path / "u.jsonl", [make_user(1, seeded=False), bad])
    summary = run_audience(str(CREATE), str(export), jobs=1)
    assert summary.users == 1
    key = json.dumps(bad).index('"custom_attributes"') + 1  # at the key, as check puts it
    assert summary.malformed == [
        (str(export), 2, key, "custom_attributes must be a mapping, got list")]


def test_a_user_with_own_fixtures_is_rendered_with_them(tmp_path: Path) -> None:
    # the user's own answer for the OAuth call wins over the built-in one: no token
    refused = {"url": "https://api.roktcalendar.com/oauth2/token", "method": "POST",
               "status": 401, "json": {"error": "invalid_client"}}
    users = [make_user(1, seeded=False),
             make_user(2, seeded=False) | {"connected_content": [refused]},
             make_user(3, seeded=False)]
    export = write_jsonl(tmp_path / "u.jsonl", users)
    summary = run_audience(str(CREATE), str(export), jobs=1)
    assert {rule: [e.user for e in c.examples] for rule, c in summary.per_rule().items()} == {
        "header-invalid": [user_id(2)], "render-error": [user_id(2)],
        "rokt-notify-before": [user_id(1), user_id(2), user_id(3)]}  # the stock string
    assert "answered 401" in summary.per_rule()["render-error"].examples[0].message
