"""`rokt-braze fake-rokt`: run the fake Rokt Calendar API in the foreground.

Everything goes to stderr (a banner, then one redacted line per request), so stdout
stays free. Secrets are shown only with `--show-secrets`; Ctrl-C stops without a trace.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from typing import TYPE_CHECKING

from rokt_braze.errors import InputError
from rokt_braze.fakes.core import clean_line
from rokt_braze.fakes.rokt.push_options import add_push_options, push_config
from rokt_braze.secrets import REDACTED

if TYPE_CHECKING:
    from rokt_braze.fakes.rokt.server import FakeRokt

DEMO_CLIENT_ID = "demo-client"
DESCRIPTION = ("Serve a local fake of the Rokt Calendar API (OAuth token, create/update/delete "
               "subscription events, and an iCalendar feed per subscription).")


def _client(text: str) -> tuple[str, str]:
    client_id, colon, secret = text.partition(":")
    if not colon or not client_id or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET, both non-empty")
    return client_id, secret


def _account(text: str) -> tuple[str, str | None]:
    code, equals, owner = text.partition("=")
    if not code or (equals and not owner):
        raise argparse.ArgumentTypeError("expected CODE or CODE=CLIENT_ID")
    return code, owner or None


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--db",
        metavar="FILE",
        help="SQLite file that keeps state across restarts (default: in memory)",
    )
    parser.add_argument(
        "--client", metavar="ID:SECRET", type=_client, action="append", default=[],
        help="an OAuth client (repeatable; default: one demo client with a random secret)",
    )  # fmt: skip
    parser.add_argument(
        "--account", metavar="CODE[=CLIENT_ID]", type=_account, action="append", default=[],
        help="an account code the fake knows, optionally owned by one client (repeatable; "
        "default: accept any code; an account without an owner belongs to the first client "
        "that uses it, and other clients get 403)",
    )  # fmt: skip
    parser.add_argument(
        "--expires-in",
        type=_positive,
        default=300,
        metavar="SECONDS",
        help="access-token lifetime (default 300)",
    )
    parser.add_argument(
        "--show-secrets", action="store_true", help="print client secrets in the banner"
    )
    add_push_options(parser)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _log(line: str) -> None:
    _say(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {clean_line(line)}")


def main(argv: list[str] | None = None) -> int:
    """`python -m rokt_braze.fakes.rokt ARGS`: the same as `rokt-braze fake-rokt ARGS`."""
    from rokt_braze.cli import main as cli_main

    return cli_main(["fake-rokt", *(sys.argv[1:] if argv is None else argv)])


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; InputError for a server that cannot start."""
    from rokt_braze.fakes.rokt.server import FakeRokt  # after parsing: --help stays fast

    clients = dict(args.client) or {DEMO_CLIENT_ID: secrets.token_urlsafe(18)}
    try:
        subscribers = push_config(args)
    except ValueError as exc:
        raise InputError(f"fake-rokt: {exc}") from None
    try:
        fake = FakeRokt(
            subscribers=subscribers,
            clients=clients,
            accounts=dict(args.account) or None,
            expires_in=args.expires_in,
            db=args.db,
            host=args.host,
            port=args.port,
            log=_log,
        )
    except (ImportError, ValueError) as exc:
        raise InputError(f"fake-rokt: {exc}") from None
    try:
        try:
            fake.bind()
        except OSError as exc:
            reason = exc.strerror or exc
            raise InputError(f"fake-rokt: cannot listen on {args.host}:{args.port}: "
                             f"{reason}") from None
        if not _loopback(args.host):
            _say(f"warning: listening on {args.host}, beyond this machine: anyone who can reach "
                 "it can use its clients and read its feeds")
        _banner(fake, clients, args.account, args.db, args.show_secrets)
        fake.serve_forever()
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        fake.stop()
    return 0


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _banner(
    fake: FakeRokt,
    clients: dict[str, str],
    accounts: list[tuple[str, str | None]],
    db: str | None,
    show: bool,
) -> None:
    base = fake.base_url
    _say(f"fake Rokt Calendar API on {base}")
    _say(f"  token:     POST {base}/oauth2/token")
    _say(f"  events:    POST {base}/v1/subscriptionevent/{{accountCode}}[/update]")
    _say(f"  feed:      GET  {base}/calendars/{{subscriptionId}}.ics")
    for client_id, secret in clients.items():
        shown = secret if show else f"{REDACTED} (--show-secrets prints it)"
        _say(clean_line(f"  client:    {client_id}:{shown}"))
    named = [code + (f" (client {owner})" if owner else "") for code, owner in accounts]
    _say(clean_line(f"  accounts:  {', '.join(named) if named else 'any'}"))
    if fake.subscribers is not None:
        _say(f"  subscribe: POST {base}/v1/subscribe/{{calendarCode}}")
        pusher = fake.subscribers.pusher
        _say(clean_line(f"  push to:   {pusher.url if pusher else 'nowhere (no --braze-url)'}"))
    _say(f"  database:  {db or 'in memory (lost at exit)'}")
    _say("Press Ctrl-C to stop.")


if __name__ == "__main__":
    sys.exit(main())
