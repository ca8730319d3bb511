"""One audience written in Braze's real export layouts: the same users in every one.

`write_layouts` writes them as one JSON Lines file, and as a folder the way a segment
export lands in a bucket (`segment-export/<segment>/<date>/<uuid>-<timestamp>/`): a
`.jsonl.gz` file (`output_format: gzip`), a zip of JSON Lines members (the default), and a
Parquet file such as a Snowflake unload writes (upper-case column names, custom attributes
as JSON text), in a sub-folder, beside an empty `_SUCCESS` marker and a hidden file.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from conftest import make_user

from rokt_braze.audience.summary import Summary

USERS = 240
NAMES = ("Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus")
EXPORT = "segment-export/6d1f-seg/2024-06-01/4be2c1-1717200000"


def seeded(n: int) -> dict[str, Any]:
    """User n; defects by number, so that every layout holds some of each."""
    user = make_user(n, first_name=NAMES[n % len(NAMES)], seeded=False)
    custom = user["custom_attributes"]
    if n % 9 == 0:
        del custom["rokt:subscription_id"]
    if n % 17 == 0:
        user["first_name"] = 'Dana "DJ"'
    if n % 23 == 0:  # plain strings where Rokt writes arrays
        custom["rokt:account_code"] = custom["rokt:account_code"][0]
        if "rokt:subscription_id" in custom:
            custom["rokt:subscription_id"] = custom["rokt:subscription_id"][0]
    return user


def audience() -> list[dict[str, Any]]:
    return [seeded(n) for n in range(1, USERS + 1)]


def _lines(users: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(u) + "\n" for u in users).encode("utf-8")


def write_layouts(root: Path) -> tuple[Path, Path]:
    """(the single JSON Lines file, the folder) holding `audience()`."""
    users = audience()
    single = root / "single.jsonl"
    single.write_bytes(_lines(users))
    folder = root / "bucket"
    export = folder / EXPORT
    (export / "unload").mkdir(parents=True)
    (export / "0a-users.jsonl.gz").write_bytes(gzip.compress(_lines(users[:80])))
    with zipfile.ZipFile(export / "1b-users.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("1b-users-0.json", _lines(users[80:120]))
        archive.writestr("1b-users-1.json", _lines(users[120:160]))
    (export / "unload" / "data_0_0_0.snappy.parquet").write_bytes(parquet(users[160:]))
    (export / "_SUCCESS").write_bytes(b"")
    (export / ".listing").write_text("not an export")
    return single, folder


def parquet(users: list[dict[str, Any]], row_group_size: int = 30) -> bytes:
    """A Snowflake-style unload: one column per export key, objects as JSON text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for key in sorted({k for u in users for k in u}):
        values = [u.get(key) for u in users]
        if any(isinstance(v, dict | list) for v in values):
            values = [None if v is None else json.dumps(v) for v in values]
        columns[key.upper()] = pa.array(values)
    table = pa.table(columns)
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=row_group_size)
    return out.getvalue()


def counts(summary: Summary) -> dict[str, Any]:
    """What must not depend on the layout or the engine."""
    return {"users": summary.users, "with_findings": summary.users_with_findings,
            "rules": {r: c.users for r, c in summary.rules.items()},
            "aborted": summary.aborted_users, "malformed": summary.malformed_count,
            "colliding": (summary.colliding_ids, summary.colliding_users),
            "collisions": [(c.event_id, c.users) for c in summary.collisions]}


def expected_failing() -> dict[str, set[str]]:
    """The seeded users with a finding, and their rules, worked out from the seeds."""
    out: dict[str, set[str]] = {}
    for n in range(1, USERS + 1):
        rules = set()
        if n % 9 == 0:  # no subscription: [""] and a missing attribute
            rules |= {"rokt-subscription-ids", "missing-attribute"}
        if n % 17 == 0:
            rules = {"body-json-invalid"} | (rules - {"rokt-subscription-ids"})
        if n % 23 == 0:
            rules.add("rokt-url")
        if rules:
            out[f"user-{n:03d}"] = rules
    return out
