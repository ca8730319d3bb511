"""`/users/export/segment`: Braze's file layout, segment conditions, and the audience
reading what it wrote."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from rokt_braze.fakes.braze.export import Segment, parse_segment, write_segment_export
from rokt_braze.fakes.sandbox import STOCK_CREATE

from .conftest import Client

LAYOUT = re.compile(
    r"segment-export/(?P<segment>[^/]+)/\d{4}-\d{2}-\d{2}/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d{10}/[0-9a-f]{32}\.zip"
)


def _lines(path: Path | str) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as archive:
        [member] = archive.namelist()
        return [json.loads(line) for line in archive.read(member).decode().splitlines()]


def test_files_of_at_most_per_file_users_in_brazes_layout(tmp_path: Path) -> None:
    users = [{"external_id": f"u{n}"} for n in range(12)]
    prefix, files = write_segment_export(users, tmp_path, "seg 1", per_file=5)
    assert [len(_lines(f)) for f in files] == [5, 5, 2]
    for path in files:
        match = LAYOUT.fullmatch(Path(path).relative_to(tmp_path).as_posix())
        assert match and match["segment"] == "seg_1"
        assert prefix in Path(path).parts
    assert [u["external_id"] for f in files for u in _lines(f)] == [f"u{n}" for n in range(12)]


def test_conditions() -> None:
    user = {"custom_attributes": {"rokt:calendar_code": ["cal-1/abc123abc123"], "tier": "gold"}}
    assert Segment("s", "performed subscribe").matches(user, {"subscribe"})
    assert not Segment("s", "performed subscribe").matches(user, {"open"})
    assert parse_segment("c=rokt:calendar_code matches ^cal-1/").matches(user, set())
    assert not parse_segment("c=rokt:calendar_code includes cal-1").matches(user, set())
    assert parse_segment("c=tier includes gold").matches(user, set())
    assert parse_segment("all=all").matches({}, set())
    for bad in ("nocondition", "x=", "x=tier equals gold", "x=tier matches ("):
        try:
            parse_segment(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_export_of_a_segment_over_http(braze: Client, uid: str, tmp_path: Path) -> None:
    now = "2024-05-01T10:00:00Z"
    braze.track({
        "attributes": [
            {"external_id": f"{uid}-1", "rokt:calendar_code": {"add": ["cal-1/aaaaaaaaaaaa"]}},
            {"external_id": f"{uid}-2", "rokt:calendar_code": {"add": ["cal-2/bbbbbbbbbbbb"]}},
        ],
        "events": [{"external_id": f"{uid}-2", "name": "subscribe", "time": now}],
    })
    answer = braze.post("/users/export/segment", {"segment_id": "cal-1",
                                                  "fields_to_export": ["external_id"]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["message"] == "success"
    assert re.fullmatch(r"[0-9a-f-]{36}-\d+", body["object_prefix"])
    [zip_file] = Path(body["folder"]).glob("*.zip")
    assert {"external_id": f"{uid}-1"} in _lines(zip_file)
    assert {"external_id": f"{uid}-2"} not in _lines(zip_file)
    bundle = requests.get(body["url"], timeout=10)
    assert bundle.status_code == 200 and bundle.headers["Content-Type"] == "application/zip"

    subscribers = braze.post("/users/export/segment", {
        "segment_id": "subscribers", "fields_to_export": ["external_id", "custom_attributes"],
    }).json()
    [zip_file] = Path(subscribers["folder"]).glob("*.zip")
    ids = [u["external_id"] for u in _lines(zip_file)]
    assert f"{uid}-2" in ids and f"{uid}-1" not in ids

    for request, message in (
        ({"fields_to_export": ["external_id"]}, "'segment_id' is required"),
        ({"segment_id": "nope", "fields_to_export": ["external_id"]}, "unknown segment_id"),
        ({"segment_id": "cal-1"}, "'fields_to_export' is required"),
    ):
        bad = braze.post("/users/export/segment", request)
        assert bad.status_code == 400 and message in bad.json()["message"]
    listed = requests.get(braze.url + "/segments/list", timeout=10,
                          headers={"Authorization": "Bearer test-rest-key-0001"}).json()
    assert {s["id"] for s in listed["segments"]} == {"subscribers", "all", "cal-1"}


def test_the_audience_reads_a_segment_export_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rokt_braze.cli import main
    from rokt_braze.profiles.sample import sample_data

    users = [dict(sample_data(), external_id=f"user-{n}") for n in range(3)]
    users[2]["custom_attributes"]["rokt:subscription_id"] = [""]
    _, [zip_file] = write_segment_export(users, tmp_path, "subscribers")
    status = main(["audience", str(STOCK_CREATE), "--profile", str(zip_file), "--no-progress",
                   "--jobs", "1", "--format", "json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert status == 1, err
    assert report["summary"]["users"] == 3
    assert "rokt-subscription-ids" in json.dumps(report["rules"])


def test_export_to_a_bucket_the_audience_reads(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a storage URL as the export folder the fake writes where Braze would (your
    bucket; here moto's S3 server on loopback), and `audience` reads the files there."""
    moto_server = pytest.importorskip("moto.server", reason="needs moto[server] (test extra)")
    s3fs = pytest.importorskip("s3fs", reason="needs the scale extra")
    from rokt_braze.cli import main
    from rokt_braze.fakes.braze.app import running_fake_braze
    from rokt_braze.fakes.braze.auth import ApiKey
    from rokt_braze.profiles.sample import sample_data

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        for key, value in {"AWS_ENDPOINT_URL": f"http://{host}:{port}",
                           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(key, value)
        s3fs.S3FileSystem.clear_instance_cache()
        s3fs.S3FileSystem().mkdir("exports-bucket")
        with running_fake_braze(keys=[ApiKey("k-000001")], export_dir="s3://exports-bucket/braze",
                                segments=[parse_segment("all=all")]) as braze:
            user = dict(sample_data(), external_id="bucket-user")
            track = {"attributes": [{"external_id": "bucket-user", **{
                k: v for k, v in user["custom_attributes"].items()}}]}
            headers = {"Authorization": "Bearer k-000001"}
            assert requests.post(braze.base_url + "/users/track", json=track, timeout=10,
                                 headers=headers).status_code == 201
            answer = requests.post(braze.base_url + "/users/export/segment", timeout=10,
                                   headers=headers, json={"segment_id": "all", "fields_to_export":
                                                          ["external_id", "custom_attributes"]})
            folder = answer.json()["folder"]
            assert folder.startswith("s3://exports-bucket/braze/segment-export/all/")
            assert requests.get(answer.json()["url"], timeout=10).status_code == 200
        status = main(["audience", str(STOCK_CREATE), "--profile", folder, "--no-progress",
                       "--jobs", "1", "--format", "json"])
        report = json.loads(capsys.readouterr().out)
        assert status == 0 and report["summary"]["users"] == 1, report
    finally:
        server.stop()


def test_the_callback_endpoint_hears_when_the_export_is_ready(braze: Client) -> None:
    import queue

    from rokt_braze.fakes.core import App, HttpServer, Request, Route, json_reply

    heard: queue.Queue[object] = queue.Queue()

    def record(request: Request) -> Any:
        heard.put(request.json)
        return json_reply(200, {})

    receiver = HttpServer(App([Route("POST", r"/ready", record, body="json")]))
    receiver.start()
    try:
        answer = braze.post("/users/export/segment", {
            "segment_id": "all", "fields_to_export": ["external_id"],
            "callback_endpoint": receiver.base_url + "/ready"})
        assert answer.status_code == 201
        assert heard.get(timeout=10) == {"success": True, "url": answer.json()["url"]}
    finally:
        receiver.stop()
    bad = braze.post("/users/export/segment", {"segment_id": "all", "fields_to_export": [
        "external_id"], "callback_endpoint": "ftp://x"})
    assert bad.status_code == 400
