"""`rokt-braze audience` from the command line: formats, exit statuses, progress."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CREATE, NO_SUBSCRIPTION, USERS, make_user, user_id, write_jsonl

from rokt_braze.audience.progress import Progress
from rokt_braze.cli import main


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """Users the stock template has nothing against but its notifyBefore string (a
    warning every render gets)."""
    return write_jsonl(tmp_path / "clean.jsonl",
                       [make_user(n, seeded=False) for n in range(1, 6)])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["audience", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_format_shape(
    capsys: pytest.CaptureFixture[str], export: Path, webhook: Callable[..., Path]
) -> None:
    status, out, _ = run(capsys, str(webhook()), "--profiles", str(export), "--jobs", "1",
                         "--format", "json")
    report = json.loads(out)
    assert status == 2  # the malformed line
    assert report["version"] == 1
    assert report["target"] == "rokt.create_event"
    assert report["summary"] == {"users": USERS, "users_with_findings": 8, "aborted": 0,
                                 "colliding_event_ids": 0, "malformed_lines": 1}
    rules = {r["rule"]: r for r in report["rules"]}
    subs = rules["rokt-subscription-ids"]
    assert subs["severity"] == "error"
    assert subs["users"] == len(NO_SUBSCRIPTION)
    assert subs["share"] == pytest.approx(len(NO_SUBSCRIPTION) / USERS, abs=1e-6)
    assert [e["user"] for e in subs["examples"]] == [user_id(n) for n in NO_SUBSCRIPTION[:3]]
    example = subs["examples"][0]
    assert set(example) == {"user", "source", "line", "message", "field", "position"}
    assert example["source"] == str(export)
    assert set(example["position"]) == {"line", "column"}
    assert report["malformed"]["lines"] == 1
    assert report["malformed"]["first"][0] == {
        "source": str(export), "line": 16, "column": 26,
        "message": "invalid JSON: Expecting property name enclosed in double quotes"}
    assert set(report["collisions"]) == {"rule", "severity", "event_ids", "users", "groups"}
    assert set(report["aborted"]) == {"users", "reasons", "other_reasons_users"}


def test_text_report_lists_rules_examples_and_malformed_lines(
    capsys: pytest.CaptureFixture[str], export: Path, webhook: Callable[..., Path]
) -> None:
    status, out, err = run(capsys, str(webhook()), "--profiles", str(export), "-j", "2")
    assert status == 2
    assert "rokt-subscription-ids" in out
    assert f"{user_id(5)}, {user_id(9)}, {user_id(14)}" in out
    assert f"    {export}:16:26: invalid JSON: Expecting property name" in out
    assert "1 malformed line skipped" in err
    assert "\r" not in err  # stderr is not a terminal: no progress bar


@pytest.mark.parametrize(
    ("fail_on", "expected"), [(None, 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_exit_status_follows_fail_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, webhook: Callable[..., Path],
    fail_on: str | None, expected: int,
) -> None:
    # colliding eventIds are warnings (rokt-event-id): below the default fail level
    export = write_jsonl(tmp_path / "u.jsonl", [make_user(n, seeded=False) for n in (1, 2)])
    args = [str(webhook(event_id="Constant")), "--profiles", str(export), "-j", "1"]
    if fail_on:
        args += ["--fail-on", fail_on]
    status, out, _ = run(capsys, *args)
    assert status == expected
    assert "'Constant'" in out
    assert out.rstrip().endswith("2 share their eventId with another user.")


def test_exit_status_0_when_everyone_passes(
    capsys: pytest.CaptureFixture[str], clean: Path, webhook: Callable[..., Path]
) -> None:
    status, out, err = run(capsys, str(webhook()), "--profiles", str(clean))
    assert status == 0
    assert "All 5 users passed." in out
    assert err == ""


def test_exit_status_0_when_every_user_has_only_the_stock_warning(
    capsys: pytest.CaptureFixture[str], clean: Path
) -> None:
    """The stock template sends notifyBefore as a string: a warning for every user, which
    does not fail the run (the default --fail-on is error)."""
    status, out, err = run(capsys, str(CREATE), "--profiles", str(clean), "--format", "json")
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert report["summary"]["users_with_findings"] == 5
    assert [(r["rule"], r["severity"], r["users"]) for r in report["rules"]] == [
        ("rokt-notify-before", "warning", 5)]
    status, out, _ = run(capsys, str(CREATE), "--profiles", str(clean), "--fail-on", "warning")
    assert status == 1
    assert "Problems for 5 of 5 users (100.0%)." in out


def test_exit_status_1_on_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "u.jsonl", [make_user(n) for n in (4, 5)])
    status, out, _ = run(capsys, str(CREATE), "--profiles", str(export))
    assert status == 1
    assert "Problems for 2 of 2 users (100.0%)." in out  # one error, and the stock warning
    assert out.count("rokt-subscription-ids") >= 1


def test_report_to_a_file(capsys: pytest.CaptureFixture[str], clean: Path,
                          tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    status, out, _ = run(capsys, str(CREATE), "--profiles", str(clean), "--format", "json",
                         "-o", str(target))
    assert status == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["users"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.webhook.yaml", "--profiles", "CLEAN"], "missing.webhook.yaml"),
        ([str(CREATE), "--profiles", "missing.jsonl"], "missing.jsonl: cannot read"),
        ([str(CREATE), "--profiles", "CLEAN", "--config", "missing.toml"], "missing.toml"),
    ],
)
def test_input_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], clean: Path, args: list[str], message: str
) -> None:
    args = [str(clean) if a == "CLEAN" else a for a in args]
    status, _, err = run(capsys, *args)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_bad_jobs_is_a_usage_error(capsys: pytest.CaptureFixture[str], clean: Path,
                                   jobs: str) -> None:
    assert main(["audience", str(CREATE), "--profiles", str(clean), "--jobs", jobs]) == 2
    assert "--jobs" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_wipes_itself() -> None:
    stream = _Terminal()
    progress = Progress(stream)
    progress.started -= 10  # ten seconds for half the export
    progress.update(10, 500, 1000)
    drawn = stream.getvalue()
    assert drawn.startswith("\r[")
    assert "50%" in drawn and "10 users" in drawn and "1/s" in drawn
    assert "ETA 0:10" in drawn
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.update(10, 500, 1000)
    progress.close()
    assert stream.getvalue() == ""


def test_no_progress_when_asked(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], clean: Path) -> None:
    made: list[Progress] = []

    class Spy(Progress):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr("rokt_braze.audience.progress.Progress", Spy)
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert main(["audience", str(CREATE), "--profiles", str(clean), "--no-progress"]) == 0
    assert made and not made[0].enabled
    main(["audience", str(CREATE), "--profiles", str(clean)])
    assert made[1].enabled  # a terminal, not refused


def test_an_export_of_only_malformed_lines_does_not_say_users_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "bad.jsonl"
    export.write_text('{"external_id": 5, "custom_attributes": "x"}\n{bad json\n',
                      encoding="utf-8")
    code = main(["audience", str(CREATE), "--profile", str(export)])
    out = capsys.readouterr().out
    assert code == 2
    assert "passed" not in out
    assert "No user could be checked" in out


# -- --failing-users is replaced only by a finished run ---------------------------------------


def test_failing_users_from_an_unreadable_export_keeps_the_previous_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, webhook: Callable[..., Path]
) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    previous = tmp_path / "failing.csv"
    previous.write_text("external_id,source,line,rules\nuser-7,old.jsonl,3,rokt-url\n")
    status, _, err = run(capsys, str(webhook()), "--profiles", str(tmp_path / "empty.jsonl"),
                         "--failing-users", str(previous))
    assert status == 2
    assert "empty file" in err
    assert previous.read_text() == "external_id,source,line,rules\nuser-7,old.jsonl,3,rokt-url\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl", "failing.csv",
                                                          "personal.webhook.yaml"]


def test_an_interrupted_run_leaves_no_partial_failing_users_list(
    tmp_path: Path, export: Path, webhook: Callable[..., Path]
) -> None:
    """A half-written list imported into Braze would exclude only some failing users."""
    from rokt_braze.audience import run_audience

    target = tmp_path / "failing.jsonl"

    def interrupt(users: int, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audience(str(webhook()), str(export), jobs=1, failing_users=str(target),
                     on_progress=interrupt)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if "failing" in p.name]


def test_a_finished_run_writes_failing_users_in_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, export: Path,
    webhook: Callable[..., Path]
) -> None:
    target = tmp_path / "failing.jsonl"
    target.write_text("stale\n")
    status, _, _ = run(capsys, str(webhook()), "--profiles", str(export), "--jobs", "1",
                       "--failing-users", str(target))
    assert status == 2  # the export's malformed line; the users it could read are listed
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(rows) == 8
    assert [p.name for p in tmp_path.iterdir() if "failing" in p.name] == ["failing.jsonl"]


def test_an_unreachable_object_store_is_an_input_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    webhook: Callable[..., Path]
) -> None:
    """botocore's connection errors are not OSErrors: they were an internal error (exit 3)."""
    import socket

    s3fs = pytest.importorskip("s3fs", reason="needs rokt-braze[scale]")
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    s3fs.S3FileSystem.clear_instance_cache()  # an instance cached by another test knows no env
    try:
        status, _, err = run(capsys, str(webhook()), "--profiles", "s3://exports/users.jsonl")
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
    assert status == 2
    assert err.startswith("rokt-braze: s3://exports/users.jsonl: cannot list: ")
    assert "internal error" not in err and err.count("\n") == 1


