"""The `audience` verb: argument parsing and the exit status (see `rokt_braze.cli`)."""

from __future__ import annotations

import argparse
import os
import sys

from rokt_braze.cli_util import FAIL_LEVELS, positive_int, report_stream

__all__ = ["add_parser", "run"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audience", help="render and validate a webhook for every user of a Braze export",
        description="Render WEBHOOK for every user of a Braze user export (JSON Lines, "
        "optionally gzipped, or a JSON array) on all cores, and summarise: per rule the "
        "users affected, the users whose message would be aborted, and colliding eventIds.")
    parser.add_argument("webhook", metavar="WEBHOOK", help="a *.webhook.yaml file")
    parser.add_argument("--profiles", required=True, metavar="FILE",
                        help="the user export: JSON Lines (.jsonl, .gz) or a JSON array")
    parser.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                        help="worker processes (default: all cores)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS,
                        default=None,
                        help="lowest severity that makes the exit status 1 (default: error)")
    parser.add_argument("--config", metavar="FILE", help="config file (severities, ignores, "
                        "fixtures)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none anyway when stderr is not a "
                        "terminal)")


def run(args: argparse.Namespace) -> int:
    """Run the audience check; InputError propagates (the caller prints it, exit 2)."""
    from rokt_braze.audience.progress import Progress
    from rokt_braze.audience.run import run_audience
    from rokt_braze.config import load_config

    config = load_config(args.config)
    try:
        size = os.path.getsize(args.profiles)
    except OSError:
        size = 0  # run_audience says what is wrong with the file
    progress = Progress(sys.stderr, size, enabled=False if args.no_progress else None)
    try:
        summary = run_audience(args.webhook, args.profiles, jobs=args.jobs, config=config,
                               on_progress=progress.update, settle_gc=True)
    finally:
        progress.close()
    with report_stream(args.output) as out:
        _write(summary, args.format, out)
    if summary.malformed_count:
        sys.stderr.write(f"rokt-braze: {args.profiles}: {summary.malformed_count:,} malformed "
                         f"line{'s' if summary.malformed_count != 1 else ''} skipped (see the "
                         "report)\n")
        return EXIT_INPUT
    return EXIT_FINDINGS if summary.fails(args.fail_on or config.fail_on) else EXIT_OK


def _write(summary: object, fmt: str, out: object) -> None:
    from rokt_braze.audience.summary import Summary

    assert isinstance(summary, Summary)
    if fmt == "json":
        summary.write_json(out)  # type: ignore[arg-type]
    else:
        summary.write_text(out)  # type: ignore[arg-type]
