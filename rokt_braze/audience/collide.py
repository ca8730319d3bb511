"""Colliding eventIds, found with a hash-partitioned reduce.

Every checked user leaves one record: an 8-byte hash of its eventId and where it is
(partition, member of the partition, line). Workers sort records into buckets by hash;
bucket b of every partition meets in one reduce task, which sorts them and finds the hashes
that several users share. So no process ever holds more than one bucket's records, and the
driver receives only the counts and the largest groups (`CollisionPart`, merged like a
`Tally`: associative and commutative).
"""

from __future__ import annotations

import heapq
import os
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from rokt_braze.audience.summary import EXAMPLES

__all__ = ["MAX_COLLISIONS", "CollisionPart", "Shards", "reduce_bucket", "reduce_spilled"]

#: Colliding eventIds named in the report (the largest groups).
MAX_COLLISIONS = 10
#: A partition's members (zip entries) are numbered in the low bits of a record's `where`.
MEMBER_BITS = 24

#: (partition << MEMBER_BITS | member, line): sorts like the input
Where = tuple[int, int]
#: (users, first where, hash, the first users' wheres)
Group = tuple[int, Where, int, list[Where]]


def where(partition: int, member: int, line: int) -> Where:
    if member >= 1 << MEMBER_BITS:
        raise ValueError("more members in one archive than can be numbered")
    return partition << MEMBER_BITS | member, line


def split_where(place: Where) -> tuple[int, int, int]:
    """(partition, member, line)."""
    return place[0] >> MEMBER_BITS, place[0] & ((1 << MEMBER_BITS) - 1), place[1]


class Shards:
    """One partition's records, by bucket, as arrays of (hash, where, line) triples."""

    def __init__(self, buckets: int) -> None:
        self.buckets = [array("Q") for _ in range(buckets)]

    def add(self, value: int, place: Where) -> None:
        self.buckets[(value >> 32) % len(self.buckets)].extend((value, *place))

    def to_bytes(self) -> list[bytes]:
        return [bucket.tobytes() for bucket in self.buckets]

    def spill(self, folder: str) -> None:
        """Append each bucket to this process's file for it (the local engine's shuffle)."""
        for number, bucket in enumerate(self.buckets):
            if bucket:
                with open(os.path.join(folder, f"{number:04d}-{os.getpid()}.bin"), "ab") as f:
                    bucket.tofile(f)


@dataclass
class CollisionPart:
    ids: int = 0
    users: int = 0
    groups: list[Group] = field(default_factory=list)

    def merge(self, other: CollisionPart) -> None:
        self.ids += other.ids
        self.users += other.users
        self.groups = _largest(self.groups + other.groups)


def _largest(groups: Iterable[Group]) -> list[Group]:
    return heapq.nsmallest(MAX_COLLISIONS, groups, key=lambda g: (-g[0], g[1], g[2]))


def reduce_bucket(*shards: bytes) -> CollisionPart:
    """The collisions among one bucket's records, from every partition."""
    records = array("Q")
    for shard in shards:
        records.frombytes(shard)
    return _collisions(records)


def reduce_spilled(folder: str, bucket: int) -> CollisionPart:
    records = array("Q")
    prefix = f"{bucket:04d}-"
    for name in sorted(os.listdir(folder)):
        if name.startswith(prefix):
            with open(os.path.join(folder, name), "rb") as f:
                records.frombytes(f.read())
    return _collisions(records)


def _collisions(records: array[int]) -> CollisionPart:
    triples = sorted(zip(records[0::3], records[1::3], records[2::3], strict=True))
    del records
    part = CollisionPart()
    top: list[Group] = []
    start = 0
    while start < len(triples):
        end = start + 1
        value = triples[start][0]
        while end < len(triples) and triples[end][0] == value:
            end += 1
        if end - start > 1:
            part.ids += 1
            part.users += end - start
            places = [(w, line) for _, w, line in triples[start : start + EXAMPLES]]
            top = _largest([*top, (end - start, places[0], value, places)])
        start = end
    part.groups = top
    return part
