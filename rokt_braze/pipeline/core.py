"""`Pipeline`: one webhook file from template to findings, the same for every entry point.

    pipeline = Pipeline(webhook, settings)
    pipeline.template_findings()           # parse errors and lint: once per webhook
    outcome = pipeline.render(profile)     # a request, or the error/abort that stopped it
    pipeline.findings(outcome)             # positioned findings, judged (see `policy`)
    pipeline.rules(outcome)                # the same judgement, as (rule, severity) only
    pipeline.probe(outcome)                # the eventId-varies probe: once per webhook

`findings` judges an outcome's issues (`issues`, each with its own severity) by the
file's `Policy` (`_judged`). `rules` judges the same issues' (rule, severity) pairs
without building them: the target's rules are counted by `targets.RuleCounter`, which
reuses the verdict of the rules that read nothing that differs per user; it falls back
to `_judged` when a line-level suppression comment makes a place matter. `check`,
`render`, `send`, `audience`, `fuzz`, the Python API and the pytest plugin all go
through here; they differ only in which profiles they render and
how they schedule and report the work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from rokt_braze.braze import BrazeTemplate, Resources, parse_template
from rokt_braze.braze.state import CallRecord
from rokt_braze.errors import InputError, MessageAborted, TemplateError
from rokt_braze.findings import RULES, Finding, Fix, Severity
from rokt_braze.lint import lint_webhook, unknown_tag_message
from rokt_braze.pipeline.add_default import add_default
from rokt_braze.pipeline.policy import Policy, dedupe
from rokt_braze.pipeline.resources import Settings
from rokt_braze.pipeline.retype import retype_fix
from rokt_braze.profiles import Profile
from rokt_braze.request import RenderedRequest
from rokt_braze.secrets import redact, redact_userinfo, secret_values
from rokt_braze.targets import (
    Origin,
    Problem,
    RuleCounter,
    detect_target,
    endpoint_ids,
    event_id,
    event_id_policy,
    validate,
)
from rokt_braze.webhook import Field, RenderResult, Webhook, parse_field, render_message

__all__ = ["Issue", "Outcome", "Pipeline", "declared_target"]

_UNEXPECTED_TAG = re.compile(r"unexpected tag '(\w+)'")
#: Said by a finding of a render that recovered from an unknown filter.
RECOVERED = " (rendered past the unknown filter, which passed its input through)"
#: Profile fields the eventId probe changes: a user's identity.
_IDENTITY = ("external_id", "braze_id", "email", "phone")


@dataclass
class Outcome:
    """Rendering one message for one user: the request, or what stopped it."""

    profile: Profile
    result: RenderResult | None = None
    error: TemplateError | None = None
    aborted: MessageAborted | None = None
    #: the endpoint the request goes to (declared, else detected; None: generic HTTP)
    target: str | None = None
    #: the unknown-filter error the render recovered from: `result` is what renders when
    #: that filter passes its input through (Ruby Liquid's lax mode)
    recovered_from: TemplateError | None = None
    #: the user's custom attributes as the render read them (for the target's rules)
    attributes: Mapping[str, object] = field(default_factory=dict)

    def request(self) -> RenderedRequest:
        """The rendered request; raises the TemplateError or MessageAborted that stopped it."""
        if self.error is not None:
            raise self.error
        if self.aborted is not None:
            raise self.aborted
        assert self.result is not None
        return self.result.request

    @property
    def calls(self) -> list[tuple[Field, CallRecord]]:
        """Every connected_content call the render made, in order; when the render
        stopped, the calls made until then (the failing one last)."""
        if self.result is not None:
            return self.result.calls
        stopped = self.error or self.aborted
        return stopped.calls if stopped is not None else []

    @property
    def abort_reason(self) -> str | None:
        """The reason when `abort_message` stopped the message (not a failing `:retry`)."""
        if self.aborted is None or self.aborted.cause == "retry":
            return None
        return self.aborted.reason or ""


class Issue(NamedTuple):
    """One finding before it has a place: the place is worked out only when asked."""

    rule: str
    severity: Severity
    message: str
    field: str = ""
    line: int = 0
    column: int = 0
    #: an index into the field's source (-1: none), for a place not known yet
    source_index: int = -1
    #: a problem in the rendered request: its offset into the field's rendered text is
    #: read (and mapped back) only when the issue is placed
    problem: Problem | None = None
    #: found in a render that recovered from an unknown filter (see `Outcome.recovered_from`)
    recovered: bool = False


def declared_target(webhook: Webhook) -> str | None:
    """The webhook's `target:`, checked against the registry (InputError if unknown)."""
    if webhook.target is None:
        return None
    known = endpoint_ids()
    if webhook.target not in known:
        line, column = webhook.target_place
        raise InputError(f"unknown target {webhook.target!r} (known: {', '.join(known)})",
                         path=webhook.path, line=line, column=column)
    return webhook.target


