"""`rokt-braze render FILE`: print the request a webhook renders to, through the pipeline
(the same fixtures as `check`: `--fixtures`, the profile's, the webhook's, the config's)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from typing import TYPE_CHECKING, Any, TextIO

from rokt_braze.cli_util import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_config,
    add_live_options,
    error,
    live_transport,
    offline_check,
)
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.limits import BODY_PREVIEW
from rokt_braze.secrets import redact_header, redact_userinfo

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.connected import Transport
    from rokt_braze.findings import Finding
    from rokt_braze.webhook import RenderResult, Webhook

__all__ = ["LIQUID_BODY", "DoesNotParse", "add_arguments", "call_block", "print_body",
           "print_calls", "print_request", "render_result", "report_syntax", "run"]

LIQUID_BODY = "a .liquid file is a body without a URL, method or headers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a *.webhook.yaml file")
    add_profile(parser)
    parser.add_argument("--as", dest="as_", choices=("http", "curl", "json"), default="http",
                        help="print the request as HTTP (default), a curl command line, or "
                        "JSON (method, url, headers, body)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print Authorization values and credentials unredacted")
    parser.add_argument("--fixtures", metavar="FILE", help="connected_content fixture file")
    parser.add_argument("--calls", action="store_true",
                        help="after the request, every connected_content call in order: "
                        "request, who answered, status, headers, body, duration, cache")
    add_config(parser)
    add_live_options(parser)


def add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="FILE", help="profile file, or a folder holding "
                        "one (default: the bundled sample Rokt subscriber)")


def run(args: argparse.Namespace) -> int:
    from rokt_braze.config import load_config
    from rokt_braze.webhook import load_webhook
    from rokt_braze.webhook.calls import call_view, cleaner, unredacted

    config = load_config(args.config)
    if not args.live:
        offline_check(args)
    transport = live_transport(args, config) if args.live else None
    webhook = load_webhook(args.file)
    if webhook.is_liquid and args.as_ == "curl":
        raise UsageError(f"{LIQUID_BODY}: nothing to write as curl (use --as http or json)",
                         path=args.file)
    try:
        result = render_result(args, webhook, config, transport)
    except DoesNotParse as err:
        return report_syntax(args.file, err.findings)
    except (MessageAborted, TemplateError) as err:
        status = report_failure(args.file, err)
        if args.calls:  # the calls made before it stopped, which may be why it did
            clean = cleaner({}, [call for _, call in err.calls], args.show_secrets)
            print_calls([call_view(fld, call, clean) for fld, call in err.calls], args.as_,
                        sys.stdout)
        return status
    request = result.request
    failed = report_failed_calls(args.file, result)
    clean = cleaner(request.headers, [call for _, call in result.calls], args.show_secrets)
    url, body = clean(request.url), clean(request.body)
    headers = {k: clean(redact_header(k, v) if clean is not unredacted else v)
               for k, v in request.headers.items()}
    calls = [call_view(fld, call, clean) for fld, call in result.calls] if args.calls else None
    if webhook.is_liquid:
        print_body(body, args.as_, sys.stdout, calls)
    else:
        print_request(request.method, url, headers, body, args.as_, sys.stdout, calls)
    return EXIT_FINDINGS if failed else EXIT_OK


def render_result(
    args: argparse.Namespace, webhook: Webhook, config: Config, transport: Transport | None
) -> RenderResult:
    """The message for `--profile` (one profile; default: the sample subscriber), rendered
    by the pipeline; MessageAborted/TemplateError reach the caller.

    The template comes first: a field that does not parse raises `DoesNotParse` before the
    profile is read or any connected_content call is made (so `send` sends nothing)."""
    from rokt_braze.pipeline import Pipeline, Settings
    from rokt_braze.profiles import load_profiles, sample_subscriber

    settings = Settings.make(config, fixtures_file=getattr(args, "fixtures", None),
                             transport=transport)
    pipeline = Pipeline(webhook, settings)
    if pipeline.parse_errors():
        raise DoesNotParse(pipeline.parse_errors())
    if args.profile:
        profiles = load_profiles(args.profile)
        if len(profiles) != 1:
            raise UsageError(f"{args.profile}: holds {len(profiles)} profiles; "
                             f"{args.command} takes one"
                             + (" (name one of its files)" if os.path.isdir(args.profile)
                                else ""))
        profile = profiles[0]
    else:
        profile = sample_subscriber()
    outcome = pipeline.render(profile)
    outcome.request()  # raises what stopped the render
    assert outcome.result is not None
    return outcome.result


class DoesNotParse(Exception):
    """A field of the webhook does not parse: nothing renders (the findings say why)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} field(s) do not parse")
        self.findings = findings


def report_syntax(path: str, findings: list[Finding]) -> int:
    """One `file:line:col: rule message` line per field that does not parse."""
    for found in findings:
        error(redact_userinfo(f"{path}:{found.line}:{found.column}: {found.rule} "
                              f"{found.message}"))
    return EXIT_FINDINGS


