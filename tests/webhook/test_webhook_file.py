"""The webhook file parser (`webhook/file.py`): what it accepts, what it refuses and how it
says so, and that every position inside a field maps back to its place in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rokt_braze.errors import InputError
from rokt_braze.findings import Edit
from rokt_braze.webhook import load_webhook


def write(tmp: Path, text: str, name: str = "x.webhook.yaml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def where(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` in the file, as an editor shows it."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_every_field_in_render_order(tmp_path: Path) -> None:
    path = write(tmp_path, "name: Demo\nurl: https://x.example/{{a}}\nmethod: put\n"
                 "headers:\n  X-One: '1'\n  Content-Type: application/json\n"
                 "body: '{\"a\": 1}'\ntarget: http\nprofiles: p/*.yaml\n"
                 "connected_content: [{url: 'https://x.example/t'}]\n")
    hook = load_webhook(path)
    assert hook.name == "Demo"
    assert hook.method.source == "PUT"  # upper-cased
    assert [f.name for f in hook.fields()] == ["url", "header:X-One", "header:Content-Type",
                                               "body"]
    assert hook.field("HEADER:content-type") is hook.headers[1][1]
    assert hook.field("method") is hook.method
    assert hook.target == "http" and hook.profiles == ["p/*.yaml"]
    assert hook.fixtures == {"connected_content": [{"url": "https://x.example/t"}]}


def test_defaults(tmp_path: Path) -> None:
    hook = load_webhook(write(tmp_path, "url: https://x.example/\nheaders:\n"))
    assert hook.method.source == "POST" and hook.headers == [] and hook.body is None
    assert hook.name == "x.webhook.yaml" and hook.target is None and hook.profiles == []


@pytest.mark.parametrize("style", ["plain", "single", "double", "literal", "folded"])
def test_positions_map_back_into_the_file_for_every_scalar_style(
    tmp_path: Path, style: str
) -> None:
    value = "x {{ a }} and {{ b }}"  # a plain scalar cannot start with {
    body = {
        "plain": f"body: {value}\n",
        "single": f"body: '{value}'\n",
        "double": f'body: "{value}"\n',
        "literal": f"body: |\n  first\n  {value}\n",
        "folded": f"body: >-\n  {value}\n",
    }[style]
    path = write(tmp_path, "url: https://x.example/\n" + body)
    hook = load_webhook(path)
    assert hook.body is not None
    index = hook.body.source.index("{{ b }}")
    assert hook.body.position(index) == where(path, "{{ b }}")


def test_escapes_in_double_quotes_keep_later_positions_right(tmp_path: Path) -> None:
    path = write(tmp_path, 'url: https://x.example/\nbody: "a\\tb\\n{{ here }}"\n')
    hook = load_webhook(path)
    assert hook.body is not None and hook.body.source == "a\tb\n{{ here }}"
    assert hook.body.position(hook.body.source.index("{{")) == where(path, "{{ here }}")


def test_an_edit_up_to_a_crlf_line_end_leaves_the_cr(tmp_path: Path) -> None:
    """In a CRLF block scalar the value's line break stands for the whole CRLF, so an edit
    of the line's last character ends before the CR (a fix keeps the line ending)."""
    path = tmp_path / "crlf.webhook.yaml"
    path.write_bytes(b'url: https://x.example/\r\nbody: |\r\n  "a"\r\n  "b"\r\n')
    hook = load_webhook(path)
    assert hook.body is not None and hook.body.source == '"a"\n"b"\n'
    assert hook.body.edit(2, 3, "") == Edit(3, 5, 3, 6, "")  # the closing quote only
    assert hook.body.position(3) == (3, 6)  # the line break: at the CR


def test_a_liquid_file_is_its_body(tmp_path: Path) -> None:
    path = write(tmp_path, "line one\n{{ x }}\n", name="body.liquid")
    hook = load_webhook(path)
    assert hook.is_liquid and hook.url is None and hook.body is not None
    assert hook.body.position(hook.body.source.index("{{")) == (2, 1)


@pytest.mark.parametrize(("text", "message", "place"), [
    ("", "empty file", ""),
    ("   \n", "empty file", ""),
    ("- a\n- b\n", "must be a YAML mapping", ":1:1"),
    ("url: [1, 2]\n", "'url' must be a string", ":1:6"),
    ("body: x\n", "missing 'url'", ""),
    ("url: u\nheaders: [a]\n", "'headers' must be a mapping", ":2:10"),
    ("url: u\nheaders:\n  A: [1]\n", "'headers.A' must be a string", ":3:6"),
    ("url: u\ntarget: 3\n", "'target' must be a string", ":2:9"),
    ("url: u\nprofiles: {a: b}\n", "'profiles' must be a list of file globs", ":2:11"),
    ("url: u\nbodee: x\n", "unknown key(s): bodee", ":2:1"),
    ("url: 'unclosed\n", "invalid YAML", ":2:1"),
])
def test_bad_files_are_one_clear_input_error(
    tmp_path: Path, text: str, message: str, place: str
) -> None:
    """Each error names the file, and the line and column where there is a place."""
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_webhook(path)
    assert message in str(err.value)
    assert str(err.value).startswith(f"{path}{place}: ")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_webhook(tmp_path / "missing.webhook.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_webhook(tmp_path)
    binary = tmp_path / "b.webhook.yaml"
    binary.write_bytes(b"url: x\x00\n")
    with pytest.raises(InputError, match="binary file"):
        load_webhook(binary)
    latin = tmp_path / "l.webhook.yaml"
    latin.write_bytes("url: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_webhook(latin)


def test_a_yaml_error_carries_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "url: https://x.example/\nbody: [\n")
    with pytest.raises(InputError) as err:
        load_webhook(path)
    assert err.value.line >= 2


def test_content_blocks_folder_is_relative_to_the_file(tmp_path: Path) -> None:
    sub = tmp_path / "hooks"
    sub.mkdir()
    hook = load_webhook(write(sub, "url: u\ncontent_blocks: blocks\n"))
    assert hook.fixtures["content_blocks"] == str(sub / "blocks")
