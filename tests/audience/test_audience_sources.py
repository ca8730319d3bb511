"""Sources and partitions with the local engine: Braze's export layouts, byte ranges,
failing users, input errors, merging in any order, and one pinned 'now'."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import itertools
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import CREATE, PERSONAL, make_user, write_jsonl
from layouts import USERS, audience, counts, expected_failing, write_layouts

from rokt_braze.audience import run_audience
from rokt_braze.audience.check import Job
from rokt_braze.audience.partition import PartitionCheck, plan_partitions
from rokt_braze.audience.storage import find_files
from rokt_braze.audience.summary import Summary, Tally
from rokt_braze.cli import main

pytest.importorskip("pyarrow", reason="the Parquet layout needs rokt-braze[scale]")


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_layouts(tmp_path_factory.mktemp("layouts"))


@pytest.fixture(scope="module")
def reference(layouts: tuple[Path, Path], named: Path) -> Summary:
    return run_audience(str(named), str(layouts[0]), jobs=1)


def test_the_reference_finds_each_seeded_defect(reference: Summary) -> None:
    assert reference.users == USERS
    assert set(reference.per_rule()) == {"rokt-subscription-ids", "missing-attribute",
                                    "body-json-invalid", "rokt-url"}
    assert reference.per_rule()["body-json-invalid"].users == USERS // 17
    assert reference.colliding_ids == 7  # one per first name


def test_the_folder_of_every_format_counts_like_the_one_file(
    layouts: tuple[Path, Path], named: Path, reference: Summary
) -> None:
    _, folder = layouts
    files = find_files([str(folder)])
    assert [Path(f.url).name for f in files] == [
        "0a-users.jsonl.gz", "1b-users.zip", "data_0_0_0.snappy.parquet"]  # no marker
    summary = run_audience(str(named), str(folder), jobs=2)
    assert counts(summary) == counts(reference)
    # examples are the smallest (source, line): here the gzip file's first lines
    first = summary.per_rule()["rokt-subscription-ids"].examples[0]
    assert (first.user, first.source.endswith("0a-users.jsonl.gz"), first.line) == (
        "user-009", True, 9)


def test_globs_file_urls_and_several_sources_are_one_export(
    layouts: tuple[Path, Path], named: Path, reference: Summary
) -> None:
    _, folder = layouts
    parts = [f"{folder}/**/*.gz", f"file://{folder}/**/*.zip", f"{folder}/**/*.parquet"]
    summary = run_audience(str(named), parts, jobs=1)
    assert counts(summary) == counts(reference)


def test_zip_members_and_parquet_rows_are_reported_where_they_are(
    layouts: tuple[Path, Path], named: Path
) -> None:
    _, folder = layouts
    summary = run_audience(str(named), str(folder), jobs=1)
    places = {e.user: (e.source.rsplit("/", 1)[-1], e.line)
              for c in summary.per_rule().values() for e in c.examples}
    assert places["user-023"] == ("0a-users.jsonl.gz", 23)
    check = run_audience(str(named), [str(p) for p in folder.rglob("*.zip")], jobs=1)
    # user 81 is the first line of the first member
    assert {(e.user, e.source.rsplit("/", 1)[-1], e.line)
            for e in check.per_rule()["rokt-subscription-ids"].examples} == {
        ("user-081", "1b-users.zip!1b-users-0.json", 1),
        ("user-090", "1b-users.zip!1b-users-0.json", 10),
        ("user-099", "1b-users.zip!1b-users-0.json", 19)}
    parquet = run_audience(str(named), [str(p) for p in folder.rglob("*.parquet")], jobs=1)
    first = parquet.per_rule()["rokt-url"].examples[0]  # user 161 is row 1
    assert (first.user, first.line) == ("user-161", 1)
    assert first.source.endswith(".parquet")


@pytest.mark.parametrize("jobs", [1, 2])
def test_byte_ranges_of_one_file_give_the_same_report(
    layouts: tuple[Path, Path], named: Path, reference: Summary, jobs: int
) -> None:
    single, _ = layouts
    size = single.stat().st_size
    partitions = plan_partitions(find_files([str(single)]), jobs, partition_bytes=size // 7)
    assert len(partitions) == 8
    ranged = run_audience(str(named), str(single), jobs=jobs, partition_bytes=size // 7)
    assert ranged.to_dict() == reference.to_dict()  # the same examples, lines and all


def test_a_gzip_file_and_an_array_shared_by_workers_read_each_user_once(
    tmp_path: Path, named: Path, reference: Summary
) -> None:
    users = audience()
    packed = tmp_path / "users.jsonl.gz"
    packed.write_bytes(gzip.compress("".join(json.dumps(u) + "\n" for u in users).encode()))
    array = tmp_path / "users.json"
    array.write_text(json.dumps(users, indent=1))
    for path in (packed, array):
        summary = run_audience(str(named), str(path), jobs=2,
                               partition_bytes=path.stat().st_size // 3)
        assert counts(summary) == counts(reference), path


def test_partial_tallies_merge_in_any_order(layouts: tuple[Path, Path], named: Path) -> None:
    _, folder = layouts
    job = Job(str(named), str(folder))
    task = PartitionCheck(job, "merge-test", dt.datetime.now(dt.timezone.utc), buckets=2)
    results = [task(p, frozenset()).tally
               for p in plan_partitions(find_files([str(folder)]), 1, partition_bytes=4000)]
    assert len(results) > 3

    def merged(order: tuple[Tally, ...]) -> dict[str, object]:
        total = Summary()
        for part in order:
            copy = Tally()
            copy.merge(part)
            total.merge(copy)
        return total.to_dict()

    first = merged(tuple(results))
    for order in itertools.islice(itertools.permutations(results), 1, 24):
        assert merged(order) == first
    # and grouped differently: (a + b) + (c + ...) == a + (b + (c + ...))
    left, right = Tally(), Tally()
    for part in results[:2]:
        left.merge(part)
    for part in results[2:]:
        right.merge(part)
    right.merge(left)
    total = Summary()
    total.merge(right)
    assert total.to_dict() == first


def test_now_is_pinned_once_for_the_run(tmp_path: Path) -> None:
    webhook = tmp_path / "now.webhook.yaml"
    webhook.write_text(PERSONAL.replace("EVENT_ID", "{{ 'now' | date: '%Y-%m-%dT%H:%M:%S.%L' }}"))
    export = write_jsonl(tmp_path / "u.jsonl", [make_user(n, seeded=False) for n in range(40)])
    job = Job(str(webhook), str(export))
    then = dt.datetime(2001, 2, 3, 4, 5, 6, 7000, tzinfo=dt.timezone.utc)
    [partition] = plan_partitions(find_files([str(export)]), 1)
    task = PartitionCheck(job, "now-test", then, buckets=2)
    [(_, _, _, user, event_id)] = task.event_ids(partition, frozenset({(0, 1)}))
    assert (user, event_id) == ("user-000", "2001-02-03T04:05:06.007")
    # a run on two workers renders every user at one instant: one eventId for all
    summary = run_audience(str(webhook), str(export), jobs=2, partition_bytes=2000)
    assert (summary.colliding_ids, summary.colliding_users) == (1, 40)


# -- --failing-users ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_failing_users_lists_exactly_the_users_with_findings(
    capsys: pytest.CaptureFixture[str], layouts: tuple[Path, Path], named: Path,
    tmp_path: Path, suffix: str,
) -> None:
    _, folder = layouts
    target = tmp_path / f"failing{suffix}"
    status = main(["audience", str(named), "--profiles", str(folder), "-j", "2",
                   "--failing-users", str(target), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    if suffix == ".csv":
        with target.open(newline="") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == ["external_id", "source", "line", "rules"]
        got = {r["external_id"]: (set(r["rules"].split()), r["source"], int(r["line"]))
               for r in rows}
    else:
        rows = [json.loads(line) for line in target.read_text().splitlines()]
        got = {r["external_id"]: (set(r["rules"]), r["source"], r["line"]) for r in rows}
    assert len(rows) == len(got) == report["summary"]["users_with_findings"]
    assert {user: rules for user, (rules, _, _) in got.items()} == expected_failing()
    # each row points at its user
    for user, (_, source, line) in got.items():
        assert _user_at(source, line)["external_id"] == user


def _user_at(source: str, line: int) -> dict[str, Any]:
    if "!" in source:
        archive, member = source.split("!")
        with zipfile.ZipFile(archive) as z:
            return dict(json.loads(z.read(member).splitlines()[line - 1]))
    if source.endswith(".parquet"):
        import pyarrow.parquet as pq

        row = pq.read_table(source).slice(line - 1, 1).to_pylist()[0]
        return {k.lower(): v for k, v in row.items()}
    return dict(json.loads(gzip.open(source).read().splitlines()[line - 1]))


def test_failing_users_needs_a_known_extension(
    capsys: pytest.CaptureFixture[str], layouts: tuple[Path, Path], tmp_path: Path
) -> None:
    status = main(["audience", str(CREATE), "--profiles", str(layouts[0]),
                   "--failing-users", str(tmp_path / "f.xlsx")])
    err = capsys.readouterr().err
    assert status == 2 and ".csv or .jsonl" in err and "Traceback" not in err


# -- sources that are not what they claim ---------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("users.json", json.dumps(make_user(1), indent=2).encode(), "pretty-printed JSON"),
        ("users.jsonl", b"external_id: u1\nfirst_name: Ann\n", "not a user export"),
        ("users.yaml", b"- external_id: u1\n", "not a user export"),
        ("users.jsonl.gz", b'{"external_id": "u1"}\n', "named .gz but not gzip data"),
        ("export.zip", b'{"external_id": "u1"}\n', "named .zip but not zip data"),
        ("users.parquet", b'{"external_id": "u1"}\n', "named .parquet but not parquet"),
        ("export.zip", _zip({"a.json": b"\x00\x01\x02"}), "export.zip!a.json: binary file"),
        ("export.zip", _zip({}), "an empty zip file"),
        ("users.parquet", b"PAR1 truncated", "not a readable Parquet file"),
    ],
)
def test_a_source_that_is_not_an_export_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: bytes,
    message: str,
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_jsonl(folder / "good.jsonl", [make_user(1)])
    (folder / name).write_bytes(content)
    status = main(["audience", str(CREATE), "--profiles", str(folder), "-j", "1"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert message in err and str(folder / name).split("!")[0] in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_one_line_export_cut_short_is_a_malformed_line_not_pretty_printed_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    source.write_bytes(b'{"external_id": [1, 2\n')
    status = main(["audience", str(CREATE), "--profile", str(source), "-j", "1"])
    out, err = capsys.readouterr()
    assert status == 2
    assert "pretty-printed" not in err
    assert "users.jsonl:1:22: invalid JSON" in out and "No user could be checked" in out


@pytest.mark.parametrize("spec", ["nowhere/*.jsonl", "missing-folder/"])
def test_a_source_that_matches_nothing_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spec: str
) -> None:
    status = main(["audience", str(CREATE), "--profiles", str(tmp_path / spec)])
    err = capsys.readouterr().err
    assert status == 2 and ("matches no file" in err or "cannot read" in err)


def test_without_the_scale_extra_urls_and_dask_say_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    export = write_jsonl(tmp_path / "u.jsonl", [make_user(1)])
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    monkeypatch.setitem(sys.modules, "distributed", None)
    for args in (["--profiles", "s3://bucket/export/"],
                 ["--profiles", str(export), "--engine", "dask"]):
        status = main(["audience", str(CREATE), *args])
        err = capsys.readouterr().err
        assert status == 2 and "pip install 'rokt-braze[scale]'" in err, args


def test_the_command_line_offers_every_engine_of_the_registry() -> None:
    import argparse

    from rokt_braze.audience.cli import add_arguments
    from rokt_braze.audience.engines import ENGINES

    parser = argparse.ArgumentParser()
    add_arguments(parser.add_subparsers().add_parser("audience"))
    args = parser.parse_args(["audience", "--profiles", "a.jsonl", "b/", "--", "w.webhook.yaml"])
    assert (args.webhook, args.profiles, args.engine) == ("w.webhook.yaml", ["a.jsonl", "b/"],
                                                          "local")
    for name in ENGINES:
        assert parser.parse_args(["audience", "w", "--profiles", "a", "--engine", name]).engine


@pytest.mark.parametrize(("url", "library"), [("gs://bucket/export/", "gcsfs"),
                                              ("az://container/export/", "adlfs")])
def test_other_stores_name_the_library_they_need(
    capsys: pytest.CaptureFixture[str], url: str, library: str
) -> None:
    import importlib.util

    pytest.importorskip("fsspec", reason="needs rokt-braze[scale]")
    if importlib.util.find_spec(library) is not None:
        pytest.skip(f"{library} is installed: the URL would be listed")
    status = main(["audience", str(CREATE), "--profiles", url])
    err = capsys.readouterr().err
    assert status == 2 and f"{url}: " in err and library in err


def test_an_unknown_url_scheme_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("fsspec", reason="needs rokt-braze[scale]")
    status = main(["audience", str(CREATE), "--profiles", "foo://c/y"])
    err = capsys.readouterr().err
    assert status == 2 and "foo://c/y: Protocol not known: foo" in err


def test_files_are_cut_only_when_there_are_too_few_to_share() -> None:
    from rokt_braze.audience.storage import ExportFile

    mb = 1 << 20
    few = [ExportFile(f"f{n}", 3 * mb) for n in range(2)]
    assert [p.parts for p in plan_partitions(few, 2)] == [3] * 6  # 6 MB over 8 shares of 1 MB
    many = [ExportFile(f"f{n}", 3 * mb) for n in range(8)]
    assert [p.parts for p in plan_partitions(many, 2)] == [1] * 8
    huge = [*many, ExportFile("big", 130 * mb)]
    assert [p.parts for p in plan_partitions(huge, 2)] == [1] * 8 + [3] * 3
