"""The audience at scale with real parts: a Dask LocalCluster, and S3 served by moto's
standalone server on loopback, read through s3fs with AWS_ENDPOINT_URL.

The same users, as one JSON Lines file, as a folder of Braze's export layouts, and as that
folder in a bucket, give the same per-rule counts with the local engine and with Dask.
"""

from __future__ import annotations

import csv
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from layouts import EXPORT, counts, expected_failing, write_layouts

from rokt_braze.audience import run_audience
from rokt_braze.audience.summary import Summary
from rokt_braze.cli import main

distributed = pytest.importorskip("distributed", reason="needs rokt-braze[scale]")
pytest.importorskip("s3fs", reason="needs rokt-braze[scale]")
moto_server = pytest.importorskip("moto.server", reason="needs moto[server] (the test extra)")

BUCKET = "braze-exports"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_env() -> Iterator[dict[str, str]]:
    """A loopback S3 server, and the standard AWS environment pointing at it.

    Set in os.environ before the cluster starts, so its worker processes inherit it, as
    they would from a real deployment's environment."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(),
                                            verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, s3_env: dict[str, str]) -> dict[str, str]:
    """The one file, the folder, and the folder uploaded to the bucket."""
    import s3fs

    single, folder = write_layouts(tmp_path_factory.mktemp("scale"))
    fs = s3fs.S3FileSystem()
    fs.mkdir(BUCKET)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.put_file(str(path), f"{BUCKET}/{path.relative_to(folder).as_posix()}")
    return {"single": str(single), "folder": str(folder),
            "bucket": f"s3://{BUCKET}/segment-export/"}


@pytest.fixture(scope="module")
def cluster(s3_env: dict[str, str]) -> Iterator[Any]:
    """Two worker processes, one thread each, started apart: runs join it (--scheduler)."""
    from rokt_braze.audience.engines import local_cluster

    with local_cluster(2) as running:  # the cluster `--engine dask --jobs 2` starts
        yield running


@pytest.fixture(scope="module")
def reference(exports: dict[str, str], named: Path) -> Summary:
    return run_audience(str(named), exports["single"], jobs=1)


def test_the_bucket_is_listed_like_the_folder(exports: dict[str, str]) -> None:
    from rokt_braze.audience.storage import find_files

    listed = [f.url for f in find_files([exports["bucket"]])]
    assert listed == [f"s3://{BUCKET}/{EXPORT}/{name}" for name in (
        "0a-users.jsonl.gz", "1b-users.zip", "unload/data_0_0_0.snappy.parquet")]


@pytest.mark.parametrize("layout", ["single", "folder", "bucket"])
def test_every_layout_counts_the_same_on_dask_and_locally(
    exports: dict[str, str], named: Path, reference: Summary, cluster: Any, layout: str
) -> None:
    local = run_audience(str(named), exports[layout], jobs=2)
    on_dask = run_audience(str(named), exports[layout], engine="dask",
                           scheduler=cluster.scheduler_address)
    assert (on_dask.engine, on_dask.jobs) == ("dask", 2)
    assert counts(local) == counts(on_dask) == counts(reference)
    assert on_dask.to_dict() == local.to_dict()  # the same examples, from the same places


def test_the_driver_never_opens_the_export(
    exports: dict[str, str], named: Path, reference: Summary, cluster: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the workers (other processes) read users: the driver can list files, no more."""

    def refuse(url: str) -> Any:
        raise AssertionError(f"the driver opened {url}")

    monkeypatch.setattr("rokt_braze.audience.storage.open_file", refuse)
    monkeypatch.setattr("rokt_braze.audience.partition.open_file", refuse)
    for layout in ("folder", "bucket"):
        summary = run_audience(str(named), exports[layout], engine="dask",
                               scheduler=cluster.scheduler_address)
        assert counts(summary) == counts(reference)


def test_byte_ranges_on_dask(
    exports: dict[str, str], named: Path, reference: Summary, cluster: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("rokt_braze.audience.engines.COMBINE", 2)  # records joined in 3 batches
    size = Path(exports["single"]).stat().st_size
    ranged = run_audience(str(named), exports["single"], engine="dask",
                          scheduler=cluster.scheduler_address, partition_bytes=size // 5)
    assert ranged.to_dict() == reference.to_dict()


def test_the_command_line_starts_its_own_cluster_and_lists_failing_users(
    capsys: pytest.CaptureFixture[str], exports: dict[str, str], named: Path, tmp_path: Path
) -> None:
    target = tmp_path / "failing.csv"
    status = main(["audience", str(named), "--profiles", exports["bucket"], "--engine", "dask",
                   "--jobs", "2", "--failing-users", str(target)])
    out, err = capsys.readouterr()
    assert status == 1, err
    assert "240 users" in out
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["external_id"]: set(r["rules"].split()) for r in rows} == expected_failing()
    assert all(r["source"].startswith(f"s3://{BUCKET}/") for r in rows)


def test_an_unreachable_scheduler_is_an_input_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    exports: dict[str, str], named: Path,
) -> None:
    monkeypatch.setattr("rokt_braze.audience.engines.CONNECT_TIMEOUT", "1s")
    status = main(["audience", str(named), "--profiles", exports["single"], "--engine", "dask",
                   "--scheduler", f"tcp://127.0.0.1:{_free_port()}"])
    err = capsys.readouterr().err
    assert status == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err


def test_a_missing_bucket_is_an_input_error(
    capsys: pytest.CaptureFixture[str], exports: dict[str, str], named: Path
) -> None:
    status = main(["audience", str(named), "--profiles", "s3://no-such-bucket/export/"])
    err = capsys.readouterr().err
    assert status == 2 and "s3://no-such-bucket/export/" in err and "Traceback" not in err
