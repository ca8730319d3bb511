"""`rokt-braze fuzz WEBHOOK`: the command line of the fuzzer.

Exit status as for `check` (`cli_util`): 0 no rule fails at or above `--fail-on`, 1 some
rule does, 2 a usage or input error (Hypothesis missing included), 3 rendering crashed for
a profile (a bug in rokt-braze; the profile that shows it is printed or written like any
other), 130 interrupted: Ctrl-C stops the search at the next profile, and what it found so
far is reported and written as a finished run's is (a second Ctrl-C stops at once).
The report is a format of the report registry (`--format text|json`); output
depends only on the inputs and the seed, so a run can be repeated exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from random import SystemRandom
from typing import TYPE_CHECKING

from rokt_braze.cli_util import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    add_config,
    add_fail_on,
    add_format,
    error,
    exit_status,
    level,
    positive_int,
)
from rokt_braze.errors import InputError
from rokt_braze.findings import Severity
from rokt_braze.report.text_format import line_of

if TYPE_CHECKING:
    from rokt_braze.fuzz.search import FuzzResult, RuleFailure

__all__ = ["add_arguments", "run"]
DEFAULT_EXAMPLES = 200
INSTALL_HINT = ("fuzz needs Hypothesis, which is not installed: "
                "pip install 'rokt-braze[fuzz]' (or pip install hypothesis)")


def add_arguments(parser: argparse.ArgumentParser) -> None:

    parser.description = (
        "Render the webhook for adversarial user profiles (quotes, control "
        "characters, unicode, missing or oddly shaped attributes, huge values) and report, "
        "for each rule that fails, the smallest profile that triggers it.")
    parser.add_argument("webhook", metavar="WEBHOOK", help="the webhook file to fuzz")
    parser.add_argument("--examples", type=positive_int, default=DEFAULT_EXAMPLES,
                        metavar="N", help=f"profiles to try (default: {DEFAULT_EXAMPLES})")
    parser.add_argument("--seed", type=int, metavar="S",
                        help="random seed: the same seed gives the same output (default: a "
                        "fresh one, printed)")
    parser.add_argument("--out", metavar="DIR",
                        help="write each minimal profile to DIR/<rule>.yaml")
    add_format(parser, "fuzz")
    add_fail_on(parser, "counts as failing; never: report errors and warnings, exit 0")
    add_config(parser)


def run(args: argparse.Namespace) -> int:
    """Fuzz, write the profiles, print the report; raises InputError for bad input."""
    _require_hypothesis()
    from rokt_braze.config import load_config
    from rokt_braze.fuzz.search import INTERNAL_ERROR, fuzz_webhook
    from rokt_braze.report import write_report

    config = load_config(args.config)
    fail_at = level(args, config)
    seed = args.seed if args.seed is not None else SystemRandom().randrange(2**32)
    on_found = _write_as_found(args.out, args.webhook, seed) if args.out else None
    with _hypothesis_home(), _ctrl_c_at_a_clean_point() as stop:
        result = fuzz_webhook(args.webhook, examples=args.examples, seed=seed,
                              level=fail_at or Severity.WARNING, config=config, stop=stop,
                              on_found=on_found)
    if args.out:
        result.written.update(write_profiles(result, args.out))
    write_report(result, args.format, sys.stdout, kind="fuzz")
    if result.interrupted:
        error(f"interrupted after {result.examples} of {args.examples} profiles (what was "
              "found so far is reported above)")
        return EXIT_INTERRUPTED
    if any(f.rule == INTERNAL_ERROR for f in result.failures):
        sys.stderr.write("rokt-braze: rendering crashed for a generated profile (shown above): "
                         "a bug in rokt-braze, please report it with that profile\n")
        return EXIT_INTERNAL
    return exit_status(max((f.severity for f in result.failures), default=None), fail_at)


def _require_hypothesis() -> None:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise InputError(INSTALL_HINT) from None


@contextlib.contextmanager
def _ctrl_c_at_a_clean_point() -> Iterator[Callable[[], bool]]:
    """Ctrl-C sets a flag the search reads before each profile, so it stops between two
    profiles with its findings whole (a KeyboardInterrupt raised anywhere may land in a
    garbage-collector callback of Hypothesis's, which swallows it); a second Ctrl-C
    raises at once. Off the main thread, or where SIGINT is ignored, nothing changes."""
    pressed: list[int] = []

    def handler(signum: int, frame: object) -> None:
        pressed.append(signum)
        if len(pressed) > 1:
            raise KeyboardInterrupt

    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.SIG_IGN:
            yield lambda: False
            return
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield lambda: False
        return
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _hypothesis_home() -> Iterator[None]:
    """Keep Hypothesis's caches (it stores Unicode tables) out of the user's folder: in
    `~/.cache/rokt-braze/hypothesis`, unless HYPOTHESIS_STORAGE_DIRECTORY names a place."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    set_hypothesis_home_dir(os.path.join(cache, "rokt-braze", "hypothesis"))
    try:
        yield
    finally:
        set_hypothesis_home_dir(None)  # back to Hypothesis's own default


def write_profiles(result: FuzzResult, out_dir: str) -> dict[str, str]:
    """Write `<rule>.yaml` per failing rule into `out_dir` (created); rule -> path."""
    _make_folder(out_dir)
    return {failure.rule: _write_profile(out_dir, failure, _header(result, failure))
            for failure in result.failures}


def _write_as_found(out_dir: str, webhook: str, seed: int) -> Callable[[RuleFailure], None]:
    """What writes a rule's first profile as soon as the search meets it, so it is on disk
    however the run ends (the finished run replaces it with the smallest one). The folder
    is made now: an unwritable one fails before the search."""
    _make_folder(out_dir)

    def write(failure: RuleFailure) -> None:
        header = [f"rokt-braze fuzz: a profile that triggers {failure.rule}, found while the "
                  "run went on (not shrunk yet)", f"in {webhook} (seed {seed}):",
                  *(line_of(f) for f in failure.findings)]
        with contextlib.suppress(InputError):  # the final write reports a failure
            _write_profile(out_dir, failure, header)

    return write


def _make_folder(out_dir: str) -> None:
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output folder: {err.strerror}",
                         path=out_dir) from None


def _write_profile(out_dir: str, failure: RuleFailure, header: list[str]) -> str:
    """`out_dir/<rule>.yaml`, replaced whole (a reader never sees half a file)."""
    from rokt_braze.fuzz.profile_file import profile_yaml

    path = os.path.join(out_dir, f"{failure.rule}.yaml")
    text = profile_yaml(failure.profile, header)
    try:
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(path + ".tmp", path)
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror}", path=path) from None
    return path


def _header(result: FuzzResult, failure: RuleFailure) -> list[str]:
    what = ("the smallest profile found" if failure.shrunk else
            "a profile (not shrunk: the run was interrupted)")
    return [
        f"rokt-braze fuzz: {what} that triggers {failure.rule}",
        f"in {result.path} (seed {result.seed}, {result.examples} profiles):",
        *(line_of(f) for f in failure.findings),
    ]
