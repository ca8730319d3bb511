"""`rokt-braze fuzz WEBHOOK`: the command line of the fuzzer.

Exit status as for `check` (`cli_util`): 0 no rule fails at or above `--fail-on`, 1 some
rule does, 2 a usage or input error (Hypothesis missing included), 3 rendering crashed for
a profile (a bug in rokt-braze; the profile that shows it is printed or written like any
other). The report is a format of the report registry (`--format text|json`); output
depends only on the inputs and the seed, so a run can be repeated exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from random import SystemRandom
from typing import TYPE_CHECKING

from rokt_braze.cli_util import (
    EXIT_INTERNAL,
    add_config,
    add_fail_on,
    add_format,
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
    with _hypothesis_home():
        result = fuzz_webhook(args.webhook, examples=args.examples, seed=seed,
                              level=fail_at or Severity.WARNING, config=config)
    if args.out:
        result.written.update(write_profiles(result, args.out))
    write_report(result, args.format, sys.stdout, kind="fuzz")
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
    from rokt_braze.fuzz.profile_file import profile_yaml

    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the output folder: {err.strerror}",
                         path=out_dir) from None
    written = {}
    for failure in result.failures:
        path = os.path.join(out_dir, f"{failure.rule}.yaml")
        text = profile_yaml(failure.profile, _header(result, failure))
        try:
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as err:
            raise InputError(f"cannot write: {err.strerror}", path=path) from None
        written[failure.rule] = path
    return written


def _header(result: FuzzResult, failure: RuleFailure) -> list[str]:
    return [
        f"rokt-braze fuzz: the smallest profile found that triggers {failure.rule}",
        f"in {result.path} (seed {result.seed}, {result.examples} profiles):",
        *(line_of(f) for f in failure.findings),
    ]
