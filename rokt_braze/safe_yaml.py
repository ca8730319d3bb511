"""The one YAML loader for every file a user gives us: webhooks, profiles, fixtures.

PyYAML's `SafeLoader` constructs no Python objects from tags, but three things still reach
us from a hostile (or just mistaken) file:

* **aliases**: `*a` shares the node `&a` names, so nine levels of nine aliases ("billion
  laughs") are a few hundred bytes that every consumer walking the data sees as 9^9 values.
  Each document may expand by at most `ALIAS_BUDGET` values through aliases; a recursive
  alias (`&a [*a]`) is an error too.
* **duplicate keys**: YAML forbids them, PyYAML silently keeps the last (a webhook with
  `url:` twice would check the second and hide the first). Here they are an error naming
  both places.
* **depth**: PyYAML composes nested collections recursively; `[[[[...` thousands deep ends
  in a RecursionError. Nesting deeper than `MAX_DEPTH` is an error.

Errors are `yaml.MarkedYAMLError`s (`problem_mark` at the offending place), so callers
report them as they report any YAML syntax error.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

__all__ = ["ALIAS_BUDGET", "MAX_DEPTH", "SafeLoader", "describe", "load", "load_all"]

#: Values a document may gain through aliases (a real file shares a few small blocks).
ALIAS_BUDGET = 100_000
#: Collections inside collections; no webhook, profile or fixture comes near it.
MAX_DEPTH = 100


class SafeLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` with an alias budget, no duplicate keys and bounded depth."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}  # id(node) -> values it stands for, aliases expanded
        self._values = 0  # values composed so far in this document, aliases expanded
        self._aliased = 0  # of which through aliases
        self._depth = 0

    def compose_document(self) -> Any:
        self._sizes.clear()
        self._values = self._aliased = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            node = self.anchors.get(event.anchor)
            if node is not None:
                size = self._sizes.get(id(node))
                if size is None:
                    raise ComposerError(None, None,
                                        f"alias *{event.anchor} refers to a collection that "
                                        "contains it", event.start_mark)
                self._values += size
                self._aliased += size
                if self._aliased > ALIAS_BUDGET:
                    raise ComposerError(
                        None, None, f"aliases expand this document by more than "
                        f"{ALIAS_BUDGET:,} values (an alias bomb?)", event.start_mark)
            return super().compose_node(parent, index)
        start = self._values
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._values += 1
        self._sizes[id(node)] = self._values - start
        return node

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], Any] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                mark = first.start_mark
                raise ComposerError(
                    None, None, f"duplicate key {key.value!r} (first at line {mark.line + 1}, "
                    f"column {mark.column + 1})", key.start_mark)
        return node


def describe(err: yaml.YAMLError, text: str) -> tuple[str, int, int]:
    """(one-line reason, 1-based line, column; 0 when unknown) of a YAML error."""
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        reason = err.problem or err.context or " ".join(str(err).split())
        start = err.context_mark
        if err.problem and err.context and start and mark and (
                (start.line, start.column) != (mark.line, mark.column)):
            # where the unclosed quote or bracket opened: the error is often at the file's end
            what = err.context.removeprefix("while scanning ").removeprefix("while parsing ")
            reason += f" (in {what} opened at {start.line + 1}:{start.column + 1})"
        return reason, (mark.line + 1 if mark else 0), (mark.column + 1 if mark else 0)
    if isinstance(err, yaml.reader.ReaderError):  # a character YAML does not allow
        before = text[: err.position]
        line = before.count("\n") + 1
        column = err.position - (before.rfind("\n") + 1) + 1
        character = f"#x{err.character:04x}" if isinstance(err.character, int) else (
            repr(err.character))
        return f"{err.reason}: character {character}", line, column
    return " ".join(str(err).split()), 0, 0


def load(text: str) -> Any:
    """The one document in `text`, as `yaml.safe_load` would give it, but safe."""
    return yaml.load(text, Loader=SafeLoader)


def load_all(text: str, loader: type[SafeLoader] = SafeLoader) -> list[Any]:
    return list(yaml.load_all(text, Loader=loader))
