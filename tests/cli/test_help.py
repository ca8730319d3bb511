"""`rokt-braze --help` and every subcommand's: each option says what it does, the exit
statuses are listed, and options that mean the same thing are spelled the same."""

from __future__ import annotations

import argparse

import pytest

from rokt_braze.cli import COMMANDS, SERVERS, build_parser, main


def subparser(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser with its arguments (build_parser adds only the named one's)."""
    return {name: subparser(build_parser(name)).choices[name] for name in COMMANDS}


def test_every_subcommand_has_a_description_and_help() -> None:
    sub = subparser(build_parser())
    helped = {choice.dest for choice in sub._choices_actions if choice.help}
    assert helped == set(COMMANDS)
    assert all(parser.description for parser in subcommands().values())


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_option_and_argument_has_help(name: str) -> None:
    parser = subcommands()[name]
    missing = [action.option_strings or [action.dest] for action in parser._actions
               if not isinstance(action, argparse._HelpAction) and not action.help]
    assert missing == []


@pytest.mark.parametrize("name", [None, *sorted(subcommands())])
def test_help_lists_the_exit_statuses(name: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"] if name else ["--help"]) == 0
    out = capsys.readouterr().out
    assert "\nexit status:\n" in out, out
    statuses = out.split("\nexit status:\n")[1]
    listed = [line.split()[0] for line in statuses.splitlines() if line.strip()]
    expected = ["0", "2", "3"] if name in SERVERS else ["0", "1", "2", "3", "130"]
    assert listed == expected


def test_the_profile_option_is_spelled_one_way() -> None:
    """`--profile` everywhere (audience's old `--profiles` still works as an alias)."""
    for name, parser in subcommands().items():
        spellings = {s for a in parser._actions for s in a.option_strings if "profile" in s}
        if spellings:
            assert "--profile" in spellings, (name, spellings)
            assert spellings <= {"--profile", "--profiles"}, (name, spellings)


def test_audience_takes_profile_and_its_old_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser("audience")
    new = parser.parse_args(["audience", "w.webhook.yaml", "--profile", "a.jsonl", "b.jsonl"])
    old = parser.parse_args(["audience", "w.webhook.yaml", "--profiles", "a.jsonl", "b.jsonl"])
    assert new.profiles == old.profiles == ["a.jsonl", "b.jsonl"]
    assert main(["audience", "w.webhook.yaml"]) == 2
    assert capsys.readouterr().err == (
        "rokt-braze: audience needs --profile SOURCE (the user export to check)\n")
