"""The webhook file format: `*.webhook.yaml` (one webhook) or a plain `.liquid` body.

```yaml
name: Rokt Calendar - add event
url: "{% assign ... %}https://api.roktcalendar.com/v1/subscriptionevent/{{accountCode}}"
method: POST
headers:
  Authorization: "Bearer {% connected_content ... %}{{token.access_token}}"
  Content-Type: application/json
body: |
  {...}
target: rokt.create_event   # optional; detected from the URL when absent
profiles: [profiles/*.yaml] # optional; globs relative to this file
connected_content: []       # optional fixtures
```
Each template-bearing field keeps a `ScalarMap`, so positions inside it map back to
the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rokt_braze.discovery import LIQUID_SUFFIX
from rokt_braze.errors import InputError
from rokt_braze.findings import Edit
from rokt_braze.safe_yaml import SafeLoader, describe
from rokt_braze.webhook.yamlpos import LineIndex, ScalarMap

KNOWN_KEYS = frozenset(
    {"name", "url", "method", "headers", "body", "target", "profiles", "connected_content",
     "content_blocks", "catalogs", "selections", "promotions", "translations",
     "shopping_carts", "description"}
)
MAX_FILE_BYTES = 5_000_000


@dataclass
class Field:
    """One template field: `name` is "url", "method", "body" or "header:<Name>"."""

    name: str
    source: str
    map: ScalarMap | None = None  # None for a whole-file .liquid body
    lines: LineIndex | None = None

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) in the file of index `index` of this field's text."""
        assert self.lines is not None
        offset = index if self.map is None else self.map.file_offset(index)
        return self.lines.position(max(offset, 0))

    def index_at(self, offset: int) -> int | None:
        """The index into this field's text at file `offset` (None: not in this field)."""
        if self.map is None:
            return offset if 0 <= offset <= len(self.source) else None
        return self.map.value_index(offset)

    def edit(self, start: int, end: int, text: str) -> Edit:
        """An edit of the file that replaces `source[start:end]` with `text`, written as
        this field's YAML scalar style needs it (quotes escaped in a quoted scalar)."""
        assert self.lines is not None
        style = self.map.style if self.map is not None else None
        if style == '"':
            text = text.replace("\\", "\\\\").replace('"', '\\"')
        elif style == "'":
            text = text.replace("'", "''")
        first = self.lines.position(self._offset(start))
        last = first if end <= start else self.lines.position(self._offset(end))
        return Edit(*first, *last, text)

    def _offset(self, index: int) -> int:
        """The file offset of `index`; the end of the text is just after its last char."""
        if self.map is None or index < len(self.source) or not self.source:
            return index if self.map is None else self.map.file_offset(index)
        return self.map.file_offset(len(self.source) - 1) + 1


