"""`rokt-braze check [PATH...]`: lint, render and validate templates (the main job)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rokt_braze.cli_util import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    UsageError,
    add_config,
    add_fail_on,
    add_format,
    add_live_options,
    error,
    exit_status,
    level,
    live_transport,
    offline_check,
    report_stream,
)

if TYPE_CHECKING:
    from rokt_braze.config import Config
    from rokt_braze.findings import CheckResult
    from rokt_braze.fixes import FixRun

#: checks the files named by some paths (as given on the command line)
Checker = Callable[[Sequence[str]], "CheckResult"]

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="webhook files, .liquid files or folders (default: .)")
    parser.add_argument("--profile", action="append", metavar="FILE",
                        help="profile file to render with, or a folder of them (searched "
                        "recursively, as audience searches; repeatable)")
    add_format(parser, "check")
    add_fail_on(parser)
    add_config(parser)
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--fixtures", metavar="FILE",
                        help="connected_content fixture file (as for render)")
    parser.add_argument("--no-cache", action="store_true",
                        help="check every file again, ignoring and not writing the result "
                        "cache (also ROKT_BRAZE_NO_CACHE=1; the cache lives in "
                        "ROKT_BRAZE_CACHE_DIR, default ~/.cache/rokt-braze)")
    parser.add_argument("--exclude", action="append", metavar="PATTERN",
                        help="skip files and folders matching PATTERN (.gitignore syntax; "
                        "repeatable); replaces the config's exclude and the default list "
                        "(build/, dist/, virtual environments, ...)")
    parser.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERN",
                        help="skip these too, keeping the defaults and the config's (repeatable)")
    fixing = parser.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the fixes findings carry to the files in place, then "
                        "report what remains (a summary line on stderr)")
    fixing.add_argument("--diff", action="store_true",
                        help="print what --fix would change as a unified diff and write "
                        "nothing; exit status 1 if there is anything to fix")
    add_live_options(parser)


def run(args: argparse.Namespace) -> int:
    from rokt_braze.config import load_config

    config = load_config(args.config)
    _command_line_excludes(args, config)
    if not args.live:
        offline_check(args)
    if args.diff and args.format != "text":
        raise UsageError("--diff prints a diff, not a report: --format does not apply")
    check = _checker(args, config)
    if args.diff:
        return _diff(args, config, check)
    if args.fix:
        return _fix(args, config, check)
    return _report(args, config, check(args.paths))


def _fix(args: argparse.Namespace, config: Config, check: Checker) -> int:
    """--fix: the report and exit status are of what remains after the fixes."""
    from rokt_braze.discovery import discover
    from rokt_braze.fixes import fix_files

    done = fix_files(discover(args.paths, config), check)
    status = _report(args, config, done.result, done.failed)
    _summary(done)
    return status


def _diff(args: argparse.Namespace, config: Config, check: Checker) -> int:
    """--diff: the diff instead of the report; 1 when there is something to fix."""
    from rokt_braze.discovery import discover
    from rokt_braze.fixes import fix_files, unified_diff

    done = fix_files(discover(args.paths, config), check, dry_run=True)
    with report_stream(args.output) as out:
        for fix in done.fixes:
            out.write(unified_diff(fix))
    for message in done.result.input_errors:
        error(message)
    _summary(done, dry_run=True)
    if done.result.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if done.fixes else EXIT_OK


def _summary(done: FixRun, *, dry_run: bool = False) -> None:
    """The files left alone, then ruff's summary line; nothing when nothing was to fix."""
    for message in done.left:
        error(message)
    if done.fixes or done.left:
        sys.stderr.write(done.summary(dry_run=dry_run) + "\n")


def _checker(args: argparse.Namespace, config: Config) -> Checker:
    """How this run checks files (given as paths): through the result cache unless live
    or turned off. --fix checks twice with it (the live transport made once)."""
    from rokt_braze.cache import check_cached, disabled_by_environment

    if args.live or args.no_cache or disabled_by_environment():
        from rokt_braze.discovery import discover
        from rokt_braze.pipeline import Settings, check_files

        transport = live_transport(args, config) if args.live else None
        settings = Settings.make(config, profiles=args.profile, fixtures_file=args.fixtures,
                                 transport=transport)
        return lambda paths: check_files(discover(paths, config), settings)
    return lambda paths: check_cached(paths, args.profile, config=config,
                                      fixtures=args.fixtures)


def _report(args: argparse.Namespace, config: Config, result: CheckResult,
            more_errors: Sequence[str] = ()) -> int:
    """The report, then the input errors (as audience's skipped lines); the exit status."""
    from rokt_braze.report import write_report

    fail_on = level(args, config)
    with report_stream(args.output) as out:
        write_report(result, args.format, out, fail_on=fail_on)
    errors = [*result.input_errors, *more_errors]
    for message in errors:
        error(message)
    if errors:
        return EXIT_INPUT
    return exit_status(result.worst(), fail_on)


def _command_line_excludes(args: argparse.Namespace, config: Config) -> None:
    """--exclude / --extend-exclude, relative to the working folder, into the config."""
    from pathlib import Path

    from rokt_braze.discovery import rebase

    here = Path.cwd()
    if args.exclude is not None:
        config.exclude = [rebase(p, here, config.root) for p in args.exclude]
    config.extend_exclude = [*config.extend_exclude,
                             *(rebase(p, here, config.root) for p in args.extend_exclude)]
