"""`rokt-braze lsp`: run the language server on stdin/stdout (editors start it)."""

from __future__ import annotations

import argparse

from rokt_braze.cli_util import EXIT_OK, add_live_options, live_transport, offline_check
from rokt_braze.errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true",
                        help="talk over stdin/stdout (the default and only transport; "
                        "accepted because many editors pass it)")
    parser.add_argument("--debounce", type=float, default=0.3, metavar="SECONDS",
                        help="wait this long after a change before checking (default 0.3)")
    parser.add_argument("--hover-limit", type=int, default=3, metavar="N",
                        help="profiles a hover renders, at most (default 3)")
    add_live_options(parser)


def run(args: argparse.Namespace) -> int:
    try:
        from rokt_braze.lsp.server import Options, build_server
    except ImportError as err:
        raise InputError(f"the language server needs pygls ({err}): "
                         "pip install 'rokt-braze[lsp]'") from None
    if args.live:
        from rokt_braze.config import load_config

        live_transport(args, load_config())  # a malformed option stops here, not per check
        transport_for = lambda config: live_transport(args, config)  # noqa: E731
    else:
        offline_check(args)
        transport_for = None
    server = build_server(Options(debounce=max(args.debounce, 0.0),
                                  transport_for=transport_for,
                                  hover_profiles=max(args.hover_limit, 1)))
    server.start_io()
    return EXIT_OK
