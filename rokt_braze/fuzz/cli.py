"""`rokt-braze fuzz WEBHOOK`: the command line of the fuzzer.

Exit status as for `check`: 0 no rule fails at or above `--fail-on`, 1 some rule does,
2 a usage or input error (Hypothesis missing included), 3 rendering crashed for a profile
(a bug in rokt-braze; the profile that shows it is printed or written like any other).
Output depends only on the inputs and the seed, so a run can be repeated exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from random import SystemRandom
from typing import TYPE_CHECKING, TextIO

from rokt_braze.cli_util import FAIL_LEVELS, positive_int
from rokt_braze.errors import InputError
from rokt_braze.findings import Finding, Severity

if TYPE_CHECKING:
    from rokt_braze.fuzz.search import FuzzResult, RuleFailure

__all__ = ["add_parser", "run"]

EXIT_OK, EXIT_FINDINGS, EXIT_INTERNAL = 0, 1, 3
DEFAULT_EXAMPLES = 200
INSTALL_HINT = ("fuzz needs Hypothesis, which is not installed: "
                "pip install 'rokt-braze[fuzz]' (or pip install hypothesis)")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "fuzz", help="search for user profiles that break a webhook (needs hypothesis)",
        description="Render the webhook for adversarial user profiles (quotes, control "
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
    parser.add_argument("--fail-on", choices=FAIL_LEVELS,
                        default=None, help="lowest severity that counts as failing "
                        "(default: error); never: report errors and warnings, exit 0")
    parser.add_argument("--config", metavar="FILE", help="config file (default: nearest "
                        ".rokt-braze.toml or pyproject.toml with [tool.rokt-braze])")


def run(args: argparse.Namespace) -> int:
    """Fuzz, write the profiles, print the report; raises InputError for bad input."""
    _require_hypothesis()
    from rokt_braze.config import load_config
    from rokt_braze.fuzz.search import INTERNAL_ERROR, fuzz_webhook

    config = load_config(args.config)
    fail_on = args.fail_on or config.fail_on
    level = Severity.WARNING if fail_on == "never" else Severity.parse(fail_on)
    seed = args.seed if args.seed is not None else SystemRandom().randrange(2**32)
    with _hypothesis_home():
        result = fuzz_webhook(args.webhook, examples=args.examples, seed=seed, level=level,
                              config=config)
    written = write_profiles(result, args.out) if args.out else {}
    write_report(result, written, sys.stdout)
    if any(f.rule == INTERNAL_ERROR for f in result.failures):
        sys.stderr.write("rokt-braze: rendering crashed for a generated profile (shown above): "
                         "a bug in rokt-braze, please report it with that profile\n")
        return EXIT_INTERNAL
    return EXIT_FINDINGS if result.failures and fail_on != "never" else EXIT_OK


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
        *(_finding_line(f) for f in failure.findings),
    ]


def write_report(result: FuzzResult, written: dict[str, str], out: TextIO) -> None:
    from rokt_braze.fuzz.profile_file import comment_safe, profile_yaml

    out.write(f"fuzzing {result.path}: {result.examples} profiles, seed {result.seed}\n")
    for failure in result.failures:
        out.write(f"{failure.rule} ({failure.severity}): failed for {failure.hits} of "
                  f"{result.examples} profiles\n")
        for found in failure.findings:
            out.write(f"  {comment_safe(_finding_line(found))}\n")
        if failure.rule in written:
            out.write(f"  smallest profile: {written[failure.rule]}\n")
        else:
            out.write("  smallest profile:\n")
            for line in profile_yaml(failure.profile).splitlines():
                out.write(f"    {line}\n")
    count = len(result.failures)
    if count:
        noun = "rule fails" if count == 1 else "rules fail"
        out.write(f"{count} {noun} at or above {result.level}; "
                  f"rerun with --seed {result.seed} to reproduce\n")
    else:
        out.write(f"no rule fails at or above {result.level}\n")


def _finding_line(found: Finding) -> str:
    where = f"{found.file}:{found.line}:{found.column}" if found.line else found.file
    return f"{where}: {found.severity}: {found.message}"
