"""`rokt-braze render FILE`: print the request a webhook renders to, through the pipeline
(the same fixtures as `check`: `--fixtures`, the profile's, the webhook's, the config's)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING, TextIO

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
from rokt_braze.secrets import redact_header, redact_userinfo

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.connected import Transport
    from rokt_braze.webhook import RenderResult, Webhook

__all__ = ["add_arguments", "print_request", "render_result", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a *.webhook.yaml file")
    add_profile(parser)
    parser.add_argument("--as", dest="as_", choices=("http", "curl", "json"), default="http",
                        help="print the request as HTTP (default), a curl command line, or "
                        "JSON (method, url, headers, body)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print Authorization values and credentials unredacted")
    parser.add_argument("--fixtures", metavar="FILE", help="connected_content fixture file")
    add_config(parser)
    add_live_options(parser)


def add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="FILE", help="profile file (default: the bundled "
                        "sample Rokt subscriber)")


def run(args: argparse.Namespace) -> int:
    from rokt_braze.config import load_config
    from rokt_braze.webhook import load_webhook

    config = load_config(args.config)
    if not args.live:
        offline_check(args)
    transport = live_transport(args, config) if args.live else None
    webhook = load_webhook(args.file)
    try:
        result = render_result(args, webhook, config, transport)
    except (MessageAborted, TemplateError) as err:
        return report_failure(args.file, err)
    request = result.request
    failed = report_failed_calls(args.file, result)
    url, headers, body = request.url, dict(request.headers), request.body
    if not args.show_secrets:
        url, body = redact_userinfo(url), redact_userinfo(body)
        headers = {k: redact_userinfo(redact_header(k, v)) for k, v in headers.items()}
    print_request(request.method, url, headers, body, args.as_, sys.stdout)
    return EXIT_FINDINGS if failed else EXIT_OK


def render_result(
    args: argparse.Namespace, webhook: Webhook, config: Config, transport: Transport | None
) -> RenderResult:
    """The message for `--profile` (one profile; default: the sample subscriber), rendered
    by the pipeline; MessageAborted/TemplateError reach the caller."""
    from rokt_braze.pipeline import Pipeline, Settings
    from rokt_braze.profiles import load_profiles, sample_subscriber

    if args.profile:
        profiles = load_profiles(args.profile)
        if len(profiles) != 1:
            raise UsageError(f"{args.profile}: holds {len(profiles)} profiles; "
                             f"{args.command} takes one")
        profile = profiles[0]
    else:
        profile = sample_subscriber()
    settings = Settings.make(config, fixtures_file=getattr(args, "fixtures", None),
                             transport=transport)
    outcome = Pipeline(webhook, settings).render(profile)
    outcome.request()  # raises what stopped the render
    assert outcome.result is not None
    return outcome.result


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
                  out: TextIO) -> None:
    if style == "json":
        json.dump({"method": method, "url": url, "headers": headers, "body": body}, out,
                  indent=2, ensure_ascii=False)
        out.write("\n")
    elif style == "curl":
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
