"""The `rokt-braze` command line.

Exit statuses mean one thing each: 0 nothing at or above the fail level; 1 findings at
or above it (or, for `send`, a non-2xx answer); 2 a usage or input error, printed as one
line with no traceback; 3 an internal error (a bug: please report it); 130 interrupted
(Ctrl-C), with one line.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from rokt_braze.cli_util import FAIL_LEVELS, report_stream
from rokt_braze.errors import InputError, MessageAborted, RoktBrazeError, TemplateError
from rokt_braze.secrets import redact_header, redact_userinfo

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.connected.live import LiveTransport
    from rokt_braze.webhook import RenderResult

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: Ctrl-C, as shells report a command SIGINT ended (128 + 2).
EXIT_INTERRUPTED = 130


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
    check.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("--config", metavar="FILE", help="config file (default: nearest "
                       ".rokt-braze.toml or pyproject.toml with [tool.rokt-braze])")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    check.add_argument("--fixtures", metavar="FILE",
                       help="connected_content fixture file (as for render)")
    check.add_argument("--no-cache", action="store_true",
                       help="check every file again, ignoring and not writing the result "
                       "cache (also ROKT_BRAZE_NO_CACHE=1; the cache lives in "
                       "ROKT_BRAZE_CACHE_DIR, default ~/.cache/rokt-braze)")
    check.add_argument("--exclude", action="append", metavar="PATTERN",
                       help="skip files and folders matching PATTERN (.gitignore syntax; "
                       "repeatable); replaces the config's exclude and the default list "
                       "(build/, dist/, virtual environments, ...)")
    check.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERN",
                       help="skip these too, keeping the defaults and the config's (repeatable)")
    _live_options(check)

    render = sub.add_parser("render", help="print the request a webhook renders to")
    render.add_argument("file", metavar="FILE")
    render.add_argument("--profile", metavar="FILE", help="profile file (default: the bundled "
                        "sample Rokt subscriber)")
    render.add_argument("--as", dest="as_", choices=("http", "curl", "json"), default="http")
    render.add_argument("--show-secrets", action="store_true",
                        help="print Authorization values and credentials unredacted")
    render.add_argument("--fixtures", metavar="FILE", help="connected_content fixture file")
    render.add_argument("--config", metavar="FILE", help="config file")
    _live_options(render)

    send = sub.add_parser("send", help="render a webhook (live connected_content) and send it, "
                          "like Braze's Send Test")
    send.add_argument("file", metavar="WEBHOOK")
    send.add_argument("--profile", metavar="FILE", help="profile file (default: the bundled "
                      "sample Rokt subscriber)")
    send.add_argument("--to", metavar="BASE", help="send to this origin instead of the URL's "
                      "(e.g. http://127.0.0.1:8080 for `rokt-braze fake-rokt`); connected_content "
                      "calls to the URL's origin go there too")
    send.add_argument("--show-secrets", action="store_true")
    send.add_argument("--config", metavar="FILE", help="config file")
    _live_options(send, always_live=True)

    from rokt_braze.fuzz.cli import add_parser as add_fuzz_parser

    add_fuzz_parser(sub)
    from rokt_braze.audience.cli import add_parser as add_audience

    add_audience(sub)

    sub.add_parser("fake-rokt", help="run a local fake of the Rokt Calendar API "
                   "(rokt-braze fake-rokt --help)", add_help=False)
    sub.add_parser("fake-braze", help="run a local fake of the Braze REST API "
                   "(rokt-braze fake-braze --help)", add_help=False)
    sub.add_parser("sandbox", help="run both fakes wired together: subscribe, export, "
                   "campaign, calendar feed (rokt-braze sandbox --help)", add_help=False)
    return parser


def _live_options(parser: argparse.ArgumentParser, *, always_live: bool = False) -> None:
    if not always_live:
        parser.add_argument("--live", action="store_true",
                            help="make real connected_content calls (to allowed hosts only)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST[:PORT]",
                        help="host live calls may go to (repeatable; .example.com for a "
                        "domain); ports 80 and 443 only, as Braze, unless HOST:PORT or HOST:* "
                        "allows others")
    parser.add_argument("--base-url", action="append", default=[], metavar="FROM=TO",
                        help="send calls for origin FROM to origin TO, e.g. "
                        "https://api.roktcalendar.com=http://127.0.0.1:8080 (other schemes and "
                        "ports of FROM's host are refused)")
    parser.add_argument("--trust-env", action="store_true",
                        help="use proxy and CA-bundle settings from the environment "
                        "(HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE); ~/.netrc is never read")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl-C at any point (even while starting) is one line and 130."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["fake-rokt"]:
        from rokt_braze.fakes.rokt.cli import main as fake_main

        return fake_main(args_list[1:])
    if args_list[:1] == ["fake-braze"]:
        from rokt_braze.fakes.braze.cli import main as fake_braze_main

        return fake_braze_main(args_list[1:])
    if args_list[:1] == ["sandbox"]:
        from rokt_braze.fakes.sandbox import main as sandbox_main

        return sandbox_main(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "send":
            return run_send(args)
        if args.command == "audience":
            from rokt_braze.audience.cli import run as run_audience

            return run_audience(args)
        if args.command == "fuzz":
            from rokt_braze.fuzz.cli import run as run_fuzz

            return run_fuzz(args)
        return run_render(args)
    except (InputError, UsageError) as err:
        _error(str(err))
        return EXIT_INPUT
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
    from rokt_braze.cache import check_cached, disabled_by_environment
    from rokt_braze.config import load_config
    from rokt_braze.report import fail_level, fails, write_report

    config = load_config(args.config)
    _command_line_excludes(args, config)
    if not args.live:
        _offline_check(args)
    if args.live or args.no_cache or disabled_by_environment():
        from rokt_braze.checking import check
        from rokt_braze.resources import load_fixture_file

        transport = live_transport(args, config) if args.live else None
        fixtures = load_fixture_file(args.fixtures) if args.fixtures else None
        result = check(args.paths, args.profile, config=config, transport=transport,
                       fixtures=fixtures)
    else:
        result = check_cached(args.paths, args.profile, config=config, fixtures=args.fixtures)
    fail_on = fail_level(args.fail_on or config.fail_on)
    for message in result.input_errors:
        _error(message)
    with report_stream(args.output) as out:
        write_report(result, args.format, out, fail_on=fail_on)
    if result.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if fails(result, fail_on) else EXIT_OK


def _command_line_excludes(args: argparse.Namespace, config: Config) -> None:
    """--exclude / --extend-exclude, relative to the working folder, into the config."""
    from pathlib import Path

    from rokt_braze.discovery import rebase

    here = Path.cwd()
    if args.exclude is not None:
        config.exclude = [rebase(p, here, config.root) for p in args.exclude]
    config.extend_exclude = [*config.extend_exclude,
                             *(rebase(p, here, config.root) for p in args.extend_exclude)]


def live_transport(
    args: argparse.Namespace, config: Config, extra_base_urls: dict[str, str] | None = None
) -> LiveTransport:
    """A live transport from the config plus --allow-host / --base-url (and send's --to);
    a malformed host, URL or rewrite is a usage error before any work is done."""
    from rokt_braze.connected.live import Credential, LiveTransport

    base_urls = dict(config.base_urls)
    for item in args.base_url:
        origin, sep, target = item.partition("=")
        if not sep or not origin or not target:
            raise UsageError(f"--base-url {redact_userinfo(item)!r}: expected FROM=TO")
        base_urls[origin] = target
    base_urls.update(extra_base_urls or {})
    credentials = {
        name: Credential(str(spec.get("username", "")), str(spec.get("password", "")),
                         {str(k): str(v) for k, v in dict(spec.get("headers", {})).items()})
        for name, spec in config.credentials.items()
    }
    try:
        return LiveTransport(allow_hosts=[*config.allow_hosts, *args.allow_host],
                             base_urls=base_urls, credentials=credentials,
                             trust_env=args.trust_env)
    except ValueError as err:
        raise UsageError(redact_userinfo(str(err))) from None


def _offline_check(args: argparse.Namespace) -> None:
    """Live-mode options without --live would be silently ignored: refuse them."""
    given = [name for name, value in (("--allow-host", args.allow_host),
                                      ("--base-url", args.base_url),
                                      ("--trust-env", args.trust_env)) if value]
    if given:
        raise UsageError(f"{', '.join(given)} only apply with --live")


def _render_one(
    args: argparse.Namespace, config: Config, transport: LiveTransport | None
) -> RenderResult:
    """Render the webhook for one profile; MessageAborted/TemplateError reach the caller."""
    from rokt_braze.profiles import load_profiles, sample_subscriber
    from rokt_braze.resources import build_resources, load_fixture_file
    from rokt_braze.webhook import load_webhook, render_message

    webhook = load_webhook(args.file)
    if args.profile:
        profiles = load_profiles(args.profile)
        if len(profiles) != 1:
            raise UsageError(f"{args.profile}: holds {len(profiles)} profiles; "
                             f"{args.command} takes one")
        profile = profiles[0]
    else:
        profile = sample_subscriber()
    fixture_file = getattr(args, "fixtures", None)
    fixtures = load_fixture_file(fixture_file) if fixture_file else None
    resources = build_resources((fixture_file or "", fixtures),
                                (profile.source or profile.name, profile.fixtures),
                                (webhook.path, webhook.fixtures), transport=transport,
                                limits=config.limits)
    try:
        return render_message(webhook, profile.namespaces(), resources)
    except (MessageAborted, TemplateError) as err:
        err.source_name = webhook.path  # type: ignore[union-attr]
        raise


def _report_render_failure(path: str, err: MessageAborted | TemplateError) -> int:
    where = f"{path}:{err.line}:{err.column}: " if err.line else f"{path}: "
    if isinstance(err, MessageAborted):
        _error(redact_userinfo(f"{where}message aborted: {err.reason or 'abort_message called'} "
                               "(Braze would send nothing)"))
    else:
        _error(redact_userinfo(f"{where}{err.rule} {err.message}"))
    return EXIT_FINDINGS


def _report_failed_calls(path: str, result: RenderResult) -> bool:
    """One error line per connected_content call that got no answer (without :retry
    Braze sends the message with that output blank); True when there was one."""
    failed = False
    for fld, call in result.calls:
        if call.status is None and call.failure:
            line, column = fld.position(call.index)
            _error(redact_userinfo(f"{path}:{line}:{column}: connected_content {call.failure} "
                                   "(Braze would send the message with this output blank)"))
            failed = True
    return failed


def run_render(args: argparse.Namespace) -> int:
    from rokt_braze.config import load_config

    config = load_config(args.config)
    if not args.live:
        _offline_check(args)
    transport = live_transport(args, config) if args.live else None
    try:
        result = _render_one(args, config, transport)
    except (MessageAborted, TemplateError) as err:
        return _report_render_failure(args.file, err)
    request = result.request
    failed = _report_failed_calls(args.file, result)
    url, headers, body = request.url, dict(request.headers), request.body
    if not args.show_secrets:
        url, body = redact_userinfo(url), redact_userinfo(body)
        headers = {k: redact_userinfo(redact_header(k, v)) for k, v in headers.items()}
    print_request(request.method, url, headers, body, args.as_, sys.stdout)
    return EXIT_FINDINGS if failed else EXIT_OK


#: Braze gives a webhook request 90 seconds.
WEBHOOK_BUDGET = 90.0


def run_send(args: argparse.Namespace) -> int:
    """Render with live connected_content, send like Braze's Send Test, print the answer;
    1 on a non-2xx answer or a failed call. The webhook's own URL obeys the same rules as
    connected_content calls: allowed hosts and ports only, rewritten by --to/--base-url."""
    from http import HTTPStatus

    from rokt_braze.config import load_config
    from rokt_braze.connected import CallFailed
    from rokt_braze.connected.live import MAX_BYTES, Rewrite, parse_place
    from rokt_braze.printable import escape_controls
    from rokt_braze.webhook import load_webhook

    if args.to:
        try:
            parse_place(args.to, what=f"--to {args.to!r}")
        except ValueError as err:
            raise UsageError(redact_userinfo(str(err))) from None
    config = load_config(args.config)
    live_transport(args, config)  # --base-url and --allow-host checked before any work
    webhook = load_webhook(args.file)  # a bad file fails here, before any call
    extra: dict[str, str] = {}
    origin = _url_origin(webhook.url.source if webhook.url else "") if args.to else ""
    if origin:
        extra[origin] = args.to
    transport = live_transport(args, config, extra)
    try:
        result = _render_one(args, config, transport)
    except (MessageAborted, TemplateError) as err:
        return _report_render_failure(args.file, err)
    failed = _report_failed_calls(args.file, result)
    request = result.request
    try:
        if args.to and not origin:  # the origin is templated: rewrite the rendered one
            place = parse_place(request.url)
            moved = Rewrite.parse(place.origin, args.to).apply(place)
            place = moved if moved is not None else place
        else:
            place = transport.resolve(request.url)
        what = f"{request.method} {place.origin}{place.path}"
        response = transport.exchange(request.method, place, request.headers, request.body,
                                      budget=WEBHOOK_BUDGET, max_bytes=MAX_BYTES, what=what)
    except CallFailed as err:
        _error(redact_userinfo(f"send: {err.message}"))
        return EXIT_FINDINGS
    except ValueError as err:  # the rendered URL itself is malformed
        _error(redact_userinfo(f"send: {err}"))
        return EXIT_FINDINGS
    out = sys.stdout
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    out.write(f"HTTP {response.status} {reason}".rstrip() + "\n")
    for key, value in response.headers.items():  # the server's text: no raw controls
        shown = value if args.show_secrets else redact_header(key, value)
        out.write(escape_controls(f"{key}: {shown}") + "\n")
    text = escape_controls(response.text, keep="\n\t")
    out.write("\n" + text + ("\n" if text and not text.endswith("\n") else ""))
    return EXIT_OK if response.ok and not failed else EXIT_FINDINGS


def _url_origin(template: str) -> str:
    """The origin a URL template names (read from its text, before rendering)."""
    import re

    m = re.search(r"https?://[^/\s{}\"']+", template)
    return m.group() if m else ""


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
