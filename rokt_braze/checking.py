"""`check`: lint each template, render it for each profile, validate the request.

The one place the layers meet: webhook files and profiles come in, `Finding`s go out,
each positioned in the file the user edits. Per file the flow is

    load -> lint (static rules, no profile) -> for each profile: render -> validate

and a file whose templates do not parse is not rendered (its syntax findings say why).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rokt_braze.braze import Resources
from rokt_braze.config import Config, expand_globs, load_config
from rokt_braze.connected import Transport
from rokt_braze.discovery import discover as discover  # where callers found it first
from rokt_braze.errors import InputError, MessageAborted, TemplateError
from rokt_braze.findings import RULES, CheckResult, Finding, Severity
from rokt_braze.lint import filter_suppressed, lint_webhook, unknown_tag_message
from rokt_braze.profiles import Profile, load_profiles, sample_subscriber, to_profile
from rokt_braze.resources import build_resources, load_fixture_file
from rokt_braze.secrets import redact, redact_userinfo, secret_values
from rokt_braze.webhook import (
    Field,
    RenderResult,
    Webhook,
    load_webhook,
    parse_field,
    render_message,
)

ProfileLike = Profile | Mapping[str, object] | str | os.PathLike[str]


@dataclass
class CheckOptions:
    """What a caller may set; everything else comes from the config."""

    profiles: Sequence[ProfileLike] | None = None
    fixtures: object = None
    config: Config = field(default_factory=Config)
    #: None: offline fixtures; a live transport makes real calls
    transport: Transport | None = None


def check(
    paths: Iterable[str | os.PathLike[str]] = (".",),
    profiles: Sequence[ProfileLike] | None = None,
    *,
    fixtures: object = None,
    config: Config | str | os.PathLike[str] | None = None,
    transport: Transport | None = None,
) -> CheckResult:
    """Check templates; input problems in one file are reported and the rest still run.

    Raises InputError only when nothing can be checked (bad paths, bad config, bad
    profiles given by the caller).
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    files = discover(paths, cfg)
    options = CheckOptions(
        profiles=_caller_profiles(profiles), fixtures=fixtures, config=cfg, transport=transport
    )
    result = CheckResult(findings=[], files=files, cases=[])
    config_fixtures = [(f, load_fixture_file(f)) for f in cfg.resolve(cfg.fixtures)]
    for path in files:
        try:
            for finding in check_file(path, options, config_fixtures, result):
                severity = cfg.rule_severity(finding.rule, finding.file, finding.severity)
                if severity is not None:  # URL passwords never reach a report
                    message = redact_userinfo(finding.message)
                    result.findings.append(finding.with_(severity=severity, message=message))
        except InputError as err:
            result.input_errors.append(str(err))
    result.findings = _dedupe(result.findings)
    return result


def _caller_profiles(profiles: Sequence[ProfileLike] | None) -> list[Profile] | None:
    if profiles is None:
        return None
    out: list[Profile] = []
    for item in profiles:
        if isinstance(item, (str, os.PathLike)):
            out += load_profiles(item)
        else:
            out.append(to_profile(item))
    return out


def profiles_for(webhook: Webhook, options: CheckOptions) -> list[Profile]:
    """Explicit profiles, else the file's `profiles:`, else the config's, else the sample."""
    if options.profiles is not None:
        return list(options.profiles)  # type: ignore[arg-type]
    if webhook.profiles:
        base = Path(webhook.path).parent
        return [p for f in expand_globs(webhook.profiles, base, what=webhook.path)
                for p in load_profiles(f)]
    if options.config.profiles:
        return [p for f in options.config.resolve(options.config.profiles)
                for p in load_profiles(f)]
    return [sample_subscriber()]


def check_file(
    path: str,
    options: CheckOptions,
    config_fixtures: list[tuple[str, object]],
    result: CheckResult,
) -> Iterator[Finding]:
    """Every finding for one file, inline suppressions applied."""
    webhook = load_webhook(path)
    yield from filter_suppressed(webhook, _file_findings(webhook, options, config_fixtures, result))


def _file_findings(
    webhook: Webhook,
    options: CheckOptions,
    config_fixtures: list[tuple[str, object]],
    result: CheckResult,
) -> Iterator[Finding]:
    parse_errors = list(parse_errors_of(webhook))
    yield from parse_errors
    yield from lint_webhook(webhook)
    if parse_errors:  # nothing renders until every field parses
        return
    target = declared_target(webhook)
    first = True
    for profile in profiles_for(webhook, options):
        resources = build_resources(
            ("fixtures", options.fixtures),
            (profile.source or profile.name, profile.fixtures),
            (webhook.path, webhook.fixtures),
            *config_fixtures,
            transport=options.transport,
            limits=options.config.limits,
        )
        result.renders += 1
        assert result.cases is not None
        result.cases.append((webhook.path, profile.name))
        yield from check_render(webhook, profile, resources, target, probe=first)
        first = False


def lint_file(webhook: Webhook) -> Iterator[Finding]:
    """The static findings of a file: fields that do not parse, then the lint rules."""
    yield from parse_errors_of(webhook)
    yield from lint_webhook(webhook)


def parse_errors_of(webhook: Webhook) -> Iterator[Finding]:
    """One finding per field that does not parse as Braze Liquid."""
    for fld in webhook.fields():
        try:
            parse_field(webhook, fld)
        except TemplateError as err:
            message = err.message
            tag = _UNEXPECTED_TAG.search(message)
            if err.rule == "unknown-tag" and tag:
                message = unknown_tag_message(tag.group(1))
            yield _finding(err.rule, message, webhook, err.line, err.column, fld.name)