@dataclass
class Webhook:
    path: str
    name: str
    method: Field
    url: Field | None
    headers: list[tuple[str, Field]]
    body: Field | None
    target: str | None = None
    #: 1-based (line, column) of the `target:` value, (0, 0) when there is none
    target_place: tuple[int, int] = (0, 0)
    profiles: list[str] = field(default_factory=list)
    fixtures: dict[str, Any] = field(default_factory=dict)
    is_liquid: bool = False

    def fields(self) -> list[Field]:
        """Template fields in the order Braze renders them: URL, headers, body."""
        out = [self.url] if self.url else []
        out += [f for _, f in self.headers]
        if self.body:
            out.append(self.body)
        return out

    def field(self, name: str) -> Field | None:
        if name == "method":
            return self.method
        return next((f for f in self.fields() if f.name.lower() == name.lower()), None)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a user's text file, turning every way it can fail into an InputError."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=name) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=name) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB", path=name)
    if b"\x00" in data:
        raise InputError("binary file, not text", path=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", path=name) from None


def load_webhook(path: str | os.PathLike[str]) -> Webhook:
    """Load a `.webhook.yaml` or `.liquid` file; InputError for anything unreadable."""
    name = os.fspath(path)
    return parse_webhook(name, read_text(name))


def parse_webhook(path: str, text: str) -> Webhook:
    """A webhook from text already read (an editor's unsaved buffer); `path` says where it
    lives (relative `profiles:` and `content_blocks:`) and whether it is a `.liquid` body."""
    if path.endswith(LIQUID_SUFFIX):
        return _liquid_file(path, text)
    return _webhook_file(path, text)


def _liquid_file(path: str, text: str) -> Webhook:
    lines = LineIndex(text)
    return Webhook(
        path=path,
        name=Path(path).name,
        method=Field("method", "POST", None, lines),
        url=None,
        headers=[],
        body=Field("body", text, None, lines),
        is_liquid=True,
    )


def _place(node: yaml.Node | None) -> tuple[int, int]:
    """1-based (line, column) of `node` in the file, (0, 0) without one."""
    if node is None:
        return 0, 0
    return node.start_mark.line + 1, node.start_mark.column + 1


def _webhook_file(path: str, text: str) -> Webhook:
    if not text.strip():
        raise InputError("empty file: a webhook needs at least url and body", path=path)
    loader: SafeLoader | None = None
    try:  # one pass: the node tree (for positions) and the data built from it
        loader = SafeLoader(text)  # aliases, duplicate keys and depth bounded (`safe_yaml`)
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as err:
        reason, line, column = describe(err, text)
        raise InputError(f"invalid YAML: {reason}", path=path, line=line,
                         column=column) from None
    finally:
        if loader is not None:
            loader.dispose()
    def wrong(message: str, node: yaml.Node | None) -> InputError:
        """An InputError at `node`'s place in the file."""
        line, column = _place(node)
        return InputError(message, path=path, line=line, column=column)

    if not isinstance(data, Mapping) or not isinstance(root, yaml.MappingNode):
        raise wrong("a webhook file must be a YAML mapping (url, method, headers, body)", root)
    unknown = [k for k, _ in root.value if str(k.value) not in KNOWN_KEYS]
    if unknown:
        raise wrong(f"unknown key(s): {', '.join(sorted(str(k.value) for k in unknown))}",
                    unknown[0])
    lines = LineIndex(text)
    nodes = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}

    def scalar(key: str, node: yaml.Node, label: str) -> Field:
        if not isinstance(node, yaml.ScalarNode):
            raise wrong(f"'{key}' must be a string", node)
        value = "" if node.tag == "tag:yaml.org,2002:null" else str(node.value)
        smap = ScalarMap(value, text, node.start_mark.index, node.end_mark.index, node.style)
        return Field(label, value, smap, lines)

    if "url" not in nodes:
        raise InputError("missing 'url'", path=path)
    url = scalar("url", nodes["url"], "url")
    method = scalar("method", nodes["method"], "method") if "method" in nodes else Field(
        "method", "POST", None, lines)
    method.source = method.source.strip().upper() or "POST"
    headers: list[tuple[str, Field]] = []
    if "headers" in nodes:
        hnode = nodes["headers"]
        if isinstance(hnode, yaml.ScalarNode) and hnode.tag == "tag:yaml.org,2002:null":
            pass
        elif not isinstance(hnode, yaml.MappingNode):
            raise wrong("'headers' must be a mapping of header name to value", hnode)
        else:
            for knode, vnode in hnode.value:
                hname = str(knode.value)
                headers.append((hname, scalar(f"headers.{hname}", vnode, f"header:{hname}")))
    body = scalar("body", nodes["body"], "body") if "body" in nodes else None
    target = data.get("target")
    if target is not None and not isinstance(target, str):
        raise wrong("'target' must be a string", nodes.get("target"))
    profiles = data.get("profiles") or []
    if isinstance(profiles, str):
        profiles = [profiles]
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        raise wrong("'profiles' must be a list of file globs", nodes.get("profiles"))
    fixtures = {k: data[k] for k in ("connected_content", "content_blocks", "catalogs",
                                     "selections", "promotions", "translations",
                                     "shopping_carts") if data.get(k) is not None}
    if isinstance(fixtures.get("content_blocks"), str):  # a folder, relative to this file
        fixtures["content_blocks"] = str(Path(path).parent / fixtures["content_blocks"])
    return Webhook(
        path=path,
        name=str(data.get("name") or Path(path).name),
        method=method,
        url=url,
        headers=headers,
        body=body,
        target=target,
        target_place=_place(nodes.get("target")),
        profiles=profiles,
        fixtures=fixtures,
    )
