"""The fake Rokt's command-line options for calendars and the push into Braze."""

from __future__ import annotations

import argparse

from rokt_braze.fakes.rokt.subscribers import SubscribersConfig, parse_calendar
from rokt_braze.profiles.rokt import AccountSettings

__all__ = ["add_push_options", "push_config"]


def add_push_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "subscribers and the push into Braze",
        "POST /v1/subscribe/{calendarCode} creates a subscription and pushes the subscriber "
        "into Braze's /users/track (batched, retried, kept in an outbox until delivered)",
    )
    group.add_argument("--calendar", metavar="ACCOUNT/CALENDAR[=Title]", action="append",
                       default=[], help="a calendar people can subscribe to (repeatable)")
    group.add_argument("--braze-url", metavar="URL",
                       help="the Braze REST endpoint to push subscribers to")
    group.add_argument("--braze-api-key", metavar="KEY",
                       help="a Braze REST key with the users.track permission")
    group.add_argument("--no-merge", action="store_true",
                       help="replace the rokt:* arrays instead of adding to them")
    group.add_argument("--subscriber-id-fallback", action="store_true",
                       help="push subscribers without an external id under a user alias")
    group.add_argument("--no-email-capture", action="store_true",
                       help="leave rokt:subscriber_email out of the push")


def push_config(args: argparse.Namespace) -> SubscribersConfig | None:
    """The subscribers' configuration, or None when no option asks for it; raises
    ValueError for a bad combination."""
    if not (args.calendar or args.braze_url or args.braze_api_key):
        return None
    if bool(args.braze_url) != bool(args.braze_api_key):
        raise ValueError("--braze-url and --braze-api-key go together")
    settings = AccountSettings(merge=not args.no_merge,
                               subscriber_id_fallback=args.subscriber_id_fallback,
                               email_capture=not args.no_email_capture)
    calendars = [parse_calendar(text, settings) for text in args.calendar]
    return SubscribersConfig(calendars, args.braze_url, args.braze_api_key)
