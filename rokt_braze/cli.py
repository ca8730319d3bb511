"""The `rokt-braze` command line: dispatch only.

Every subcommand is a module with `add_arguments(parser)` and `run(args) -> int`, listed in
`COMMANDS` with its help line; exit statuses and `--fail-on` are defined once, in
`cli_util`. An input or usage error is one line on stderr and exit status 2, a bug one line
and 3, Ctrl-C one line and 130; `main` returns the status (argparse's own exits included).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from rokt_braze.cli_util import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STATUS_HELP,
    SERVER_EXIT_STATUS_HELP,
    error,
)
from rokt_braze.errors import InputError, RoktBrazeError

#: subcommand -> (the module that defines its `add_arguments(parser)` and `run(args)`, help)
COMMANDS = {
    "check": ("rokt_braze.commands.check", "lint, render and validate templates (the main job)"),
    "render": ("rokt_braze.commands.render", "print the request a webhook renders to"),
    "send": ("rokt_braze.commands.send", "render a webhook (live connected_content) and send "
             "it, like Braze's Send Test"),
    "fuzz": ("rokt_braze.fuzz.cli", "search for user profiles that break a webhook (needs "
             "hypothesis)"),
    "audience": ("rokt_braze.audience.cli", "render and validate a webhook for every user of "
                 "a Braze export"),
    "fake-rokt": ("rokt_braze.fakes.rokt.cli", "run a local fake of the Rokt Calendar API"),
    "fake-braze": ("rokt_braze.fakes.braze.cli", "run a local fake of the Braze REST API"),
    "lsp": ("rokt_braze.lsp.cli", "run the language server (stdio) for editors: diagnostics, "
            "hover, completion, fixes (needs pygls)"),
    "sandbox": ("rokt_braze.fakes.sandbox", "run both fakes wired together: subscribe, "
                "export, campaign, calendar feed"),
}
#: the commands that serve until stopped (their exit statuses read differently)
SERVERS = frozenset({"fake-rokt", "fake-braze", "sandbox", "lsp"})


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only `command`'s module is imported (the others list their help), so
    start-up pays for one subcommand."""
    from rokt_braze import __version__

    parser = argparse.ArgumentParser(
        prog="rokt-braze",
        description="Render Braze webhook templates offline and check them against the "
        "Rokt Calendar API. `rokt-braze COMMAND --help` describes each command.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rokt-braze {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                help="the job to do")
    for name, (module, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(
            name, help=help_text, description=help_text,
            epilog=SERVER_EXIT_STATUS_HELP if name in SERVERS else EXIT_STATUS_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        if name == command:
            import_module(module).add_arguments(command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl-C at any point (even while starting) is one line and 130.

    Without `argv` this is the console script, and the process ends when it returns.
    Python's shutdown then garbage-collects every object the imports made, about 30 ms of
    CPU for a one-file check (a seventh of a pre-commit run); `gc.freeze()` moves them out
    of the collector's sight first. Every file the commands write is closed before they
    return, so no finalizer waits on that collection.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED
    finally:
        if argv is None:
            gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    try:
        args = build_parser(command).parse_args(args_list)
    except SystemExit as exc:  # --help or --version (0), or a usage error argparse printed
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    try:
        status: int = import_module(COMMANDS[args.command][0]).run(args)
        return status
    except InputError as err:
        error(str(err))
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # a bug; say so in one line, traceback only on request
        if os.environ.get("ROKT_BRAZE_DEBUG"):
            raise
        error(f"internal error: {type(err).__name__}: {err} "
              "(set ROKT_BRAZE_DEBUG=1 for a traceback, and please report it)")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["COMMANDS", "RoktBrazeError", "main"]