class Pipeline:
    """One webhook file with the caller's settings; see the module doc."""

    def __init__(self, webhook: Webhook, settings: Settings | None = None) -> None:
        self.webhook = webhook
        self.settings = settings or Settings()
        self.target = declared_target(webhook)
        self.policy = Policy(webhook, self.settings.config)
        self._shared: Resources | None = None
        self._template: list[Finding] | None = None
        self._parse_errors: list[Finding] | None = None
        self.parses = True
        self.probed = False
        #: each field's template source, for the target rules that read it
        self.sources = {fld.name: fld.source for fld in webhook.fields()}
        self._counter = RuleCounter(self.sources)

    # -- resources and profiles -------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        return self.settings.profiles_for(self.webhook)

    def resources(self, profile: Profile | None = None) -> Resources:
        """Resources for `profile`; shared by every profile that brings no fixtures."""
        if profile is not None and profile.fixtures:
            return self.settings.resources(profile, self.webhook)
        if self._shared is None:
            self._shared = self.settings.resources(None, self.webhook)
        return self._shared

    # -- template level: once per webhook -----------------------------------------------------

    def template_findings(self) -> list[Finding]:
        """Parse errors and lint findings of the file, judged; `parses` tells whether every
        field parsed (nothing renders until they do)."""
        if self._template is None:
            found = [*self.parse_errors(), *lint_webhook(self.webhook)]
            self._template = dedupe(f.with_(message=shown(f.message))
                                    for f in self.policy.judge(found))
        return self._template

    def parse_errors(self) -> list[Finding]:
        """One finding per field that does not parse as Braze Liquid (before judgement)."""
        if self._parse_errors is None:
            self._parse_errors = list(self._each_parse_error())
            self.parses = not self._parse_errors
        return self._parse_errors

    def _each_parse_error(self) -> Iterator[Finding]:
        for fld in self.webhook.fields():
            try:
                parse_field(self.webhook, fld)
            except TemplateError as err:
                message = err.message
                tag = _UNEXPECTED_TAG.search(message)
                if err.rule == "unknown-tag" and tag:
                    message = unknown_tag_message(tag.group(1))
                yield Finding(err.rule, RULES[err.rule].severity, message, file=self.webhook.path,
                              line=err.line, column=err.column, field=fld.name)

    # -- one user ------------------------------------------------------------------------------

    def render(
        self,
        profile: Profile,
        *,
        namespaces: Mapping[str, object] | None = None,
        templates: Mapping[str, BrazeTemplate] | None = None,
    ) -> Outcome:
        """Render the message for `profile` (`namespaces`: its Liquid globals, when the
        caller built them; `templates`: specialised fields, see `audience.plan`)."""
        namespaces = profile.namespaces() if namespaces is None else namespaces
        attributes = namespaces.get("custom_attribute")
        outcome = Outcome(profile, attributes=attributes if isinstance(attributes, (dict, Mapping))
                          else {})  # fmt: skip (dict first: no ABC check for the usual hash)
        try:
            outcome.result = render_message(self.webhook, namespaces, self.resources(profile),
                                            templates=templates)
        except MessageAborted as abort:
            outcome.aborted = abort
        except TemplateError as err:
            outcome.error = err
            if err.rule == "unknown-filter":
                self._recover(outcome, namespaces)
        if outcome.result is not None and not self.webhook.is_liquid:
            request = outcome.result.request
            outcome.target = self.target or detect_target(request.url, request.method)
        return outcome

    def _recover(self, outcome: Outcome, namespaces: Mapping[str, object]) -> None:
        """Render again with every unknown filter passing its input through, as Braze's
        Ruby Liquid does in lax mode, so the rest of the message is still checked; the
        error stays reported. A render that fails again reports the first error only."""
        lenient = {fld.name: parse_template(fld.source, name=f"{self.webhook.path}:{fld.name}",
                                            lenient=True) for fld in self.webhook.fields()}
        try:
            result = render_message(self.webhook, namespaces, self.resources(outcome.profile),
                                    templates=lenient)
        except (TemplateError, MessageAborted):
            return
        outcome.recovered_from, outcome.error, outcome.result = outcome.error, None, result

    def issues(self, outcome: Outcome) -> list[Issue]:
        """Everything wrong with one outcome, each with its own severity, not yet judged."""
        abort, error, result = outcome.aborted, outcome.error, outcome.result
        if abort is not None:
            if abort.cause == "retry":  # not the template's choice: a call kept failing
                return [Issue("render-error", RULES["render-error"].severity,
                              f"{abort.reason}; Braze would abort the message", abort.field,
                              abort.line, abort.column)]
            return [Issue("aborted", RULES["aborted"].severity,
                          f"abort_message fired: {abort.reason or 'no reason given'}",
                          abort.field, abort.line, abort.column)]
        if error is not None:
            return [Issue(error.rule, RULES[error.rule].severity, error.message, error.field,
                          error.line, error.column)]
        assert result is not None
        out = self._render_issues(outcome, result)
        first = outcome.recovered_from
        if first is None:
            return out
        return [Issue(first.rule, RULES[first.rule].severity, first.message, first.field,
                      first.line, first.column),
                *(i._replace(recovered=True) for i in out)]

    def _render_issues(self, outcome: Outcome, result: RenderResult) -> list[Issue]:
        out = self._call_issues(result)
        if self.webhook.is_liquid:
            return out
        origin = Origin(self.sources, outcome.attributes)
        for p in validate(result.request, outcome.target, origin):
            out.append(Issue(p.rule, p.severity or RULES[p.rule].severity, p.message, p.field,
                             problem=p))
        return out

    def _call_issues(self, result: RenderResult) -> list[Issue]:
        """Failed connected_content calls and missing attributes."""
        out = []
        for fld, call in result.calls:
            if call.cached:  # the call that filled the cache has reported it
                continue
            if call.status is not None and not 200 <= call.status < 300:
                out.append(Issue("render-error", Severity.WARNING,
                                 f"connected_content {call.method} {call.url} answered "
                                 f"{call.status}: nothing is saved from it", fld.name,
                                 source_index=call.index))
            elif call.status is None and call.failure:  # no answer, and no :retry to abort
                out.append(Issue("render-error", RULES["render-error"].severity,
                                 f"connected_content {call.failure}: Braze would send the "
                                 "message with this call's output blank", fld.name,
                                 source_index=call.index))
        for fld, attr in result.missing:
            out.append(Issue("missing-attribute", RULES["missing-attribute"].severity,
                             f"{attr.path} is not set for this profile: it renders blank",
                             fld.name, source_index=attr.start))
        return out

    def rules(self, outcome: Outcome) -> set[tuple[str, Severity]]:
        """The (rule, severity) pairs `findings` would report, without their places.

        The counting path: a request's target rules are counted by `RuleCounter` (no
        messages, no offsets, most of the verdict reused across users); when a line-level
        suppression names one of the rules found, the place decides, and the rules are
        judged as `findings` judges them (`_judged`)."""
        found = self._issue_rules(outcome)
        policy = self.policy
        if policy.positional and any(policy.needs_line(rule) for rule, _ in found):
            return {(i.rule, s) for i, s, _ in self._judged(outcome, positioned=False)}
        out = set()
        for rule, own in found:
            severity = policy.severity(rule, own)
            if severity is not None:
                out.add((rule, severity))
        return out

    def _issue_rules(self, outcome: Outcome) -> list[tuple[str, Severity]]:
        """(rule, severity) of each of `issues(outcome)`, not judged."""
        result = outcome.result
        if result is None or outcome.recovered_from is not None or self.webhook.is_liquid:
            return [(i.rule, i.severity) for i in self.issues(outcome)]
        found = [(i.rule, i.severity) for i in self._call_issues(result)]
        return found + self._counter.rules(result.request, outcome.target, outcome.attributes)

    def findings(self, outcome: Outcome) -> list[Finding]:
        """The outcome's findings, positioned in the file and judged."""
        secrets: list[str] = []
        if outcome.result is not None:
            secrets = secret_values(outcome.result.request.headers)
        behind = _CallsBehind(outcome)
        return dedupe(
            Finding(i.rule, severity, shown(i.message + (RECOVERED if i.recovered else ""),
                                            secrets),
                    file=self.webhook.path, line=line, column=column, field=i.field,
                    profile=outcome.profile.name, calls=behind.at(i.field, line, column),
                    fix=self.fix(outcome, i))
            for i, severity, (line, column) in self._judged(outcome, positioned=True)
        )

    def fix(self, outcome: Outcome, issue: Issue) -> Fix | None:
        """A `default` filter for a missing attribute (`add_default`); quotes added or
        removed where the target wants another JSON type (`retype_fix`); the target's
        replacement as an edit of the template, when the template holds the rendered value
        as literal text (typed there, or captured from text typed there)."""
        fld = self._field(issue.field)
        if issue.rule == "missing-attribute" and fld is not None and issue.source_index >= 0:
            return add_default(fld, issue.source_index, outcome.target)
        output = outcome.result.rendered.get(issue.field) if outcome.result else None
        found = issue.problem
        if found is not None and found.retype is not None and fld is not None \
                and output is not None and fld.name == "body":
            return retype_fix(fld, output, found.offset, found.retype)
        if found is None or found.replacement is None or fld is None or output is None:
            return None
        old, new = found.replacement
        at = _unstripped(output.text, found.offset, fld.name)
        index = output.source_index(at) if output.text.startswith(old, at) else -1
        if index < 0 or not old or not fld.source.startswith(old, index):
            return None
        return Fix(f"Change to {new!r}", (fld.edit(index, index + len(old), new),))

    def _judged(
        self, outcome: Outcome, *, positioned: bool
    ) -> Iterator[tuple[Issue, Severity, tuple[int, int]]]:
        """The one judgement: severity, then suppression (by line, when one may apply)."""
        for issue in self.issues(outcome):
            severity = self.policy.severity(issue.rule, issue.severity)
            if severity is None:
                continue
            place = (issue.line, issue.column)
            if positioned or self.policy.needs_line(issue.rule):
                place = self.place(outcome, issue)
                if self.policy.suppressed_at(issue.rule, place[0]):
                    continue
            yield issue, severity, place

    def place(self, outcome: Outcome, issue: Issue) -> tuple[int, int]:
        """(line, column) of an issue in the webhook file; (0, 0) when it has none."""
        if issue.line:
            return issue.line, issue.column
        fld = self._field(issue.field)
        if fld is None:
            return 0, 0
        if issue.problem is None:
            return fld.position(issue.source_index)
        index, offset = -1, issue.problem.offset
        output = outcome.result.rendered.get(fld.name) if outcome.result else None
        if output is not None and offset >= 0:
            index = output.source_index(_unstripped(output.text, offset, fld.name))
        return fld.position(index)

    def _field(self, name: str) -> Field | None:
        fld = self.webhook.field(name)
        if fld is None and name.startswith("header:"):
            return self.webhook.field("header:" + name.partition(":")[2])
        return fld

    # -- the eventId probe: once per webhook ----------------------------------------------------

    def probe(self, outcome: Outcome) -> list[Finding]:
        """Does the target's per-user identity (Rokt: the eventId) vary between users?

        Runs once per webhook, on the first outcome that has an identity to compare; later
        calls return nothing, so the finding is reported once, for the webhook (no profile).
        """
        if self.probed:
            return []
        found = self.identity_probe(outcome)
        if found is None:
            return []
        self.probed = True
        return found

    def identity_probe(self, outcome: Outcome) -> list[Finding] | None:
        """Render the body again for the same user under another identity: the same id is
        a finding. None when the outcome has no identity to compare."""
        if outcome.result is None:
            return None
        policy = event_id_policy(outcome.target)
        first = event_id(outcome.result.request, outcome.target)
        if policy is None or not first:
            return None
        other = dict(outcome.profile.data)
        for key in _IDENTITY:
            other[key] = f"rokt-braze-probe-{key}"
        body_only = replace(self.webhook, url=None, headers=[])  # the id lives in the body
        probe = Profile("probe", other, fixtures=outcome.profile.fixtures)
        try:
            again = render_message(body_only, probe.namespaces(), self.resources(probe))
        except (TemplateError, MessageAborted):
            return []
        if event_id(again.request, outcome.target) != first:
            return []
        line, column = 0, 0
        body = self.webhook.body
        if body is not None:
            out = outcome.result.rendered["body"]
            at = out.text.find(first)
            line, column = body.position(out.source_index(at) if at >= 0 else -1)
        found = Finding(policy.rule, RULES[policy.rule].severity,
                        f"{policy.name} {first!r} is the same for every user: {policy.hint}",
                        file=self.webhook.path, line=line, column=column, field="body")
        return self.policy.judge([found])

    # -- everything for a list of profiles ------------------------------------------------------

    def check(
        self, profiles: Iterable[Profile] | None = None
    ) -> Iterator[tuple[str, list[Finding]]]:
        """(profile name, its findings) per profile rendered, then ("", template findings).

        Nothing renders when a field does not parse (the syntax findings say why).
        """
        template = list(self.template_findings())
        if self.parses:
            for profile in self.profiles() if profiles is None else profiles:
                outcome = self.render(profile)
                template += self.probe(outcome)
                yield profile.name, self.findings(outcome)
        yield "", dedupe(template)


