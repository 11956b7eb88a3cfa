"""The member import's rows as binary ``COPY`` bytes, built in the worker process (ADR 0019).

A large file is validated, encrypted and encoded by a forked child (``core.importing.worker``)
while the parent writes the previous block. The child returns, per valid row, the bytes of the
member row and of its 入会 history row *without* their first column (the member id, drawn from
the sequence by the parent once it knows which rows are new), the row's blind-index key for
the lookup of existing members, its packed counter keys and the values an update compares.
The parent prefixes the ids and sends each table's block in one ``COPY`` write.

Fields are encoded by PostgreSQL type as ``COPY … (FORMAT binary)`` wants them (a 32-bit
length, then network-order bytes); values that repeat (dictionary codes, paths, dates) are
encoded once per run.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Sequence
from typing import Any

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"
_EPOCH_DATE = dt.date(2000, 1, 1).toordinal()
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LENGTH = struct.Struct(">i")
_INTS = {"integer": struct.Struct(">ii"), "bigint": struct.Struct(">iq")}


def encoder(pg_type: str) -> Callable[[Any], bytes]:
    """One field's bytes (length included) for a value of this column type; None is NULL."""
    if pg_type in _INTS:
        packer = _INTS[pg_type]
        size = packer.size - 4
        return lambda v: NULL if v is None else packer.pack(size, v)
    if pg_type == "date":
        day = struct.Struct(">ii")
        return lambda v: NULL if v is None else day.pack(4, v.toordinal() - _EPOCH_DATE)
    if pg_type == "timestamp with time zone":
        stamp = struct.Struct(">iq")
        return lambda v: NULL if v is None else stamp.pack(8, (v - _EPOCH) // _MICROSECOND)
    if pg_type == "boolean":
        return lambda v: NULL if v is None else (b"\x00\x00\x00\x01\x01" if v else _FALSE)
    if pg_type == "text" or pg_type.startswith("character varying"):
        return _text
    raise ValueError(f"no binary COPY encoder for {pg_type}")


_MICROSECOND = dt.timedelta(microseconds=1)
_FALSE = b"\x00\x00\x00\x01\x00"


def _text(value: Any) -> bytes:
    if value is None:
        return NULL
    data = str(value).encode()
    return _LENGTH.pack(len(data)) + data


def cached(encode: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """``encode`` remembering each value (columns with few distinct values in a file)."""
    memo: dict[Any, bytes] = {}

    def encode_cached(value: Any) -> bytes:
        try:
            return memo[value]
        except KeyError:
            pass
        if len(memo) >= 65536:
            memo.clear()
        data = memo[value] = encode(value)
        return data

    return encode_cached


def table(pieces: Sequence[bytes]) -> bytes:
    """A whole binary COPY stream of these rows."""
    return b"".join((SIGNATURE, *pieces, TRAILER))


def row_head(fields: int, first_type: str) -> Callable[[int], bytes]:
    """The start of a row: its field count and its first column (an id) as bytes."""
    packer = struct.Struct(">h" + _INTS[first_type].format[1:])
    size = packer.size - 6
    return lambda value: packer.pack(fields, size, value)
