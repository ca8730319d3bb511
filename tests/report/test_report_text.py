"""`--format text`: one ruff-style line per finding, every severity labelled."""

from __future__ import annotations

from report_samples import ERR_LINE_ONLY, ERR_TZ, NOTICE, WARN_NO_POS

from rokt_braze.findings import Finding, Severity
from rokt_braze.report.text_format import line_of


def test_every_severity_is_labelled_and_positions_shrink_to_what_is_known() -> None:
    assert line_of(ERR_TZ.with_(message="bad zone")) == (
        "templates/create.webhook.yaml:12:22: rokt-timezone (error) bad zone [sample-subscriber]")
    assert line_of(ERR_LINE_ONLY) == (
        "templates/sub dir/update.webhook.yaml:2: rokt-url (error) account code | empty "
        "[sample-subscriber]")
    assert line_of(WARN_NO_POS) == (
        'templates/create.webhook.yaml: rokt-unknown-field (warning) key "colour" is not defined')
    assert line_of(NOTICE).startswith("templates/sub dir/update.webhook.yaml:4:3: aborted (info) ")


def test_a_finding_of_no_file_keeps_the_prefix_pattern() -> None:
    assert line_of(Finding("render-error", Severity.ERROR, "boom")) == (
        "rokt-braze: render-error (error) boom")
    # a line without a file is no position at all
    assert line_of(Finding("render-error", Severity.ERROR, "boom", line=3, column=1)) == (
        "rokt-braze: render-error (error) boom")
