"""`rokt-braze sandbox`: the fake Rokt and the fake Braze on free loopback ports, wired.

* the fake Rokt knows one demo account and calendar, and pushes subscribers to the fake
  Braze with a REST key the fake Braze accepts;
* the fake Braze sends `api.roktcalendar.com` requests (the OAuth token call included) to
  the fake Rokt, holds the Connected Content credential the stock templates name
  (`Rokt-Calendar-API`) with the fake Rokt's client credentials, and by default maps the
  `subscribe` event to the stock create webhook.

It prints the URLs, the key and the credentials (all made up for this run) and the next
commands, then serves until Ctrl-C or SIGTERM. `--json` prints one JSON line instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rokt_braze.errors import InputError

__all__ = ["Sandbox", "main", "running_sandbox"]

ROKT_ORIGIN = "https://api.roktcalendar.com"
CREDENTIAL = "Rokt-Calendar-API"
ACCOUNT, CALENDAR = "demo", "demo-calendar"
STOCK_CREATE = Path(__file__).resolve().parents[1] / "templates" / "rokt-create-event.webhook.yaml"


@dataclass(frozen=True)
class Sandbox:
    rokt_url: str
    braze_url: str
    braze_api_key: str
    rokt_client_id: str
    rokt_client_secret: str
    account_code: str
    calendar_code: str
    export_dir: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rokt_url": self.rokt_url, "braze_url": self.braze_url,
            "braze_api_key": self.braze_api_key, "rokt_client_id": self.rokt_client_id,
            "rokt_client_secret": self.rokt_client_secret, "account_code": self.account_code,
            "calendar_code": self.calendar_code, "export_dir": self.export_dir,
        }


@contextmanager
def running_sandbox(
    *,
    campaigns: Sequence[Any] | None = None,
    folder: str | None = None,
    log: Any = None,
    retry_base: float = 1.0,
) -> Iterator[Sandbox]:
    """Both fakes serving for the `with` block; state lives in `folder` (default: a
    temporary one, removed at the end)."""
    from rokt_braze.fakes.braze.app import FakeBraze
    from rokt_braze.fakes.braze.auth import ApiKey
    from rokt_braze.fakes.braze.delivery import Campaign
    from rokt_braze.fakes.braze.export import parse_segment
    from rokt_braze.fakes.rokt.server import FakeRokt
    from rokt_braze.fakes.rokt.subscribers import Calendar, SubscribersConfig

    with _folder(folder) as base:
        key = secrets.token_urlsafe(24)
        client_id, client_secret = "sandbox-client", secrets.token_urlsafe(18)
        chosen = list(campaigns) if campaigns is not None else [
            Campaign("subscribe", str(STOCK_CREATE))
        ]
        braze = FakeBraze(
            [ApiKey(key)], db=base / "braze.sqlite3", export_dir=base / "exports",
            segments=[parse_segment("subscribers=performed subscribe"),
                      parse_segment(f"{CALENDAR}=rokt:calendar_code matches ^{CALENDAR}/"),
                      parse_segment("all-users=all")],
            campaigns=chosen, credentials={CREDENTIAL: (client_id, client_secret)},
            retry_base=retry_base, log=log,
        )
        rokt: FakeRokt | None = None
        try:
            braze.bind()
            rokt = FakeRokt(
                clients={client_id: client_secret}, db=base / "rokt.sqlite3", log=log,
                subscribers=SubscribersConfig(
                    [Calendar(CALENDAR, ACCOUNT, "Demo Calendar")], braze.base_url, key
                ),
            )
            rokt.bind()
            braze.deliverer.set_base_url(ROKT_ORIGIN, rokt.base_url)
            braze.start()
            rokt.start()
            yield Sandbox(rokt.base_url, braze.base_url, key, client_id, client_secret,
                          ACCOUNT, CALENDAR, str(base / "exports"))
        finally:
            if rokt is not None:
                rokt.stop()
            braze.stop()


@contextmanager
def _folder(folder: str | None) -> Iterator[Path]:
    if folder is not None:
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"cannot create the folder: {err.strerror or err}",
                             path=folder) from None
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="rokt-braze-sandbox-") as tmp:
        yield Path(tmp)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from rokt_braze.fakes.braze.cli import argument_type
    from rokt_braze.fakes.braze.delivery import parse_campaign

    parser.description = ("Run the fake Rokt Calendar API and the fake Braze REST API on free "
                          "loopback ports, wired to each other, until interrupted.")
    parser.add_argument("--campaign", metavar="EVENT=WEBHOOK",
                        type=argument_type(parse_campaign), action="append", default=None,
                        help="send WEBHOOK when a user performs EVENT (repeatable; default: "
                        "subscribe=the stock create webhook)")
    parser.add_argument("--dir", metavar="DIR",
                        help="keep the databases and exports here (default: a temporary "
                        "folder removed at exit)")
    parser.add_argument("--json", action="store_true",
                        help="print the URLs and credentials as one JSON line")


def main(argv: Sequence[str] | None = None) -> int:
    """The same as `rokt-braze sandbox ARGS`."""
    from rokt_braze.cli import main as cli_main

    return cli_main(["sandbox", *(sys.argv[1:] if argv is None else argv)])


def run(args: argparse.Namespace) -> int:
    """Serve both fakes until interrupted; InputError when they cannot start."""
    from rokt_braze.fakes.braze.cli import log_line, say

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a clean stop on SIGTERM too
    try:
        with running_sandbox(campaigns=args.campaign, folder=args.dir,
                             log=log_line) as sandbox:
            if args.json:
                print(json.dumps(sandbox.to_dict()), flush=True)
            else:
                _banner(sandbox, say)
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
    except (ValueError, OSError) as exc:
        raise InputError(f"sandbox: {exc}") from None
    say("stopped")
    return 0


def _banner(s: Sandbox, say: Any) -> None:
    say(f"fake Rokt Calendar API  {s.rokt_url}")
    say(f"fake Braze REST API     {s.braze_url}")
    say(f"  Braze REST key:       {s.braze_api_key}")
    say(f"  Rokt client:          {s.rokt_client_id}:{s.rokt_client_secret}")
    say(f"  demo calendar:        {s.account_code}/{s.calendar_code}")
    say(f"  segment exports:      {s.export_dir}")
    say("These credentials are made up for this run. Next:")
    say(f"  curl -X POST {s.rokt_url}/v1/subscribe/{s.calendar_code} "
        "-H 'Content-Type: application/json' -d '{\"externalId\": \"user-1\", "
        "\"email\": \"one@example.com\"}'")
    say(f"  curl -X POST {s.braze_url}/users/export/segment -H 'Authorization: Bearer "
        f"{s.braze_api_key}' -H 'Content-Type: application/json' -d '{{\"segment_id\": "
        "\"subscribers\", \"fields_to_export\": [\"external_id\", \"custom_attributes\"]}'")
    say("  rokt-braze audience templates/rokt-create-event.webhook.yaml --profile "
        "<the zip the export wrote>")
    say(f"  rokt-braze fake-braze log {s.braze_url}")
    say(f"  curl {s.rokt_url}/calendars/<subscriptionId>.ics")
    say("Press Ctrl-C to stop.")
