"""A PyYAML loader that reads profile files the way their JSON twins read.

PyYAML implements YAML 1.1, whose implicit types bite profile data: `country: NO` becomes
`False`, `language: no` too, `time: 12:30` becomes the integer 750, `zip: 0123` the octal 83,
and `dob: 1980-12-21` a `datetime.date`. Profiles must carry the values an export would, so this
loader resolves plain scalars with the YAML 1.2 core schema (null, true/false, decimal/0o/0x
integers, floats) and leaves every other scalar - dates included - a string.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from rokt_braze.safe_yaml import SafeLoader

__all__ = ["ProfileLoader"]

_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


class ProfileLoader(SafeLoader):
    """The safe loader (`safe_yaml`) with YAML 1.2 core-schema scalars and no implicit
    timestamps."""


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node)).lower()  # type: ignore[arg-type]
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float(text)


def _install() -> None:
    # Copy the inherited table so SafeLoader itself is untouched, then keep only the
    # resolvers that are not about bool/int/float/null/timestamp and add ours.
    replaced = {
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    }
    table: dict[Any, list[tuple[str, Any]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
        if kept:
            table[first] = kept
    ProfileLoader.yaml_implicit_resolvers = table
    firsts = {
        "tag:yaml.org,2002:null": ["~", "n", "N", ""],
        "tag:yaml.org,2002:bool": ["t", "T", "f", "F"],
        "tag:yaml.org,2002:int": list("-+0123456789"),
        "tag:yaml.org,2002:float": list("-+.0123456789"),
    }
    patterns = {
        "tag:yaml.org,2002:null": _NULL,
        "tag:yaml.org,2002:bool": _BOOL,
        "tag:yaml.org,2002:int": _INT,
        "tag:yaml.org,2002:float": _FLOAT,
    }
    for tag, pattern in patterns.items():
        anchored = re.compile(rf"^(?:{pattern.pattern})$")
        ProfileLoader.add_implicit_resolver(tag, anchored, firsts[tag])
    ProfileLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    ProfileLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


_install()