class _CallsBehind:
    """The calls an outcome made at a place (a connected_content tag), as `call_view`s:
    what a finding there came from. Views are made only when a finding asks."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self._at: dict[tuple[str, int, int], tuple[dict[str, Any], ...]] | None = None

    def at(self, fld: str, line: int, column: int) -> tuple[dict[str, Any], ...]:
        if not self.outcome.calls or not line:
            return ()
        if self._at is None:
            from rokt_braze.webhook.calls import call_view, cleaner

            calls = self.outcome.calls
            result = self.outcome.result
            clean = cleaner(result.request.headers if result else {}, [c for _, c in calls])
            at: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
            for f, call in calls:
                view = call_view(f, call, clean)
                at.setdefault((f.name, view["line"], view["column"]), []).append(view)
            self._at = {place: tuple(views) for place, views in at.items()}
        return self._at.get((fld, line, column), ())


def shown(message: str, secrets: Iterable[str] = ()) -> str:
    """A message as reports show it: credentials and URL passwords redacted."""
    return redact_userinfo(redact(message, secrets))


def _unstripped(text: str, offset: int, name: str) -> int:
    """The output offset of a problem: URL and header values were stripped before
    validation; in the body, a string value is located by its first character, not its
    opening quote, so a captured value points at the capture."""
    if name != "body":
        return offset + (len(text) - len(text.lstrip()))
    if text[offset : offset + 2] not in ('""', '"') and text[offset : offset + 1] == '"':
        return offset + 1
    return offset
