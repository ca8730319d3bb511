"""`rokt-braze check --fix` and `--diff`, run as a user runs them on files in a folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import rokt_braze.pipeline
from rokt_braze.cli import main
from rokt_braze.findings import CheckResult, Edit, Finding, Fix, finding
from rokt_braze.fixes import apply_edits, fix_files, plan

REPO = Path(__file__).resolve().parents[2]
CREATE = (REPO / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
SUBSCRIBER = (REPO / "examples" / "profiles" / "subscriber.yaml").read_text(encoding="utf-8")
#: the stock create webhook, its title also naming the subscriber
TITLE_OLD = '"title": "{{eventTitle}}"'
TITLE = '"title": "{{eventTitle}} for {{${first_name} | json_escape}}"'
WEBHOOK = CREATE.replace(TITLE_OLD, TITLE)
#: what --fix makes of it for a profile without first_name: the title's default, the
#: stock notifyBefore unquoted, and json_escape on user_id
FIXED = (WEBHOOK
         .replace("${first_name} |", "${first_name} | default: '' |")
         .replace('"notifyBefore": "{{notifyBefore}}"', '"notifyBefore": {{notifyBefore}}')
         .replace('{{${user_id}}}', '{{${user_id} | json_escape}}'))
NO_NAME = "".join(line for line in SUBSCRIBER.splitlines(keepends=True)
                  if not line.startswith("first_name:"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the webhook and a profile without first_name, as the working folder
    (paths in reports and diffs are as given)."""
    (tmp_path / "hook.webhook.yaml").write_text(WEBHOOK, encoding="utf-8")
    (tmp_path / "no-name.yaml").write_text(NO_NAME, encoding="utf-8")
    (tmp_path / "no-name-2.yaml").write_text(NO_NAME.replace("user-1001", "user-1002"),
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rules(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, int, int]]:
    """(rule, line, column) of each entry a plain `check --format json` reports."""
    code, out, _ = run(capsys, "--format", "json", *args)
    assert code in (0, 1)
    return [(f["rule"], f["line"], f["column"]) for f in json.loads(out)["findings"]]