@pytest.mark.parametrize("line", [
    b'{"external_id": "u2", oops}',
    b'   {"external_id": "u2",\t"x": tru}',  # indented: columns count from the line's start
    b'{"external_id": [1, 2',
    b'  42',  # not an object: at its first character
    b'{"external_id": "u2", "custom_attributes": [1, 2]}',  # a record's shape: at the key
])
def test_a_malformed_line_is_placed_as_check_places_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, line: bytes
) -> None:
    """`file:line:col: message`, the place and words `check --profile` gives the same file."""
    export = tmp_path / "users.jsonl"
    export.write_bytes(json.dumps(make_user(1, seeded=False)).encode() + b"\n" + line + b"\n")
    assert main(["check", str(CREATE), "--profile", str(export)]) == 2
    by_check = capsys.readouterr().err.removeprefix("rokt-braze: ").strip()
    assert by_check.startswith(f"{export}:2:")
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1")
    assert status == 2
    assert f"    {by_check}\n" in out
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1",
                         "--format", "json")
    [entry] = json.loads(out)["malformed"]["first"]
    assert f"{entry['source']}:{entry['line']}:{entry['column']}: {entry['message']}" == by_check


@pytest.mark.parametrize("text", [
    '[\n  {"external_id": "u1"},\n  42\n]\n',
    '[{"external_id": "u1"}, "u2"]',
    '[\n  {"external_id": "u1"},\n  {\n    "external_id": "u2",\n'
    '    "custom_attributes": [1, 2]\n  }\n]\n',
    '[{"external_id": "u1"}, {"external_id": "u2", "context": 3}]',
    '[{"external_id": "u1"},\n {"external_id": "u2", "connected_content": [{"url": 1}]}]',
    # Braze's /users/export/ids answer, "message" first, as curl and as jq print it
    '{"message":"success","users":[{"external_id":"u1"},{"external_id":"u2",'
    '"custom_attributes":[1]}],"invalid_user_ids":["u3"]}',
    json.dumps({"message": "success", "users": [{"external_id": "u1"}, 42]}, indent=2),
])
def test_a_malformed_array_element_is_placed_as_check_places_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    """A JSON array's bad element: `file:line:col:` where `check --profile` puts it (its first
    character, or the offending key), in the text and the JSON report."""
    export = tmp_path / "users.json"
    export.write_text(text, encoding="utf-8")
    assert main(["check", str(CREATE), "--profile", str(export)]) == 2
    by_check = capsys.readouterr().err.removeprefix(f"rokt-braze: {export}:")
    line, column, _ = by_check.split(":", 2)
    place = f"{export}:{line}:{column}: "
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1")
    assert status == 2
    [reported] = [row for row in out.splitlines() if row.startswith(f"    {export}:")]
    assert reported.startswith(f"    {place}")
    # and worded alike (check names the record of a longer array: "record 2: ...")
    assert by_check.rstrip().endswith(reported.removeprefix(f"    {place}"))
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1",
                         "--format", "json")
    [entry] = json.loads(out)["malformed"]["first"]
    assert (entry["line"], entry["column"]) == (int(line), int(column))


