"""Writing a found profile as a YAML profile file that `load_profiles` reads back unchanged.

PyYAML writes YAML 1.1, but profile files are read with YAML 1.2 scalars
(`rokt_braze.profiles.yaml12`): a string such as `0o17` or `1e5` that 1.1 leaves plain would
come back as a number. Such strings are quoted here, and the text is read back before it is
returned, so a profile that would not survive the trip is an error, never a silent change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from rokt_braze.profiles.yaml12 import ProfileLoader

__all__ = ["comment_safe", "profile_yaml"]

_STR = "tag:yaml.org,2002:str"


class _ProfileResolver(yaml.resolver.BaseResolver):
    """Resolves plain scalars the way `ProfileLoader` does (YAML 1.2 core schema)."""

    yaml_implicit_resolvers = ProfileLoader.yaml_implicit_resolvers


_RESOLVER = _ProfileResolver()


def _resolve(value: str) -> str:
    """The tag `ProfileLoader` gives `value` written as a plain scalar."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return str(tag)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that quotes strings the profile loader would read as something else, and
    writes invisible characters as escapes."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if not value.isprintable():  # escapes only in double quotes; raw \x85 is a line break
        style = '"'
    elif _resolve(value) != _STR:
        style = "'"
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)


def profile_yaml(data: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """`data` as a YAML profile document, after `comments` (one `# ` line each)."""
    body = yaml.dump(dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    header = "".join(f"# {comment_safe(line)}\n" for line in comments)
    text = header + body
    if yaml.load(text, Loader=ProfileLoader) != dict(data):
        raise ValueError("the profile does not survive a YAML round trip")
    return text


def comment_safe(text: str) -> str:
    """One printable line: line breaks and other invisible characters escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