def test_fix_applies_the_fixes_and_reports_what_remains(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rules(capsys, "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert {"missing-attribute", "rokt-notify-before", "json-unescaped"} <= {
        r for r, *_ in before}
    code, out, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == FIXED
    after = rules(capsys, "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert {r for r, *_ in after} == {"json-unescaped"}  # the subscriptionIds join: no fix
    assert len(after) == 1
    assert code == 0  # warnings only
    # the report is what remains, as a plain check prints it, and the summary line
    assert out == run(capsys, "hook.webhook.yaml", "--profile", "no-name.yaml")[1]
    assert "subscriptionIds" not in out and ":33:28: json-unescaped" in out
    assert err == f"Fixed {len(before) - 1} findings (1 remaining).\n"


def test_nothing_to_fix_is_quiet_and_writes_nothing(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = here / "hook.webhook.yaml"
    run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    stamp = path.stat().st_mtime_ns
    code, out, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert (code, err) == (0, "")
    assert out.count("\n") == 2  # the unfixable finding and the "Found" line
    assert path.stat().st_mtime_ns == stamp
    assert run(capsys, "--diff", "hook.webhook.yaml", "--profile", "no-name.yaml") == (0, "", "")


def test_diff_is_the_change_fix_makes_and_writes_nothing(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--diff", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert code == 1
    assert err == "Would fix 3 findings.\n"
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == WEBHOOK
    lines = out.splitlines()
    assert lines[:2] == ["--- hook.webhook.yaml", "+++ hook.webhook.yaml"]
    assert [line for line in lines if line[:1] in "+-"][2:] == [
        '-      "eventId": "{{eventId}}_{{${user_id}}}",',
        f"-      {TITLE},",
        '+      "eventId": "{{eventId}}_{{${user_id} | json_escape}}",',
        "+      " + TITLE.replace("${first_name} |", "${first_name} | default: '' |") + ",",
        '-      "notifyBefore": "{{notifyBefore}}"',
        '+      "notifyBefore": {{notifyBefore}}',
    ]
    # a real patch tool turns the file into what --fix writes
    copy = here / "copy"
    copy.mkdir()
    shutil.copy(here / "hook.webhook.yaml", copy)
    subprocess.run(["git", "apply", "-p0", "-"], input=out, text=True, cwd=copy, check=True)
    assert (copy / "hook.webhook.yaml").read_text(encoding="utf-8") == FIXED


def test_diff_of_a_last_line_without_a_line_break(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "body.liquid").write_bytes(b'{"name": "{{${first_name}}}"}')
    code, out, _ = run(capsys, "--diff", "body.liquid")
    assert code == 1 and out.endswith('"}\n\\ No newline at end of file\n')
    subprocess.run(["git", "apply", "-p0", "-"], input=out, text=True, cwd=here, check=True)
    assert (here / "body.liquid").read_bytes() == b'{"name": "{{${first_name} | json_escape}}"}'


def test_a_file_reached_by_several_names_is_fixed_once_through_its_links(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding a webhook, a symbolic link to it and a hard link: --fix writes
    through the links (they stay links) once, and --diff shows the change once, naming
    the file itself, which patch and git apply change (they refuse a link)."""
    real = here / "hooks" / "hook.webhook.yaml"
    real.parent.mkdir()
    (here / "hook.webhook.yaml").rename(real)
    (here / "link.webhook.yaml").symlink_to(real.relative_to(here))
    (here / "hard.webhook.yaml").hardlink_to(real)
    code, out, err = run(capsys, "--diff", ".", "--profile", "no-name.yaml")
    assert code == 1 and err == "Would fix 3 findings.\n"
    assert out.count("\n--- ") + out.startswith("--- ") == 1
    assert out.startswith("--- hard.webhook.yaml\n+++ hard.webhook.yaml\n")  # first found
    apply = ["git", "apply", "--check", "-p0", "-"]
    subprocess.run(apply, input=out, text=True, cwd=here, check=True, capture_output=True)
    code, out, err = run(capsys, "--fix", ".", "--profile", "no-name.yaml")
    assert code == 0
    assert err == "Fixed 3 findings (3 remaining).\n"  # the subscriptionIds join, by 3 names
    assert (here / "link.webhook.yaml").is_symlink()
    assert (here / "hard.webhook.yaml").samefile(real)
    assert real.read_text(encoding="utf-8") == FIXED
    # given as the link alone: the diff names the file it points to
    real.write_text(WEBHOOK, encoding="utf-8")
    code, out, _ = run(capsys, "--diff", "link.webhook.yaml", "--profile", "no-name.yaml")
    assert code == 1 and out.startswith("--- hooks/hook.webhook.yaml\n")
    subprocess.run(apply, input=out, text=True, cwd=here, check=True, capture_output=True)


def test_a_default_in_an_output_nested_in_tag_markup_leaves_no_new_finding(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stock URL's `{% assign accountCode = {{custom_attribute.${rokt:account_code}}}[0]
    ... %}` for a profile without an account code: the fix puts `| default: ''` inside the
    nested output, which then reads as a filtered expression; the check afterwards
    reports neither the missing attribute nor a variable named after the whole of it."""
    no_account = "".join(line for line in SUBSCRIBER.splitlines(keepends=True)
                         if "rokt:account_code" not in line)
    assert no_account != SUBSCRIBER
    (here / "no-account.yaml").write_text(no_account, encoding="utf-8")
    before = rules(capsys, "hook.webhook.yaml", "--profile", "no-account.yaml")
    assert ("missing-attribute", 7, 33) in before
    code, _, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-account.yaml")
    assert code == 1 and err.startswith("Fixed ")  # rokt-url: the account code is empty
    text = (here / "hook.webhook.yaml").read_text(encoding="utf-8")
    assert "{{custom_attribute.${rokt:account_code} | default: ''}}[0]" in text
    after = rules(capsys, "hook.webhook.yaml", "--profile", "no-account.yaml")
    assert [r for r in after if r[1] == 7] == [("rokt-url", 7, 163)]


def test_a_profile_folder_holding_the_webhooks_renders_with_its_profiles_only(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --fix . --profile .` in a folder of webhooks and profiles: the webhook is
    not also a profile (it was, a user with none of the attributes, and --fix put a
    `| default:` after each of them)."""
    code, out, _ = run(capsys, "--format", "json", ".", "--profile", ".")
    assert code == 0 and json.loads(out)["summary"]["renders"] == 2
    code, _, err = run(capsys, "--fix", ".", "--profile", ".")
    assert code == 0 and err == "Fixed 3 findings (1 remaining).\n"
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == FIXED


def test_several_profiles_make_one_edit(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "hook.webhook.yaml",
                       "--profile", "no-name.yaml", "--profile", "no-name-2.yaml")
    missing = [f for f in json.loads(out)["findings"] if f["rule"] == "missing-attribute"]
    assert [f["profiles"] for f in missing] == [["user-1001", "user-1002"]]
    code, out, err = run(capsys, "--diff", "hook.webhook.yaml", "--profile", "no-name.yaml",
                         "--profile", "no-name-2.yaml")
    assert code == 1 and out.count("default: ''") == 1
    assert err == "Would fix 3 findings.\n"  # as with one profile
    run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml",
        "--profile", "no-name-2.yaml")
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == FIXED


def test_overlapping_fixes_the_first_is_made_the_rest_reported(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`{{${first_name}}}` in a JSON string, for a profile without it: json_escape and a
    default both insert right after the attribute; which goes first would be a guess."""
    (here / "hook.webhook.yaml").write_text(
        CREATE.replace(TITLE_OLD, '"title": "{{eventTitle}} for {{${first_name}}}"'),
        encoding="utf-8")
    before = rules(capsys, "hook.webhook.yaml", "--profile", "no-name.yaml")
    place = next((line, column) for rule, line, column in before
                 if rule == "missing-attribute")
    assert ("json-unescaped", *place) in before
    code, out, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    text = (here / "hook.webhook.yaml").read_text(encoding="utf-8")
    # the first in file order (same place: the report's order, json-unescaped) is made
    assert '"title": "{{eventTitle}} for {{${first_name} | json_escape}}"' in text
    assert code == 0 and f"hook.webhook.yaml:{place[0]}:{place[1]}: missing-attribute" in out
    assert err.endswith("(2 remaining).\n")
    # the check afterwards offers it again, at its new place: a second --fix makes it
    run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert "{{${first_name} | default: '' | json_escape}}" in (
        here / "hook.webhook.yaml").read_text(encoding="utf-8")


def _finding(*edits: tuple[int, int, int, int, str], line: int = 1) -> Finding:
    return finding("curly-quotes", "m", file="f", line=line,
                   fix=Fix("t", tuple(Edit(*e) for e in edits)))


@pytest.mark.parametrize(("first", "second", "expected"), [
    ((1, 2, 1, 4, "X"), (1, 3, 1, 5, "Y"), "aXdef"),    # overlapping replacements
    ((1, 2, 1, 5, "X"), (1, 3, 1, 3, "Y"), "aXef"),     # an insertion inside a replacement
    ((1, 2, 1, 2, "X"), (1, 2, 1, 2, "Y"), "aXbcdef"),  # two insertions at one place
    ((1, 2, 1, 2, "X"), (1, 2, 1, 3, "Y"), "aXbcdef"),  # an insertion where a change starts
    ((1, 2, 1, 3, "X"), (1, 3, 1, 3, "Y"), "aXYcdef"),  # an insertion where one ends: both
    ((1, 2, 1, 3, "X"), (1, 2, 1, 3, "X"), "aXcdef"),   # identical: once
])
def test_clashing_edits_the_first_in_the_file_wins(
    first: tuple[int, int, int, int, str], second: tuple[int, int, int, int, str],
    expected: str,
) -> None:
    for findings in ([_finding(first), _finding(second)], [_finding(second, line=2),
                                                           _finding(first)]):
        (done,) = plan(findings, {"f": b"abcdef"})
        assert done.after.decode() == expected


def test_a_fix_is_made_whole_or_not_at_all() -> None:
    """Quotes removed around a value are two edits; one clashing leaves the other out."""
    quotes = _finding((1, 2, 1, 3, ""), (1, 6, 1, 7, ""))
    clashing = _finding((1, 1, 1, 1, "<"), (1, 6, 1, 7, "Z"))  # earlier in the file
    (done,) = plan([quotes, clashing], {"f": b'a"bcd"e'})
    assert done.after == b'<a"bcdZe'
    assert done.fixed == (clashing,)
    assert plan([_finding((3, 1, 3, 1, "x"))], {"f": b"ab\n"}) == []  # no line 3: stale


def test_fixes_that_would_break_the_file_are_not_written(tmp_path: Path) -> None:
    """A fix with a bug (here: an unbalanced quote in a quoted YAML scalar) must not cost
    the user their file: it is left alone, with a message."""
    path = tmp_path / "hook.webhook.yaml"
    path.write_bytes(b'url: "https://x.example/"\n')
    broken = finding("curly-quotes", "m", file=str(path), line=1, column=6,
                     fix=Fix("t", (Edit(1, 6, 1, 6, '"'),)))
    (planned,) = plan([broken], {str(path): path.read_bytes()})
    assert planned.broken.startswith(f"{path}:1:")
    assert "invalid YAML" in planned.broken
    checks = []

    def check(files: object) -> CheckResult:
        checks.append(files)
        return CheckResult([broken], [str(path)])

    done = fix_files([str(path)], check)
    assert path.read_bytes() == b'url: "https://x.example/"\n'
    assert done.fixes == [] and done.left == [
        f"{path}: not fixed: the fixes would leave it unreadable ({planned.broken}); "
        "please report it"]
    assert done.summary() == "Fixed 0 findings (1 remaining)."
    assert len(checks) == 1  # nothing changed: no second check


def test_apply_edits_refuses_what_it_cannot_place() -> None:
    assert apply_edits("ab\ncd", [Edit(2, 3, 2, 3, "!"), Edit(1, 1, 1, 2, "A")]) == "Ab\ncd!"
    with pytest.raises(ValueError):
        apply_edits("ab\ncd", [Edit(1, 4, 1, 4, "x")])  # past the end of line 1
    with pytest.raises(ValueError):
        apply_edits("abcd", [Edit(1, 1, 1, 3, "x"), Edit(1, 2, 1, 2, "y")])


def test_a_file_changed_while_it_was_checked_is_left_alone(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saves the file while the check runs: the fixes are for the old text."""
    path = here / "hook.webhook.yaml"
    edited = WEBHOOK.replace("Event Title", "Edited Title")
    real = rokt_braze.pipeline.check_files

    def check_while_edited(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        path.write_text(edited, encoding="utf-8")
        return result

    monkeypatch.setattr(rokt_braze.pipeline, "check_files", check_while_edited)
    code, out, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert path.read_text(encoding="utf-8") == edited
    assert err.startswith("rokt-braze: hook.webhook.yaml: changed since it was checked; "
                          "not fixed\nFixed 0 findings (")
    # the report is of the file as it is now: still unfixed, warnings only
    assert code == 0 and "rokt-notify-before" in out
    remaining = len(rules(capsys, "hook.webhook.yaml", "--profile", "no-name.yaml"))
    assert err.endswith(f"Fixed 0 findings ({remaining} remaining).\n")


def test_a_file_that_cannot_be_written_is_an_input_error(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file turns into a folder while it is checked (a permission error reads the
    same, but root, as tests often run, may write anywhere): one line, exit status 2."""
    path = here / "hook.webhook.yaml"
    real = rokt_braze.pipeline.check_files

    def check_then_replace(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        if path.is_file():
            path.unlink()
            path.mkdir()
        return result

    monkeypatch.setattr(rokt_braze.pipeline, "check_files", check_then_replace)
    code, _, err = run(capsys, "--fix", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert code == 2
    assert err == "rokt-braze: hook.webhook.yaml: cannot write the fix: Is a directory\n"
    assert path.is_dir()


def test_yaml_errors_exit_2_and_are_not_touched(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = b'name: x\nurl: "https://a"\nbody: [unclosed\n'
    (here / "broken.webhook.yaml").write_bytes(broken)
    code, _, plain_err = run(capsys, "broken.webhook.yaml")
    assert code == 2 and "invalid YAML" in plain_err
    for flag in ("--fix", "--diff"):
        code, out, err = run(capsys, flag, "broken.webhook.yaml")
        assert (code, out, err) == (2, "" if flag == "--diff" else out, plain_err)
    # with a good file beside it, as ruff: the good one is fixed, the broken one untouched
    code, out, err = run(capsys, "--fix", ".", "--profile", "no-name.yaml")
    assert code == 2
    assert (here / "broken.webhook.yaml").read_bytes() == broken
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == FIXED
    assert err.startswith(plain_err) and err.endswith("(1 remaining).\n")


def test_line_endings_and_byte_order_mark_are_kept(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = WEBHOOK.replace("\n", "\r\n").encode()
    (here / "hook.webhook.yaml").write_bytes(crlf)
    (here / "bom.webhook.yaml").write_bytes(b"\xef\xbb\xbf" + crlf)
    code, out, err = run(capsys, "--diff", "hook.webhook.yaml", "--profile", "no-name.yaml")
    assert code == 1 and "+      \"notifyBefore\": {{notifyBefore}}\r\n" in out
    code, out, err = run(capsys, "--fix", "hook.webhook.yaml", "bom.webhook.yaml",
                         "--profile", "no-name.yaml")
    assert err == "Fixed 6 findings (2 remaining).\n"
    fixed = FIXED.replace("\n", "\r\n").encode()
    assert (here / "hook.webhook.yaml").read_bytes() == fixed
    assert (here / "bom.webhook.yaml").read_bytes() == b"\xef\xbb\xbf" + fixed


def test_a_liquid_body_is_fixed_too(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "body.liquid").write_text('{"name": "{{${first_name}|upcase}}"}\n', encoding="utf-8")
    code, out, err = run(capsys, "--fix", "body.liquid", "--profile", "no-name.yaml")
    assert (here / "body.liquid").read_text(encoding="utf-8") == (
        '{"name": "{{${first_name} | default: \'\'|upcase | json_escape}}"}\n')
    assert (code, out) == (0, "All checks passed (1 file, 1 render).\n")
    assert err == "Fixed 2 findings (0 remaining).\n"


def test_fix_with_a_report_format_reports_what_remains(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--fix", "--format", "json", "hook.webhook.yaml",
                         "--profile", "no-name.yaml")
    assert code == 0 and err.startswith("Fixed 3 findings")
    assert json.loads(out) == json.loads(run(capsys, "--format", "json", "hook.webhook.yaml",
                                             "--profile", "no-name.yaml")[1])
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["json-unescaped"]


@pytest.mark.parametrize(("args", "message"), [
    (["--diff", "--format", "json"], "--diff prints a diff, not a report"),
    (["--fix", "--diff"], "argument --diff: not allowed with argument --fix"),
])
def test_usage_errors(here: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                      message: str) -> None:
    code, out, err = run(capsys, *args, "hook.webhook.yaml")
    assert (code, out) == (2, "")
    assert message in err
    assert (here / "hook.webhook.yaml").read_text(encoding="utf-8") == WEBHOOK


def test_the_result_cache_serves_the_fixed_file_fresh(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keys on content: the entry for the file before its fix is never served
    for the file after it (and is still right should the fix be undone)."""
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE")
    monkeypatch.setenv("ROKT_BRAZE_CACHE_DIR", str(here / "cache"))
    args = ("hook.webhook.yaml", "--profile", "no-name.yaml")
    before = rules(capsys, *args)
    assert rules(capsys, *args) == before  # from the cache now
    assert list((here / "cache").rglob("*.json"))
    code, out, err = run(capsys, "--fix", *args)
    assert (code, err) == (0, "Fixed 3 findings (1 remaining).\n")
    assert out.startswith("hook.webhook.yaml:33:28: json-unescaped")
    assert [r for r, *_ in rules(capsys, *args)] == ["json-unescaped"]
    (here / "hook.webhook.yaml").write_text(WEBHOOK, encoding="utf-8")
    assert rules(capsys, *args) == before
