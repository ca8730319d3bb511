"""What every subcommand shares: exit statuses, `--fail-on`, live-mode options, where a
report goes. Each subcommand is a module with `add_arguments(parser)` and `run(args)`,
registered in `rokt_braze.cli.COMMANDS`.

Exit statuses mean one thing each, for every subcommand: 0 nothing at or above the fail
level; 1 findings at or above it (for `send`, a non-2xx answer); 2 a usage or input error,
one line, no traceback; 3 an internal error (a bug: please report it); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from rokt_braze.errors import InputError
from rokt_braze.findings import FAIL_LEVELS, Severity, fail_level, fails
from rokt_braze.secrets import redact_userinfo

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.connected.live import LiveTransport

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: The exit statuses, as `--help` lists them (a command's own epilog).
EXIT_STATUS_HELP = f"""\
exit status:
  {EXIT_OK}    nothing at or above the fail level (--fail-on)
  {EXIT_FINDINGS}    findings at or above it (send: the answer was not 2xx)
  {EXIT_INPUT}    a usage or input error (one line on stderr: bad option, unreadable file, bad YAML)
  {EXIT_INTERNAL}    an internal error (a bug: please report it)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)"""
#: The same for the fake servers, which run until stopped.
SERVER_EXIT_STATUS_HELP = f"""\
exit status:
  {EXIT_OK}    stopped (Ctrl-C)
  {EXIT_INPUT}    a usage or input error (one line on stderr)
  {EXIT_INTERNAL}    an internal error (a bug: please report it)"""



class UsageError(InputError):
    """A bad combination of options (argparse handles the rest)."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_fail_on(parser: argparse.ArgumentParser, what: str = "makes the exit status 1") -> None:
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                        help=f"lowest severity that {what} (default: the config's, else error)")


def add_format(parser: argparse.ArgumentParser, kind: str) -> None:
    """--format, with the formats the report registry has for this kind of result."""
    from rokt_braze.report import formats

    names = formats(kind)
    parser.add_argument("--format", choices=names, default=names[0],
                        help=f"report format (default: {names[0]})")


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: nearest "
                        ".rokt-braze.toml or pyproject.toml with [tool.rokt-braze])")


def level(args: argparse.Namespace, config: Config) -> Severity | None:
    """The fail level: `--fail-on`, else the config's `fail-on` (None: never)."""
    return fail_level(args.fail_on or config.fail_on)


def exit_status(worst: Severity | None, fail_at: Severity | None) -> int:
    """0 or 1: the one place a subcommand's findings become its exit status."""
    return EXIT_FINDINGS if fails(worst, fail_at) else EXIT_OK


def error(message: str) -> None:
    sys.stderr.write(f"rokt-braze: {message}\n")


@contextmanager
def report_stream(path: str | None) -> Iterator[TextIO]:
    """Standard output, or the file given with --output (an InputError if unwritable)."""
    if not path:
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as err:
        raise InputError(f"cannot write report: {err.strerror}", path=path) from None
    with handle:
        yield handle


def add_live_options(parser: argparse.ArgumentParser, *, always_live: bool = False) -> None:
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


def offline_check(args: argparse.Namespace) -> None:
    """Live-mode options without --live would be silently ignored: refuse them."""
    given = [name for name, value in (("--allow-host", args.allow_host),
                                      ("--base-url", args.base_url),
                                      ("--trust-env", args.trust_env)) if value]
    if given:
        raise UsageError(f"{', '.join(given)} only apply with --live")


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
