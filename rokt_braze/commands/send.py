"""`rokt-braze send WEBHOOK`: render with live connected_content and send the request,
like Braze's Send Test; print the answer. Exit 1 on a non-2xx answer or a failed call.
The webhook's own URL obeys the same rules as connected_content calls: allowed hosts and
ports only, rewritten by --to/--base-url."""

from __future__ import annotations

import argparse
import re
import sys

from rokt_braze.cli_util import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_config,
    add_live_options,
    error,
    live_transport,
)
from rokt_braze.commands.render import (
    LIQUID_BODY,
    DoesNotParse,
    add_profile,
    render_result,
    report_failed_calls,
    report_failure,
    report_syntax,
)
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.secrets import redact_header, redact_userinfo

__all__ = ["add_arguments", "run"]

#: Braze gives a webhook request 90 seconds.
WEBHOOK_BUDGET = 90.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="WEBHOOK", help="the *.webhook.yaml file to send")
    add_profile(parser)
    parser.add_argument("--to", metavar="BASE", help="send to this origin instead of the "
                        "URL's (e.g. http://127.0.0.1:8080 for `rokt-braze fake-rokt`); "
                        "connected_content calls to the URL's origin go there too")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print credentials and tokens in the answer's headers unredacted")
    add_config(parser)
    add_live_options(parser, always_live=True)


def run(args: argparse.Namespace) -> int:
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
    if webhook.is_liquid:
        raise UsageError(f"{LIQUID_BODY}: nothing to send (send takes a *.webhook.yaml)",
                         path=args.file)
    extra: dict[str, str] = {}
    origin = _url_origin(webhook.url.source if webhook.url else "") if args.to else ""
    if origin:
        extra[origin] = args.to
    transport = live_transport(args, config, extra)
    try:
        result = render_result(args, webhook, config, transport)
    except DoesNotParse as err:
        return report_syntax(args.file, err.findings)
    except (MessageAborted, TemplateError) as err:
        return report_failure(args.file, err)
    failed = report_failed_calls(args.file, result)
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
        error(redact_userinfo(f"send: {err.message}"))
        return EXIT_FINDINGS
    except ValueError as err:  # the rendered URL itself is malformed
        error(redact_userinfo(f"send: {err}"))
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
    m = re.search(r"https?://[^/\s{}\"']+", template)
    return m.group() if m else ""