@pytest.mark.parametrize("indent", [None, 2])
def test_the_users_export_ids_answer_is_its_users_for_audience_and_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, indent: int | None
) -> None:
    """The answer Braze gives `/users/export/ids` (`{"message": "success", "users": [...]}`,
    message first) saved to a file: both commands check its users (audience took it for
    one JSON Lines user, or refused it pretty-printed; check for one empty profile)."""
    users = [make_user(n, seeded=False) for n in (1, 2, 3)]
    export = tmp_path / "answer.json"
    export.write_text(json.dumps({"message": "success", "users": users}, indent=indent),
                      encoding="utf-8")
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1",
                         "--format", "json")
    assert status == 0 and json.loads(out)["summary"]["users"] == 3
    assert main(["check", str(CREATE), "--profile", str(export), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["renders"] == 3


def test_a_profile_with_its_own_users_list_is_one_user_for_audience_and_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Only an object of scalars then `"users"` is the `/users/export/ids` answer, for both
    commands alike: a profile whose own attributes come before a `users` key of its own
    is that one user (check took any object with a `users` list for the answer)."""
    user = {**make_user(1, seeded=False), "users": [make_user(n, seeded=False) for n in (2, 3)]}
    export = tmp_path / "one.json"
    export.write_text(json.dumps(user), encoding="utf-8")
    status, out, _ = run(capsys, str(CREATE), "--profile", str(export), "-j", "1",
                         "--format", "json")
    assert status == 0 and json.loads(out)["summary"]["users"] == 1
    assert main(["check", str(CREATE), "--profile", str(export), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["renders"] == 1
