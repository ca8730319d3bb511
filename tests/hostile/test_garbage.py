"""Hypothesis-generated garbage through `check`, `render` and `audience`, in-process.

Whatever the bytes, the answer is a finding (exit 0 or 1) or an input error (exit 2 with
a message): never an internal error (exit 3), never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hostile_helpers import Run, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rokt_braze
from rokt_braze.braze.template import braze_environment
from rokt_braze.errors import MessageAborted, TemplateError

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

_LIQUID = ["{{", "}}", "{%", "%}", "{{-", "-}}", "{%-", "-%}", " ", "\n", "x", "y", "'a'",
           '"b"', "1", "-1", "(1..3)", "(1..100000000)", "..", "|", ":", ",", "=", "==", "[",
           "]", "(", ")", "${", "${user_id}", "}", "{", "custom_attribute.", "if", "elsif",
           "else", "endif", "unless", "for", "in", "endfor", "limit:", "offset:", "reversed",
           "break", "tablerow", "cols:", "endtablerow", "case", "when", "endcase", "assign",
           "capture", "endcapture", "raw", "endraw", "comment", "endcomment", "#", "liquid",
           "echo", "cycle", "increment", "append", "split", "join", "size", "date",
           "hmac_sha256", "md5", "json_escape", "url_encode", "default", "divided_by", "modulo",
           "times", "slice", "truncate", "time_zone", "property_accessor", "connected_content",
           "https://x.example/", ":save", ":retry", ":method", "post", ":body", "abort_message",
           "content_blocks", "catalog_items", "message_extras", "promotion"]

liquid_soup = st.lists(st.sampled_from(_LIQUID), max_size=60).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=5),
    max_leaves=30)
yaml_soup = st.lists(st.sampled_from(
    ["a", "url", "body", "1", ":", ": ", "- ", "\n", "  ", "&x ", "*x", "[", "]", "{", "}",
     ",", "'", '"', "|", ">", "!!str ", "!!binary ", "!!python/object ", "#", "<<: ", "~",
     "---\n", "...\n", "%YAML 1.1\n", "\t", "é", "\\"]), max_size=50).map("".join)


def no_crash(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, out, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.strip(), "an input error says what is wrong"


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".webhook.yaml", ".liquid"]))
def test_random_bytes_as_a_template(cli: Run, tmp_path: Path, data: bytes, suffix: str) -> None:
    path = write(tmp_path, "garbage" + suffix, data)
    no_crash(*cli("check", str(path)))
    no_crash(*cli("render", str(path)))


@SETTINGS
@given(text=yaml_soup)
def test_random_yaml_as_a_webhook_and_a_profile(cli: Run, tmp_path: Path, text: str) -> None:
    hook = write(tmp_path, "g.webhook.yaml", text)
    no_crash(*cli("check", str(hook)))
    profile = write(tmp_path, "g.yaml", text)
    no_crash(*cli("check", str(CREATE), "--profile", str(profile)))


@SETTINGS
@given(body=liquid_soup, url=liquid_soup)
def test_random_liquid_in_every_field(cli: Run, tmp_path: Path, body: str, url: str) -> None:
    hook = write(tmp_path, "s.webhook.yaml", yaml.safe_dump(
        {"url": "https://x.example/" + url, "headers": {"X-Soup": body}, "body": body}))
    no_crash(*cli("check", str(hook)))
    no_crash(*cli("render", str(hook)))
    liquid = write(tmp_path, "s.liquid", body)
    no_crash(*cli("check", str(liquid)))


@SETTINGS
@given(record=st.dictionaries(
    st.sampled_from(["external_id", "braze_id", "first_name", "email", "time_zone",
                     "custom_attributes", "event_properties", "attributes", "events",
                     "connected_content", "context", "canvas_entry_properties"]) | st.text(),
    json_values, max_size=6) | json_values)
def test_random_profile_json(cli: Run, tmp_path: Path, record: object) -> None:
    profile = write(tmp_path, "p.json", json.dumps(record))
    no_crash(*cli("check", str(CREATE), "--profile", str(profile)))
    no_crash(*cli("render", str(CREATE), "--profile", str(profile)))
    export = write(tmp_path, "users.jsonl", json.dumps(record) + "\n" + json.dumps(
        {"external_id": "ok"}) + "\n")
    no_crash(*cli("audience", str(CREATE), "--profiles", str(export), "--jobs", "1",
                  "--no-progress"))


@SETTINGS
@given(data=st.binary(max_size=200))
def test_random_bytes_as_an_export(cli: Run, tmp_path: Path, data: bytes) -> None:
    export = write(tmp_path, "users.jsonl", data)
    no_crash(*cli("audience", str(CREATE), "--profiles", str(export), "--jobs", "1",
                  "--no-progress"))


# -- well-formed Liquid, odd values -------------------------------------------------------

_ATOMS = ["nil", "true", "0", "-1", "1", "2.5", "-0.0", "99999999999999999999", "'a,b'", "''",
          "'2024-01-01'", "'now'", "x", "arr", "h", "(1..3)", "(3..1)", "'%Y'", "'{\"a\":1}'",
          "'America/New_York'", "'Mars/X'", "empty", "blank", "'1e400'", "'\\u00e9'"]
_FILTERS = sorted(braze_environment().filters)
atoms = st.sampled_from(_ATOMS)
filtered = st.tuples(atoms, st.lists(st.tuples(st.sampled_from(_FILTERS),
                                               st.lists(atoms, max_size=3)), max_size=3)).map(
    lambda t: t[0] + "".join(f" | {name}" + (": " + ", ".join(args) if args else "")
                             for name, args in t[1]))
statements = st.one_of(
    filtered.map(lambda e: "{{ " + e + " }}"),
    filtered.map(lambda e: "{% assign x = " + e + " %}"),
    st.tuples(atoms, atoms).map(lambda t: f"{{% for i in {t[0]} limit: {t[1]} offset: {t[1]} %}}"
                                "{{i}}{% endfor %}"),
    st.tuples(atoms, atoms).map(lambda t: f"{{% tablerow i in {t[0]} cols: {t[1]} limit: {t[1]}"
                                " %}{{i}}{% endtablerow %}"),
    st.tuples(atoms, atoms).map(lambda t: f"{{% if {t[0]} contains {t[1]} %}}y{{% endif %}}"),
    atoms.map(lambda a: f"{{% case {a} %}}{{% when 1, {a} %}}w{{% endcase %}}"),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(statements, max_size=4).map("".join))
def test_every_filter_and_tag_on_odd_values(source: str) -> None:
    """Python's own errors from a filter (bytes that are not UTF-8, a decimal that is not a
    number) are render errors at the filter, like any other."""
    try:
        rokt_braze.render_liquid(source, {"external_id": "u", "custom_attributes": {
            "arr": [1, "a", None, [2]], "h": {"a": 1}}})
    except TemplateError as err:
        assert err.rule in ("render-error", "liquid-syntax", "unknown-filter"), err.rule
        assert err.line >= 1, err  # positioned
    except MessageAborted:
        pass
