"""The `rokt-braze` command line.

Exit statuses mean one thing each: 0 nothing at or above the fail level; 1 findings at
or above it (or, for `send`, a non-2xx answer); 2 a usage or input error, printed as one
line with no traceback; 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from typing import TextIO

from rokt_braze.errors import InputError, MessageAborted, RoktBrazeError, TemplateError
from rokt_braze.findings import CheckResult, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
REDACTED = "********"
#: Header names whose values are credentials.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key",
                            "cookie", "x-auth-token"})


class UsageError(Exception):
    """A bad combination of options (argparse handles the rest)."""


def build_parser() -> argparse.ArgumentParser:
    from rokt_braze import __version__
    from rokt_braze.report import FORMATS

    parser = argparse.ArgumentParser(
        prog="rokt-braze",
        description="Render Braze webhook templates offline and check them against the "
        "Rokt Calendar API.",
    )
    parser.add_argument("--version", action="version", version=f"rokt-braze {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser("check", help="lint, render and validate templates (the main job)")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="webhook files, .liquid files or folders (default: .)")
    check.add_argument("--profile", action="append", metavar="FILE",
                       help="profile file to render with (repeatable)")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default=None,
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("--config", metavar="FILE", help="config file (default: nearest "
                       ".rokt-braze.toml or pyproject.toml with [tool.rokt-braze])")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")

    render = sub.add_parser("render", help="print the request a webhook renders to")
    render.add_argument("file", metavar="FILE")
    render.add_argument("--profile", metavar="FILE", help="profile file (default: the bundled "
                        "sample Rokt subscriber)")
    render.add_argument("--as", dest="as_", choices=("http", "curl", "json"), default="http")
    render.add_argument("--show-secrets", action="store_true",
                        help="print Authorization values and credentials unredacted")
    render.add_argument("--fixtures", metavar="FILE", help="connected_content fixture file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["fake-rokt"]:
        from rokt_braze.fake_rokt.cli import main as fake_main

        return fake_main(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "check":
            return run_check(args)
        return run_render(args)
    except (InputError, UsageError) as err:
        _error(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # a bug; say so in one line, traceback only on request
        if os.environ.get("ROKT_BRAZE_DEBUG"):
            raise
        _error(f"internal error: {type(err).__name__}: {err} "
               "(set ROKT_BRAZE_DEBUG=1 for a traceback, and please report it)")
        return EXIT_INTERNAL


def _error(message: str) -> None:
    sys.stderr.write(f"rokt-braze: {message}\n")


def run_check(args: argparse.Namespace) -> int:
    from rokt_braze.checking import check
    from rokt_braze.config import load_config
    from rokt_braze.report import write_report

    config = load_config(args.config)
    result = check(args.paths, args.profile, config=config)
    fail_on = args.fail_on or config.fail_on
    for message in result.input_errors:
        _error(message)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                write_report(result, args.format, out)
        except OSError as err:
            raise InputError(f"cannot write report: {err.strerror}", path=args.output) from None
    else:
        write_report(result, args.format, sys.stdout)
    if result.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if fails(result, fail_on) else EXIT_OK


def fails(result: CheckResult, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    level = Severity.parse(fail_on)
    return any(f.severity >= level for f in result.findings)


def run_render(args: argparse.Namespace) -> int:
    from rokt_braze.profiles import load_profiles, sample_subscriber
    from rokt_braze.resources import build_resources, load_fixture_file
    from rokt_braze.webhook import load_webhook, render_message

    webhook = load_webhook(args.file)
    if args.profile:
        profiles = load_profiles(args.profile)
        if len(profiles) != 1:
            raise UsageError(f"{args.profile}: holds {len(profiles)} profiles; render takes one")
        profile = profiles[0]
    else:
        profile = sample_subscriber()
    fixtures = load_fixture_file(args.fixtures) if args.fixtures else None
    resources = build_resources((args.fixtures or "", fixtures),
                                (profile.source or profile.name, profile.fixtures),
                                (webhook.path, webhook.fixtures))
    try:
        request = render_message(webhook, profile.namespaces(), resources).request
    except MessageAborted as abort:
        where = f"{webhook.path}:{abort.line}:{abort.column}: " if abort.line else ""
        _error(f"{where}message aborted: {abort.reason or 'abort_message called'} "
               "(Braze would send nothing)")
        return EXIT_FINDINGS
    except TemplateError as err:
        _error(f"{webhook.path}:{err.line}:{err.column}: {err.rule} {err.message}")
        return EXIT_FINDINGS
    headers = dict(request.headers)
    if not args.show_secrets:
        headers = {k: redact_header(k, v) for k, v in headers.items()}
    print_request(request.method, request.url, headers, request.body, args.as_, sys.stdout)
    return EXIT_OK


def redact_header(name: str, value: str) -> str:
    """Keep the scheme (`Bearer`, `Basic`) so the shape stays checkable; hide the secret."""
    if name.lower() not in SECRET_HEADERS or not value:
        return value
    scheme, _, secret = value.partition(" ")
    if secret and scheme.isalpha():
        return f"{scheme} {REDACTED}" if secret.strip() else value
    return REDACTED


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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["RoktBrazeError", "main"]
