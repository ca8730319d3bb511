"""`--failing-users FILE`: every user with a finding, as CSV or JSON Lines (by extension).

A row per user: `external_id` (blank for a user without one), `source` and `line` (where
the user is in the export), `rules` (the rule ids, space-separated in CSV). Braze's CSV
user import reads `external_id`, so the file can build an exclusion segment. Rows are
written as partitions finish, in partition order, so memory does not grow with the
audience: input order for JSON Lines, but a JSON array, gzip stream or zip shared by
several workers is read in interleaved chunks (each partition every `parts`-th one), so
its rows come a partition at a time (sort by source and line for input order).
They go to a temporary file beside FILE that replaces it only when the run finishes: an
interrupted or failed run leaves the previous list as it was, never a partial one that
would exclude only some of the failing users.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterable
from typing import TextIO

from rokt_braze.errors import InputError

__all__ = ["FORMATS", "FailingUsers"]

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
COLUMNS = ("external_id", "source", "line", "rules")

Row = tuple[str, int, str, tuple[str, ...]]  # source, line, external_id, rules


class FailingUsers:
    def __init__(self, path: str) -> None:
        self.path = path
        self.kind = FORMATS.get(os.path.splitext(path)[1].lower())
        if self.kind is None:
            raise InputError(f"--failing-users: name the file .csv or .jsonl, not {path!r}")
        if os.path.isdir(path):
            raise InputError("cannot write: is a directory", path=path)
        folder, name = os.path.split(path)
        self._partial = os.path.join(folder, f".{name}.{os.getpid()}.partial")
        try:
            self._out: TextIO = open(self._partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as err:
            raise InputError(f"cannot write: {err.strerror or err}", path=path) from None
        self._csv = csv.writer(self._out) if self.kind == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)
        self.rows = 0

    def write(self, rows: Iterable[Row]) -> None:
        for source, line, external_id, rules in rows:
            if self._csv is not None:
                self._csv.writerow((external_id, source, line, " ".join(rules)))
            else:
                self._out.write(json.dumps({"external_id": external_id, "source": source,
                                            "line": line, "rules": list(rules)},
                                           ensure_ascii=False) + "\n")
            self.rows += 1

    def close(self, *, finished: bool) -> None:
        """Put the list in place if the run `finished`, else drop it."""
        self._out.close()
        if not finished:
            with contextlib.suppress(OSError):
                os.unlink(self._partial)
            return
        try:
            os.replace(self._partial, self.path)
        except OSError as err:
            with contextlib.suppress(OSError):
                os.unlink(self._partial)
            raise InputError(f"cannot write: {err.strerror or err}", path=self.path) from None
