"""`rokt-braze fake-braze`: run the fake Braze REST API; `rokt-braze fake-braze log URL`:
print a running fake's delivery log.

The server writes everything to stderr (a banner, then one line per request); the log
command writes the log to stdout (`--json` for the raw JSON). Keys are shown only with
`--show-secrets`; Ctrl-C stops without a trace.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rokt_braze.errors import InputError
from rokt_braze.secrets import REDACTED

if TYPE_CHECKING:
    from rokt_braze.fakes.braze.app import FakeBraze

DEFAULT_SEGMENTS = ("subscribers=performed subscribe", "all-users=all")


def argument_type(parse: Any) -> Any:
    """An argparse type from a parser raising ValueError."""
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except (ValueError, InputError) as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    convert.__name__ = getattr(parse, "__name__", "value").lstrip("_").replace("parse_", "")
    return convert


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise ValueError(f"not a port number: {text!r}")
    return int(text)


def _rate(text: str) -> tuple[int, float]:
    count, _, seconds = text.partition("/")
    try:
        value = (int(count), float(seconds or "1"))
    except ValueError:
        raise ValueError(f"expected REQUESTS/SECONDS, e.g. 3000/3, not {text!r}") from None
    if value[0] < 1 or value[1] <= 0:
        raise ValueError("the rate needs at least 1 request and a positive window")
    return value


def _pair(text: str) -> tuple[str, str]:
    left, eq, right = text.partition("=")
    if not eq or not left or not right:
        raise ValueError(f"expected FROM=TO, not {text!r}")
    return left, right


def _credential(text: str) -> tuple[str, tuple[str, str]]:
    name, eq, rest = text.partition("=")
    user, colon, password = rest.partition(":")
    if not eq or not name or not colon or not user:
        raise ValueError("expected NAME=USER:PASSWORD")
    return name, (user, password)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"not a positive whole number: {text!r}")
    return int(text)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The fake Braze's options (shared with `sandbox`, which sets the wiring itself)."""
    from rokt_braze.fakes.braze.delivery import parse_campaign
    from rokt_braze.fakes.braze.export import parse_segment

    parser.add_argument("--db", metavar="FILE",
                        help="SQLite file that keeps users and deliveries across restarts "
                        "(default: in memory)")
    parser.add_argument("--campaign", metavar="EVENT=WEBHOOK", type=argument_type(parse_campaign),
                        action="append", default=[],
                        help="send WEBHOOK to each user who performs EVENT (repeatable)")
    parser.add_argument("--segment", metavar="ID=CONDITION", type=argument_type(parse_segment),
                        action="append", default=[],
                        help="a segment for /users/export/segment: 'performed EVENT', "
                        "'ATTRIBUTE includes VALUE', 'ATTRIBUTE matches REGEX' or 'all' "
                        f"(repeatable; default: {', '.join(DEFAULT_SEGMENTS)})")
    parser.add_argument("--export-dir", metavar="DIR|URL",
                        help="where segment exports are written: a folder, or a storage URL "
                        "such as s3://bucket/prefix (default: a temporary folder)")
    parser.add_argument("--max-array", type=argument_type(_positive), default=500, metavar="N",
                        help="longest array attribute (default 500)")
    parser.add_argument("--rate-limit", type=argument_type(_rate), default=(3000, 3.0),
                        metavar="N/SECONDS", help="requests per window (default 3000/3)")


DESCRIPTION = ("Serve a local fake of the Braze REST API: /users/track, /users/export/ids, "
               "/users/export/segment, and campaigns triggered by custom events. "
               "`rokt-braze fake-braze log URL` prints a running fake's delivery log.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    _server_arguments(parser)
    actions = parser.add_subparsers(dest="fake_braze_action", metavar="ACTION",
                                    help="what to do besides serving (omit it to serve)")
    log = actions.add_parser("log", help="print the delivery log of a running fake Braze",
                             description="Print the delivery log of a running fake Braze.")
    log.add_argument("url", metavar="URL", help="the fake Braze's base URL")
    log.add_argument("--json", action="store_true", help="print the log as JSON")


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    from rokt_braze.fakes.braze.auth import parse_key_spec

    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=argument_type(_port), default=8090,
                        help="port (default 8090; 0 picks a free one)")
    parser.add_argument("--api-key", metavar="KEY[=PERMISSION,...]",
                        type=argument_type(parse_key_spec), action="append", default=[],
                        help="a REST API key and its permissions (repeatable; default "
                        "permissions: all; default: one random key)")
    add_options(parser)
    parser.add_argument("--base-url", metavar="FROM=TO", type=argument_type(_pair),
                        action="append", default=[],
                        help="send campaign webhooks and connected_content calls for origin "
                        "FROM to TO, e.g. https://api.roktcalendar.com=http://127.0.0.1:8080")
    parser.add_argument("--credential", metavar="NAME=USER:PASSWORD",
                        type=argument_type(_credential), action="append", default=[],
                        help="a Connected Content credential the campaigns' templates name "
                        "(:basic_auth NAME)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print the API keys in the banner")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def log_line(line: str) -> None:
    say(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}")