_UNEXPECTED_TAG = re.compile(r"unexpected tag '(\w+)'")


def declared_target(webhook: Webhook) -> str | None:
    if webhook.target is None:
        return None
    from rokt_braze.targets import TARGETS

    if webhook.target not in TARGETS:
        raise InputError(
            f"unknown target {webhook.target!r} (known: {', '.join(TARGETS)})", path=webhook.path
        )
    return webhook.target


def check_render(
    webhook: Webhook,
    profile: Profile,
    resources: Resources,
    target: str | None,
    *,
    probe: bool = False,
) -> Iterator[Finding]:
    """Render for one profile and report everything wrong with the result."""
    where = {"file": webhook.path, "profile": profile.name}
    try:
        rendered = render_message(webhook, profile.namespaces(), resources)
    except MessageAborted as abort:
        if abort.cause == "retry":  # not the template's choice: a call kept failing
            yield Finding("render-error", RULES["render-error"].severity,
                          f"{abort.reason}; Braze would abort the message",
                          line=abort.line, column=abort.column, field=abort.field, **where)
        else:
            yield Finding("aborted", RULES["aborted"].severity,
                          f"abort_message fired: {abort.reason or 'no reason given'}",
                          line=abort.line, column=abort.column, field=abort.field, **where)
        return
    except TemplateError as err:
        yield Finding(err.rule, RULES[err.rule].severity, err.message, line=err.line,
                      column=err.column, field=err.field, **where)
        return
    for fld, call in rendered.calls:
        line, column = fld.position(call.index)
        if call.status is not None and not 200 <= call.status < 300:
            yield Finding("render-error", Severity.WARNING,
                          f"connected_content {call.method} {call.url} answered {call.status}: "
                          "nothing is saved from it", line=line, column=column,
                          field=fld.name, **where)
        elif call.status is None and call.failure:  # no answer, and no :retry to abort
            yield Finding("render-error", RULES["render-error"].severity,
                          f"connected_content {call.failure}: Braze would send the message "
                          "with this call's output blank", line=line, column=column,
                          field=fld.name, **where)
    for fld, attr in rendered.missing:
        line, column = fld.position(attr.start)
        yield Finding("missing-attribute", RULES["missing-attribute"].severity,
                      f"{attr.path} is not set for this profile: it renders blank",
                      line=line, column=column, field=fld.name, **where)
    if webhook.is_liquid:
        return
    yield from validate(webhook, rendered, target, profile)
    if probe:
        yield from _event_id_probe(webhook, rendered, profile, resources, target)


def validate(
    webhook: Webhook, rendered: RenderResult, target: str | None, profile: Profile
) -> Iterator[Finding]:
    from rokt_braze.targets import detect_target
    from rokt_braze.targets import validate as validate_request

    target = target or detect_target(rendered.request.url)
    secrets = secret_values(rendered.request.headers)
    for problem in validate_request(rendered.request, target):
        fld = _problem_field(webhook, problem.field)
        line = column = 0
        if fld is not None:
            index = -1
            output = rendered.rendered.get(fld.name)
            if output is not None and problem.offset >= 0:
                index = output.source_index(_unstripped(output.text, problem.offset, fld.name))
            line, column = fld.position(index)
        yield Finding(problem.rule, problem.severity or RULES[problem.rule].severity,
                      redact(problem.message, secrets), file=webhook.path, line=line,
                      column=column, field=problem.field, profile=profile.name)




def _unstripped(text: str, offset: int, name: str) -> int:
    """The output offset of a problem: URL and header values were stripped before
    validation; in the body, a string value is located by its first character, not its
    opening quote, so a captured value points at the capture."""
    if name != "body":
        return offset + (len(text) - len(text.lstrip()))
    if text[offset : offset + 2] not in ('""', '"') and text[offset : offset + 1] == '"':
        return offset + 1
    return offset


def _problem_field(webhook: Webhook, name: str) -> Field | None:
    fld = webhook.field(name)
    if fld is None and name.startswith("header:"):
        return webhook.field("header:" + name.partition(":")[2])
    return fld


def _event_id_probe(
    webhook: Webhook,
    rendered: RenderResult,
    profile: Profile,
    resources: Resources,
    target: str | None,
) -> Iterator[Finding]:
    """Render again for a different user: an eventId that does not change collides."""
    from rokt_braze.targets import detect_target, event_id

    target = target or detect_target(rendered.request.url)
    if not target or not target.startswith("rokt."):
        return
    first = event_id(rendered.request)
    if not first:
        return
    other = dict(profile.data)
    for key in ("external_id", "braze_id", "email", "phone"):
        other[key] = f"rokt-braze-probe-{key}"
    body_only = replace(webhook, url=None, headers=[])  # the eventId lives in the body
    try:
        again = render_message(body_only, Profile("probe", other).namespaces(), resources)
    except (TemplateError, MessageAborted):
        return
    if event_id(again.request) == first:
        body = webhook.body
        line, column = (0, 0)
        if body is not None:
            out = rendered.rendered["body"]
            at = out.text.find(first)
            line, column = body.position(out.source_index(at) if at >= 0 else -1)
        yield Finding("rokt-event-id", RULES["rokt-event-id"].severity,
                      f"eventId {first!r} is the same for every user: events collide across "
                      "the audience (add {{${user_id}}})", file=webhook.path, line=line,
                      column=column, field="body", profile=profile.name)


def _finding(rule: str, message: str, webhook: Webhook, line: int, column: int,
             fld: str) -> Finding:
    return Finding(rule, RULES[rule].severity, message, file=webhook.path, line=line,
                   column=column, field=fld)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        key = (f.rule, f.file, f.line, f.column, f.message, f.profile)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
