"""Loading profile files: every format, names, and every error path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rokt_braze.errors import InputError
from rokt_braze.profiles import Profile, ProfileError, iter_profiles, load_profiles, to_profile

Writer = Callable[..., Path]
USER = {"external_id": "u1", "first_name": "Ann", "custom_attributes": {"tier": "gold"}}
USER2 = {"external_id": "u2", "first_name": "Bo"}


# -- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_json_object(write: Writer, gz: bool) -> None:
    path = write("one.json", json.dumps(USER), gz=gz)
    [profile] = load_profiles(path)
    assert profile.data == USER
    assert profile.name == "u1"
    assert profile.source == str(path)


@pytest.mark.parametrize("gz", [False, True])
def test_json_array(write: Writer, gz: bool) -> None:
    [a, b] = load_profiles(write("many.json", json.dumps([USER, USER2]), gz=gz))
    assert (a.data, b.data) == (USER, USER2)
    assert (a.name, b.name) == ("u1", "u2")


@pytest.mark.parametrize("gz", [False, True])
def test_yaml_single_document(write: Writer, gz: bool) -> None:
    text = "external_id: u1\nfirst_name: Ann\ncustom_attributes:\n  tier: gold\n"
    [profile] = load_profiles(write("one.yaml", text, gz=gz))
    assert profile.data == USER


def test_yaml_documents_and_lists(write: Writer) -> None:
    text = (
        "external_id: u1\n"
        "---\n"
        "- external_id: u2\n"
        "- external_id: u3\n"
        "---\n"  # an empty trailing document is no profile
    )
    profiles = load_profiles(write("many.yml", text))
    assert [p.name for p in profiles] == ["u1", "u2", "u3"]


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
@pytest.mark.parametrize("gz", [False, True])
def test_json_lines(write: Writer, suffix: str, gz: bool) -> None:
    text = json.dumps(USER) + "\n\n   \n" + json.dumps(USER2) + "\n"
    profiles = load_profiles(write("audience" + suffix, text, gz=gz))
    assert [p.data for p in profiles] == [USER, USER2]


def test_unknown_extension_is_sniffed(write: Writer) -> None:
    assert load_profiles(write("user.txt", json.dumps(USER)))[0].data == USER
    assert load_profiles(write("user.profile", "external_id: u1\n"))[0].name == "u1"


def test_utf8_bom_and_non_ascii(write: Writer) -> None:
    path = write("bom.json", "\ufeff" + json.dumps({"first_name": "Sofía"}, ensure_ascii=False))
    assert load_profiles(path)[0].data == {"first_name": "Sofía"}


def test_yaml_reads_scalars_like_json(write: Writer) -> None:
    """YAML 1.1 would turn these into False, a date, 750, octal 83 and True."""
    text = (
        "country: NO\nlanguage: no\ndob: 1980-12-21\nat: 12:30\nzip: 0123\nflag: yes\n"
        "real: true\nnone: null\ncount: 12\nratio: 1.5\nhex: 0x1F\ncreated: 2021-06-03T17:13:41Z\n"
    )
    [profile] = load_profiles(write("scalars.yaml", text))
    assert profile.data == {
        "country": "NO", "language": "no", "dob": "1980-12-21", "at": "12:30", "zip": 123,
        "flag": "yes", "real": True, "none": None, "count": 12, "ratio": 1.5, "hex": 31,
        "created": "2021-06-03T17:13:41Z",
    }


# -- names -----------------------------------------------------------------------------------


def test_names_fall_back_to_braze_id_then_stem(write: Writer) -> None:
    [single] = load_profiles(write("lonely.yaml", "first_name: Ann\n"))
    assert single.name == "lonely"
    records = [{"first_name": "A"}, {"braze_id": "b-1"}, {"first_name": "C"}]
    names = [p.name for p in load_profiles(write("crowd.json", json.dumps(records), gz=True))]
    assert names == ["crowd#1", "b-1", "crowd#3"]
    lines = "\n".join(json.dumps(r) for r in records)
    assert [p.name for p in load_profiles(write("crowd.jsonl", lines))] == [
        "crowd#1", "b-1", "crowd#3",
    ]


# -- fixtures --------------------------------------------------------------------------------


def test_fixtures_are_taken_out_of_the_data(write: Writer) -> None:
    text = (
        "external_id: u1\n"
        "connected_content:\n"
        "  - url: https://api.example.com/x?id=1\n"
        "    json: {ok: true}\n"
        "  - url: https://api.example.com/y\n"
        "    method: post\n"
        "    status: 503\n"
        "    text: busy\n"
        "    headers: {Retry-After: '2'}\n"
    )
    [profile] = load_profiles(write("fx.yaml", text))
    assert "connected_content" not in profile.data
    assert profile.fixtures == [
        {"url": "https://api.example.com/x?id=1", "json": {"ok": True}},
        {"url": "https://api.example.com/y", "method": "post", "status": 503, "text": "busy",
         "headers": {"Retry-After": "2"}},
    ]


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("- just-a-string", "expected a mapping"),
        ("- {method: GET}", "'url' must be a non-empty string"),
        ("- {url: 'https://x', method: PUT}", "'method' must be GET or POST"),
        ("- {url: 'https://x', status: 42}", "'status' must be an HTTP status code"),
        ("- {url: 'https://x', json: {}, text: ''}", "not both"),
        ("- {url: 'https://x', stauts: 200}", "unknown key(s) stauts"),
        ("- {url: 'https://x', headers: [a]}", "'headers' must map"),
        ("{url: 'https://x'}", "must be a list of fixtures"),
    ],
)
def test_bad_fixture_entry(write: Writer, entry: str, fragment: str) -> None:
    path = write("fx.yaml", f"external_id: u1\nfirst_name: Ann\nconnected_content:\n  {entry}\n")
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert fragment in str(caught.value)
    assert caught.value.path == str(path)
    assert (caught.value.line, caught.value.column) == (3, 1)  # the connected_content key


# -- errors ----------------------------------------------------------------------------------


def test_bad_yaml_names_file_and_line(write: Writer) -> None:
    path = write("bad.yaml", "external_id: u1\ncustom_attributes:\n  a: [1, 2\n  b: 3\n")
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    error = caught.value
    assert isinstance(error, InputError)
    assert error.path == str(path)
    assert (error.line, error.column) == (4, 4)
    # the error's place, and where the bracket left open was opened
    assert str(error) == (f"{path}:4:4: invalid YAML: expected ',' or ']', but got ':'"
                          " (in a flow sequence opened at 3:6)")


def test_jsonl_errors_name_line_and_column(write: Writer) -> None:
    path = write("bad.jsonl", json.dumps(USER) + '\n   {"external_id": "u2",}\n')
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert str(caught.value) == (
        f"{path}:2:25: invalid JSON: Expecting property name enclosed in double quotes")


def test_bad_json_names_line_and_column(write: Writer) -> None:
    path = write("bad.json", '{\n  "external_id": "u1",\n  "first_name": \n}\n')
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (4, 1)
    assert str(caught.value) == f"{path}:4:1: invalid JSON: Expecting value"


def test_json_with_several_values_suggests_jsonl(write: Writer) -> None:
    path = write("lines.json", json.dumps(USER) + "\n" + json.dumps(USER2) + "\n")
    with pytest.raises(ProfileError, match=r"\.jsonl") as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (2, 1)


@pytest.mark.parametrize("name", ["x.json", "x.yaml", "x.jsonl", "x.dat"])
def test_binary_file(write: Writer, name: str) -> None:
    path = write(name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(ProfileError, match="binary file") as caught:
        load_profiles(path)
    assert caught.value.path == str(path)


def test_invalid_utf8_names_the_line(write: Writer) -> None:
    path = write("latin1.yaml", "external_id: u1\nfirst_name: Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ProfileError, match="not UTF-8") as caught:
        load_profiles(path)
    assert caught.value.line == 2


@pytest.mark.parametrize("name", ["e.json", "e.yaml", "e.jsonl", "e.json.gz"])
@pytest.mark.parametrize("content", ["", "  \n\n\t\n"])
def test_empty_file(write: Writer, name: str, content: str) -> None:
    gz = name.endswith(".gz")
    path = write(name.removesuffix(".gz"), content, gz=gz)
    with pytest.raises(ProfileError, match="empty file") as caught:
        load_profiles(path)
    assert caught.value.path == str(path)


def test_empty_array_and_null_documents_hold_no_profiles(write: Writer) -> None:
    with pytest.raises(ProfileError, match="no profiles"):
        load_profiles(write("none.json", "[]"))
    with pytest.raises(ProfileError, match="no profiles"):
        load_profiles(write("none.yaml", "---\n~\n---\n"))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read") as caught:
        load_profiles(tmp_path / "nope.json")
    assert caught.value.path == str(tmp_path / "nope.json")
    # a folder stands for the files under it: an empty one holds no profile
    with pytest.raises(ProfileError, match="a folder holding no profile files"):
        load_profiles(tmp_path)


def test_gz_that_is_not_gzip(write: Writer) -> None:
    path = write("fake.json.gz", json.dumps(USER))
    with pytest.raises(ProfileError, match="gzip"):
        load_profiles(path)


def test_json_list_of_non_mappings_reports_record_and_line(write: Writer) -> None:
    path = write("mixed.json", '[\n  {"external_id": "u1"},\n  "u2",\n  [1, 2]\n]\n')
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert caught.value.record == 2
    assert (caught.value.line, caught.value.column) == (3, 3)
    # worded as a JSON Lines line and as `audience` word it
    assert "record 2: not a JSON object (got string)" in str(caught.value)


def test_yaml_list_of_non_mappings_reports_line(write: Writer) -> None:
    path = write("scalars.yaml", "- external_id: u1\n- 42\n")
    with pytest.raises(ProfileError, match="got int") as caught:
        load_profiles(path)
    assert (caught.value.record, caught.value.line, caught.value.column) == (2, 2, 3)


def test_yaml_list_names_the_record_as_json_does(write: Writer) -> None:
    """`path:line:col: record N: ...` at the offending key, as for a JSON array."""
    message = "custom_attributes must be a mapping, got int"
    yaml_path = write("list.yaml", "- external_id: u1\n- external_id: u2\n  custom_attributes: 3\n")
    with pytest.raises(ProfileError) as caught:
        load_profiles(yaml_path)
    assert str(caught.value) == f"{yaml_path}:3:3: record 2: {message}"
    json_path = write("list.json", '[{"external_id": "u1"},\n {"external_id": "u2", '
                                   '"custom_attributes": 3}]\n')
    with pytest.raises(ProfileError) as caught:
        load_profiles(json_path)
    assert str(caught.value) == f"{json_path}:2:24: record 2: {message}"


def test_top_level_scalar(write: Writer) -> None:
    with pytest.raises(ProfileError, match="must be a mapping, got string"):
        load_profiles(write("s.yaml", "just text\n"))


def test_custom_attributes_not_a_mapping_yaml_points_at_key(write: Writer) -> None:
    path = write(
        "ca.yaml", "external_id: u1\n---\nexternal_id: u2\nfirst_name: Bo\ncustom_attributes: [a]\n"
    )
    message = "custom_attributes must be a mapping, got list"
    with pytest.raises(ProfileError, match=message) as caught:
        load_profiles(path)
    assert (caught.value.record, caught.value.line, caught.value.column) == (2, 5, 1)
    assert str(caught.value).startswith(f"{path}:5:1: record 2: {message}")


def test_custom_attributes_not_a_mapping_json_and_jsonl(write: Writer) -> None:
    bad = {"external_id": "u2", "custom_attributes": "tier=gold"}
    with pytest.raises(ProfileError, match="custom_attributes must be a mapping") as caught:
        load_profiles(write("ca.json", json.dumps([USER, bad], indent=2)))
    assert caught.value.record == 2
    # the second element's custom_attributes key
    assert (caught.value.line, caught.value.column) == (11, 5)
    with pytest.raises(ProfileError, match="custom_attributes") as caught:
        load_profiles(write("one.json", json.dumps(bad, indent=2)))
    assert (caught.value.line, caught.value.column) == (3, 3)
    lines = json.dumps(USER) + "\n  " + json.dumps(bad) + "\n"
    with pytest.raises(ProfileError, match="custom_attributes") as caught:
        load_profiles(write("ca.jsonl", lines))
    assert (caught.value.line, caught.value.column) == (2, 25)


def test_json_error_at_a_repeated_key_points_at_the_one_that_counts(write: Writer) -> None:
    """A JSON decoder keeps the last of repeated keys: that is the value refused."""
    path = write("dup.json", '{"custom_attributes": {},\n "custom_attributes": 3}\n')
    with pytest.raises(ProfileError, match="custom_attributes must be a mapping") as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (2, 2)


def test_json_errors_without_a_key_point_at_the_record(write: Writer) -> None:
    """A nested bad fixture names connected_content; a /users/track body problem no key."""
    path = write("track.json", '[{"external_id": "u1"},\n  {"attributes": 3}]')
    with pytest.raises(ProfileError, match="record 2: /users/track body") as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (2, 3)
    path = write("fix.json", '{"external_id": "u1", "connected_content": [{"url": 3}]}')
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (1, 23)
    path = write("bad.jsonl", '{"external_id": "u1"}\n  [1]\n')
    with pytest.raises(ProfileError, match="not a JSON object") as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (2, 3)


@pytest.mark.parametrize("key", ["event_properties", "context", "api_trigger_properties"])
def test_other_namespaces_must_be_mappings(write: Writer, key: str) -> None:
    with pytest.raises(ProfileError, match=f"{key} must be a mapping"):
        load_profiles(write("ns.json", json.dumps({"external_id": "u1", key: [1]})))


def test_jsonl_line_that_is_not_an_object(write: Writer) -> None:
    path = write("a.jsonl", json.dumps(USER) + "\n[1, 2]\n")
    with pytest.raises(ProfileError, match="not a JSON object") as caught:
        load_profiles(path)
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{path}:2:1: ")


# -- to_profile ------------------------------------------------------------------------------


def test_to_profile_none_is_empty() -> None:
    profile = to_profile(None)
    assert profile.data == {}
    assert profile.fixtures == []
    assert "user_id" not in profile.namespaces()


def test_to_profile_passes_a_profile_through() -> None:
    profile = Profile(name="x", data={})
    assert to_profile(profile) is profile


def test_to_profile_copies_a_mapping() -> None:
    original = {"external_id": "u1", "custom_attributes": {"tags": ["a"]}}
    profile = to_profile(original)
    original["custom_attributes"]["tags"].append("b")  # type: ignore[index]
    assert profile.data["custom_attributes"] == {"tags": ["a"]}
    assert profile.name == "u1"
    assert to_profile({"first_name": "Ann"}).name == "profile"


def test_to_profile_rejects_bad_mappings_and_types() -> None:
    with pytest.raises(InputError, match="custom_attributes must be a mapping"):
        to_profile({"custom_attributes": [1]})
    with pytest.raises(InputError, match="2 users"):
        to_profile({"attributes": [{"external_id": "a"}, {"external_id": "b"}]})
    with pytest.raises(TypeError):
        to_profile(42)  # type: ignore[arg-type]


def test_to_profile_from_paths(write: Writer) -> None:
    single = write("one.yaml", "external_id: u1\n")
    assert to_profile(single).name == "u1"
    assert to_profile(str(single)).name == "u1"
    many = write("two.json", json.dumps([USER, USER2]))
    with pytest.raises(InputError, match="holds 2 profiles") as caught:
        to_profile(many)
    assert caught.value.path == str(many)


def test_on_error_continues_past_bad_records_in_whole_file_formats(write: Writer) -> None:
    records = [USER, {"external_id": "bad", "custom_attributes": [1]}, "junk", USER2]
    path = write("mixed.json", json.dumps(records, indent=1))
    errors: list[ProfileError] = []
    names = [p.name for p in iter_profiles(path, on_error=errors.append)]
    assert names == ["u1", "u2"]
    assert [(e.record, e.path) for e in errors] == [(2, str(path)), (3, str(path))]
    assert all(e.line > 0 for e in errors)


@pytest.mark.parametrize("name", ["many.json", "many.yaml"])
def test_many_bad_records_are_placed_from_one_pass_over_the_file(
    write: Writer, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Placing each bad record must not read the whole file again (it was once per record
    for YAML: quadratic, minutes for a few thousand bad records)."""
    from rokt_braze.profiles import loading

    passes: list[str] = []
    for helper in ("_yaml_record_nodes", "json_members"):
        real = getattr(loading, helper)

        def counted(text: str, *args: int, _real: Any = real, _name: str = helper) -> Any:
            if not args or text[args[0]] == "[":  # a pass over the whole file, not one record
                passes.append(_name)
            return _real(text, *args)

        monkeypatch.setattr(loading, helper, counted)
    records = [{"external_id": f"u{n}", "custom_attributes": n} for n in range(50)]
    path = write(name, json.dumps(records, indent=1))
    errors: list[ProfileError] = []
    assert list(iter_profiles(path, on_error=errors.append)) == []
    assert [(e.record, e.line, e.column) for e in errors] == [
        (n + 1, 4 * n + 4, 3) for n in range(50)]
    assert len(passes) == 1


# -- an editor's unsaved text ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["people.yaml", "people.json", "people.jsonl"])
def test_unsaved_text_is_read_instead_of_the_file(write: Writer, name: str) -> None:
    path = write(name, json.dumps(USER) + "\n")
    unsaved = json.dumps(USER2) + "\n"
    [profile] = load_profiles(path, unsaved=unsaved)
    assert profile.data == USER2 and profile.source == str(path)
    assert [p.data for p in load_profiles(path)] == [USER]  # the file is unchanged


@pytest.mark.parametrize(("name", "text", "line"), [
    ("people.yaml", "external_id: u1\nfirst_name: [Ann\n", 3),
    ("people.jsonl", json.dumps(USER) + "\n{\"external_id\": \n", 2),
])
def test_a_broken_unsaved_text_is_reported_at_the_files_place(
        write: Writer, name: str, text: str, line: int) -> None:
    path = write(name, json.dumps(USER) + "\n")
    with pytest.raises(ProfileError) as caught:
        load_profiles(path, unsaved=text)
    assert caught.value.path == str(path) and caught.value.line == line
