"""The `audience` subcommand: argument parsing and the exit status (see `rokt_braze.cli`)."""

from __future__ import annotations

import argparse
import sys

from rokt_braze.cli_util import (
    EXIT_INPUT,
    UsageError,
    add_config,
    add_fail_on,
    add_format,
    exit_status,
    level,
    positive_int,
    report_stream,
)

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:

    parser.description = (
        "Render WEBHOOK for every user of a Braze user export on all cores or a "
        "Dask cluster, and summarise: per rule the users affected, the users whose message "
        "would be aborted, and colliding eventIds. Exports are read by content: JSON Lines, "
        "a JSON array, gzip, Braze segment-export zips, Parquet; from files, folders, globs "
        "or object storage (s3://, gs://, az://; credentials from the storage library's "
        "usual environment, e.g. AWS_PROFILE, AWS_ENDPOINT_URL).")
    parser.add_argument("webhook", metavar="WEBHOOK", help="a *.webhook.yaml file")
    parser.add_argument("--profile", dest="profiles", nargs="+",
                        action="extend", metavar="SOURCE",
                        help="the user export: files, folders (searched recursively), globs "
                        "or URLs (give WEBHOOK first, or end the list with --); the same "
                        "option as check's and render's (--profiles, its old spelling, "
                        "still works)")
    # the old spelling: the same option, not listed
    parser.add_argument("--profiles", dest="profiles", nargs="+", action="extend",
                        metavar="SOURCE", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local: a process pool on this machine (default); dask: a Dask "
                        "cluster (needs rokt-braze[scale])")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: join the cluster at ADDRESS (else a local "
                        "cluster of --jobs workers is started)")
    parser.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                        help="worker processes (default: all cores)")
    parser.add_argument("--failing-users", metavar="FILE",
                        help="write every user with a finding to FILE (.csv or .jsonl): "
                        "external_id, source, line, rules")
    add_format(parser, "audience")
    add_fail_on(parser)
    add_config(parser)
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none anyway when stderr is not a "
                        "terminal)")


def run(args: argparse.Namespace) -> int:
    """Run the audience check; InputError propagates (the caller prints it, exit 2)."""
    from rokt_braze.audience.progress import Progress
    from rokt_braze.audience.run import run_audience
    from rokt_braze.config import load_config
    from rokt_braze.report import write_report

    if not args.profiles:  # not `required`: that would refuse the old spelling
        raise UsageError("audience needs --profile SOURCE (the user export to check)")
    config = load_config(args.config)
    progress = Progress(sys.stderr, enabled=False if args.no_progress else None)
    try:
        summary = run_audience(args.webhook, args.profiles, jobs=args.jobs, engine=args.engine,
                               scheduler=args.scheduler, config=config,
                               failing_users=args.failing_users, on_progress=progress.update,
                               settle_gc=True)
    finally:
        progress.close()
    with report_stream(args.output) as out:
        write_report(summary, args.format, out, kind="audience")
    if summary.malformed_count:
        sys.stderr.write(f"rokt-braze: {summary.profiles}: {summary.malformed_count:,} malformed "
                         f"line{'s' if summary.malformed_count != 1 else ''} skipped (see the "
                         "report)\n")
        return EXIT_INPUT
    return exit_status(summary.worst(), level(args, config))