def report_failure(path: str, err: MessageAborted | TemplateError) -> int:
    where = f"{path}:{err.line}:{err.column}: " if err.line else f"{path}: "
    if isinstance(err, MessageAborted):
        error(redact_userinfo(f"{where}message aborted: {err.reason or 'abort_message called'} "
                              "(Braze would send nothing)"))
    else:
        error(redact_userinfo(f"{where}{err.rule} {err.message}"))
    return EXIT_FINDINGS


def report_failed_calls(path: str, result: RenderResult) -> bool:
    """One error line per connected_content call that got no answer (without :retry
    Braze sends the message with that output blank); True when there was one."""
    failed = False
    for fld, call in result.calls:
        if call.status is None and call.failure:
            line, column = fld.position(call.index)
            error(redact_userinfo(f"{path}:{line}:{column}: connected_content {call.failure} "
                                  "(Braze would send the message with this output blank)"))
            failed = True
    return failed


def print_request(method: str, url: str, headers: dict[str, str], body: str, style: str,
                  out: TextIO, calls: list[dict[str, Any]] | None = None) -> None:
    """The request in `style`; then, when given, the calls (`call_view`) it made."""
    if style == "json":
        shown: dict[str, Any] = {"method": method, "url": url, "headers": headers, "body": body}
        if calls is not None:
            shown["calls"] = calls
        json.dump(shown, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if style == "curl":
        lines = [f"curl -X {method} {shlex.quote(url)}"]
        lines += [f"-H {shlex.quote(f'{k}: {v}')}" for k, v in headers.items()]
        if body:
            lines.append(f"--data-raw {shlex.quote(body)}")
        out.write(" \\\n  ".join(lines) + "\n")
    else:
        out.write(f"{method} {url}\n")
        for k, v in headers.items():
            out.write(f"{k}: {v}\n")
        out.write("\n" + body + ("\n" if body and not body.endswith("\n") else ""))
    if calls is not None:
        out.write("\n")
        print_calls(calls, style, out)


def print_body(body: str, style: str, out: TextIO,
               calls: list[dict[str, Any]] | None = None) -> None:
    """A `.liquid` file's rendered text alone (it has no URL, method or headers)."""
    if style == "json":
        shown: dict[str, Any] = {"body": body}
        if calls is not None:
            shown["calls"] = calls
        json.dump(shown, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    out.write(body + ("\n" if body and not body.endswith("\n") else ""))
    if calls is not None:
        out.write("\n")
        print_calls(calls, style, out)


def print_calls(calls: list[dict[str, Any]], style: str, out: TextIO) -> None:
    """One block per call (`call_view`); after a curl command line, as shell comments;
    with `--as json`, `{"calls": [...]}`."""
    if style == "json":
        json.dump({"calls": calls}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    prefix = "# " if style == "curl" else ""
    for n, call in enumerate(calls, 1):
        if n > 1:
            out.write("\n")
        out.writelines(f"{prefix}{line}".rstrip() + "\n"
                       for line in call_block(n, len(calls), call))
    if not calls:
        out.write(f"{prefix}no connected_content calls\n")


def call_block(n: int, total: int, call: dict[str, Any]) -> list[str]:
    """One call as text lines: the request as sent, then the answer and how it came."""
    lines = [f"connected_content call {n} of {total} ({call['field']}, line {call['line']}, "
             f"column {call['column']})",
             f"  {call['method']} {call['url']}"]
    lines += [f"  {k}: {v}" for k, v in call["request_headers"].items()]
    if call["request_body"] is not None:
        lines.append(f"  request body: {call['request_body']}")
    lines.append(f"  answered by: {call['answered_by']}")
    if call["status"] is not None:
        lines.append(f"  status: {call['status']}")
    if call["answered_by"] != "cache":
        retry = " (with :retry)" if call["retry"] else ""
        attempts = f"{call['attempts']} attempt{'s' if call['attempts'] != 1 else ''}"
        lines.append(f"  duration: {call['duration_ms']:.1f} ms, {attempts}{retry}")
    lines.append(f"  saved to: {call['save']}")
    cache = call["cache"]
    why = ("a POST is cached only with :cache_max_age" if call["method"] == "POST"
           else ":no_cache")
    lines.append(f"  cache: {cache['key']} for {cache['max_age']} s" if cache else
                 f"  cache: none ({why})")
    if call["response_headers"]:
        lines.append("  response headers:")
        lines += [f"    {k}: {v}" for k, v in call["response_headers"].items()]
    if call["status"] is not None:
        size = call["response_size"]
        more = f", the first {BODY_PREVIEW} shown" if call["response_truncated"] else ""
        lines.append(f"  response body ({size} bytes{more}):")
        lines += [f"    {line}" for line in call["response_body"].splitlines()]
    return lines
