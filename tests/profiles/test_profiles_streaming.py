"""Streaming a large JSON Lines export: bad lines are reported and the rest still comes."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from rokt_braze.profiles import ProfileError, iter_profiles

LINES = 10_000
BAD = {5_000: '{"external_id": "user-5000", "first_name": ', 7_500: '["not", "an", "object"]'}


def make_export(path: Path, *, gz: bool) -> Path:
    """A 10,000-line export; lines 5000 and 7500 are broken, line 2000 is blank."""
    target = path.with_name(path.name + ".gz") if gz else path
    opener = gzip.open if gz else open
    with opener(target, "wt", encoding="utf-8") as fh:
        for n in range(1, LINES + 1):
            if n in BAD:
                fh.write(BAD[n] + "\n")
            elif n == 2_000:
                fh.write("\n")
            else:
                record = {
                    "external_id": f"user-{n}",
                    "first_name": f"First {n}",
                    "custom_attributes": {
                        "rokt:account_code": [f"brazetest/{n:012x}"],
                        "rokt:subscription_id": [f"00000000-0000-4000-8000-{n:012x}"],
                    },
                }
                fh.write(json.dumps(record) + "\n")
    return target


@pytest.mark.parametrize("gz", [False, True])
def test_bad_lines_are_reported_and_the_rest_yielded(tmp_path: Path, gz: bool) -> None:
    path = make_export(tmp_path / "export.jsonl", gz=gz)
    errors: list[ProfileError] = []
    names = [p.name for p in iter_profiles(path, on_error=errors.append)]
    assert len(names) == LINES - 3  # two bad lines, one blank
    assert names[0] == "user-1"
    assert names[-1] == f"user-{LINES}"
    assert "user-5001" in names and "user-7501" in names
    assert [(e.line, e.path) for e in errors] == [(5_000, str(path)), (7_500, str(path))]
    assert "invalid JSON" in str(errors[0])
    assert str(errors[1]) == f"{path}:7500:1: not a JSON object (got array)"


def test_without_a_callback_the_first_bad_line_raises_after_the_good_ones(tmp_path: Path) -> None:
    path = make_export(tmp_path / "export.jsonl", gz=False)
    seen = 0
    with pytest.raises(ProfileError) as caught:
        for _ in iter_profiles(path):
            seen += 1
    assert seen == 4_998  # lines 1-4999 minus the blank one: yielded before the bad line is read
    assert caught.value.line == 5_000


def test_memory_stays_flat(tmp_path: Path) -> None:
    """Peak memory while streaming is a small fraction of what holding the file would take."""
    path = make_export(tmp_path / "export.jsonl", gz=True)
    with gzip.open(path, "rb") as fh:
        raw_size = len(fh.read())
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_profiles(path, on_error=lambda error: None))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == LINES - 3
    assert peak < raw_size / 4, (peak, raw_size)
