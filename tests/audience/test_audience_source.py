"""Reading exports in chunks: line numbers across chunk edges, arrays, gzip, bad bytes."""

from __future__ import annotations

import gzip
import io
import itertools
import json
from pathlib import Path
from unittest import mock

import pytest
from conftest import CREATE
from hypothesis import given
from hypothesis import strategies as st

from rokt_braze.audience import run_audience
from rokt_braze.audience.check import Checker, Job
from rokt_braze.audience.source import ExportReader, count_range_lines, range_chunks


def records(path: Path) -> list[tuple[int, object] | tuple[int, int, str]]:
    """(line, record) as a worker sees them, all chunks, in order; then (line, column,
    message) of each problem."""
    checker = Checker(Job(str(CREATE), str(path)))
    out: list[tuple[int, object] | tuple[int, int, str]] = []
    bad: list[tuple[int, int, str]] = []  # (line, column, message)
    with ExportReader(path) as reader:
        for chunk in reader.chunks():
            out += [(where[0], user) for where, user, _ in checker.users(chunk, bad)]
            bad += chunk.errors
    return out + bad


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_json_lines_keep_their_numbers_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", chunk)
    lines = ['{"external_id": "a"}', "", '{"external_id": "b", "pad": "' + "x" * 100 + '"}',
             "  ", '{"external_id": "c"}']
    path = tmp_path / "u.jsonl"
    path.write_text("\r\n".join(lines))  # CRLF, no newline at the end
    got = records(path)
    assert [(line, user["external_id"]) for line, user in got] == [(1, "a"), (3, "b"),
                                                                   (5, "c")]


def test_a_bom_and_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"external_id": "a"}\n{"external_id": "\xff"}\n')
    assert records(path) == [(1, {"external_id": "a"}), (2, 0, "not UTF-8 text")]


@pytest.mark.parametrize("chunk", [3, 50, 1 << 20])
def test_arrays_are_streamed_whatever_the_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", chunk)
    monkeypatch.setattr("rokt_braze.audience.source.ARRAY_CHUNK_RECORDS", 2)
    users = [{"external_id": f"u{n}", "note": "é \"quoted\" ] } ,"} for n in range(5)]
    path = tmp_path / "u.json"
    path.write_text("[\n" + ",\n\n".join(json.dumps(u, ensure_ascii=False) for u in users)
                    + "\n]\n", encoding="utf-8")
    assert records(path) == [(2 + 2 * n, user) for n, user in enumerate(users)]


def test_array_elements_can_be_gzipped_and_enveloped(tmp_path: Path) -> None:
    path = tmp_path / "export.json.gz"
    body = {"users": [{"external_id": "a"}, {"external_id": "b"}], "message": "success"}
    path.write_bytes(gzip.compress(json.dumps(body, indent=1).encode()))
    with ExportReader(path) as reader:
        assert reader.gzipped and reader.is_array
    assert [user for _, user in records(path)] == body["users"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"a": 1}', (1, 10, "the array is not closed: ']' expected")),
        ('[{"a": 1}\n  {"b": 2}]', (2, 3, "',' or ']' expected, found '{'")),
        ('[{"a": 1}] trailing', (1, 12, "extra data after the array")),
        ('[{"a": 1},\n\n{"b": }]', (3, 7, "invalid JSON: Expecting value")),
        ('[{"a": 1}, {"b":\n\t}]', (2, 2, "invalid JSON: Expecting value")),
    ],
)
def test_a_broken_array_is_reported_where_it_breaks(
    tmp_path: Path, text: str, expected: tuple[int, int, str]
) -> None:
    path = tmp_path / "u.json"
    path.write_text(text)
    got = records(path)
    assert got[-1] == expected
    assert got[0] == (1, {"a": 1})


@pytest.mark.parametrize("chunk", [3, 50, 1 << 20])
@pytest.mark.parametrize("separator", [", ", ",\n  ", ",\r\n\n\t"])
def test_array_elements_are_placed_at_line_and_column_whatever_the_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, separator: str
) -> None:
    """Elements that are not objects are reported at their first character, counted in
    characters (not bytes) from the start of their line, across buffer refills."""
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", chunk)
    monkeypatch.setattr("rokt_braze.audience.source.ARRAY_CHUNK_RECORDS", 2)
    elements = ['{"external_id": "é"}', "42", '"text"', '{"external_id": "b"}', "[1, 2]",
                "null"]
    text, starts = "[\n  ", []
    for n, element in enumerate(elements):
        text += separator if n else ""
        starts.append(len(text))
        text += element
    path = tmp_path / "u.json"
    path.write_text(text + "\n]\n", encoding="utf-8")
    expected = [(text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
                for n, at in enumerate(starts) if elements[n][0] != "{"]
    assert [place[:2] for place in records(path)[2:]] == expected


def test_a_huge_broken_element_does_not_fill_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rokt_braze.audience.source.MAX_RECORD_CHARS", 20_000)
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", 1000)
    path = tmp_path / "u.json"
    path.write_text('[{"a": "' + "x" * 200_000 + '"}]')
    with ExportReader(path) as reader:
        chunks = list(reader.chunks())
        assert reader.position() < 40_000  # it gave up without reading the rest
    assert chunks[-1].errors == [(1, 8, "invalid JSON: Unterminated string starting at")]


def test_the_export_is_read_in_bounded_chunks(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rokt_braze.audience.source.CHUNK_BYTES", 256)
    path = tmp_path / "u.jsonl"
    path.write_text("".join(json.dumps({"external_id": f"u{n}"}) + "\n" for n in range(2000)))
    with ExportReader(path) as reader:
        sizes = [len(c.data) for c in reader.chunks()]
        assert reader.position() == path.stat().st_size
    assert sum(sizes) == path.stat().st_size
    assert sizes[0] <= 8192  # the bytes read to recognise the file
    assert len(sizes) > 100 and max(sizes[1:]) < 256 + 64


def test_track_bodies_stand_for_their_users(tmp_path: Path) -> None:
    body = {"attributes": [{"external_id": "t1", "first_name": "Ann"},
                           {"external_id": "t2", "first_name": "Bob"}]}
    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps(body) + "\n")
    summary = run_audience(str(CREATE), str(path), jobs=1)
    assert summary.users == 2
    assert [e.user for e in summary.per_rule()["rokt-url"].examples] == ["t1", "t2"]


def _lines_of(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    return parts[:-1] if data.endswith(b"\n") or not data else parts


@given(lines=st.lists(st.text(alphabet="ab\r", max_size=12), max_size=30),
       cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
       final_newline=st.booleans(), chunk=st.sampled_from([1, 3, 1 << 20]))
def test_byte_ranges_split_lines_once_each_with_their_numbers(
    lines: list[str], cuts: list[int], final_newline: bool, chunk: int
) -> None:
    with mock.patch("rokt_braze.audience.source.CHUNK_BYTES", chunk):
        _check_ranges(lines, cuts, final_newline)


def _check_ranges(lines: list[str], cuts: list[int], final_newline: bool) -> None:
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    got: list[tuple[int, bytes]] = []
    first = 1
    for start, end in itertools.pairwise(bounds):
        numbered = [(chunk.first_line + n, line)
                    for chunk in range_chunks(io.BytesIO(data), start, end, first, "x")
                    for n, line in enumerate(_lines_of(chunk.data))]
        counted = count_range_lines(io.BytesIO(data), start, end)
        assert len(numbered) == counted
        got += numbered
        first += counted
    assert got == list(enumerate(_lines_of(data), 1))