def main(argv: Sequence[str] | None = None) -> int:
    """The same as `rokt-braze fake-braze ARGS`."""
    from rokt_braze.cli import main as cli_main

    return cli_main(["fake-braze", *(sys.argv[1:] if argv is None else argv)])


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (or print a running fake's log); InputError for bad input."""
    if args.fake_braze_action == "log":
        return print_log(args.url, as_json=args.json)
    from rokt_braze.fakes.braze.app import FakeBraze
    from rokt_braze.fakes.braze.auth import ApiKey
    from rokt_braze.fakes.braze.export import parse_segment

    keys = args.api_key or [ApiKey(secrets.token_urlsafe(24))]
    segments = args.segment or [parse_segment(s) for s in DEFAULT_SEGMENTS]
    try:
        fake = FakeBraze(
            keys, db=args.db, rate_limit=args.rate_limit, max_array=args.max_array,
            export_dir=args.export_dir, segments=segments, campaigns=args.campaign,
            base_urls=dict(args.base_url), credentials=dict(args.credential),
            host=args.host, port=args.port, log=log_line,
        )
    except (ImportError, ValueError) as exc:
        raise InputError(f"fake-braze: {exc}") from None
    try:
        try:
            fake.bind()
        except OSError as exc:
            raise InputError(f"fake-braze: cannot listen on {args.host}:{args.port}: "
                             f"{exc.strerror or exc}") from None
        banner(fake, [k.key for k in keys], args.db, args.show_secrets)
        fake.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        fake.stop()
    return 0


def banner(fake: FakeBraze, keys: Sequence[str], db: str | None, show: bool) -> None:
    base = fake.base_url
    say(f"fake Braze REST API on {base}")
    say(f"  track:     POST {base}/users/track")
    say(f"  export:    POST {base}/users/export/ids, {base}/users/export/segment")
    say(f"  log:       GET  {base}/fake/deliveries  (rokt-braze fake-braze log {base})")
    for key in keys:
        say(f"  api key:   {key if show else REDACTED + ' (--show-secrets prints it)'}")
    for segment in fake.segments.values():
        say(f"  segment:   {segment.segment_id} = {segment.condition}")
    for campaign in fake.deliverer.campaigns:
        say(f"  campaign:  {campaign.event} -> {campaign.webhook}")
    say(f"  exports:   {fake.export_dir}")
    say(f"  database:  {db or 'in memory (lost at exit)'}")
    say("Press Ctrl-C to stop.")


def print_log(url: str, *, as_json: bool = False) -> int:
    """`rokt-braze fake-braze log URL [--json]`: the delivery log of a running fake."""
    import requests

    where = url.rstrip("/") + "/fake/deliveries"
    try:
        response = requests.get(where, timeout=10)
    except (requests.RequestException, ValueError) as err:
        raise InputError(f"fake-braze log: {url}: no delivery log there "
                         f"({type(err).__name__}; is the fake Braze running?)") from None
    try:
        log = response.json()["deliveries"]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"fake-braze log: {url}: no delivery log there (GET {where} answered "
                         f"HTTP {response.status_code}; is this the fake Braze's URL?)") from None
    if as_json:
        json.dump(log, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not log:
        print("no deliveries yet")
    for entry in log:
        request = entry.get("request") or {}
        target = f"{request.get('method', '')} {request.get('url', '')}".strip()
        status = entry["status"] if entry["status"] is not None else "-"
        print(f"#{entry['id']} {entry['state']:<8} {entry['campaign']} -> {entry['user']} "
              f"{target} [{status}] attempts={entry['attempts']}"
              + (f" {entry['detail']}" if entry["state"] != "sent" and entry["detail"] else ""))
        for finding in entry.get("findings") or []:
            print(f"    {finding['severity']}: {finding['rule']} {finding['message']}")
    return 0
