"""The least Python CPU a member import row can cost (issue 18 item 3, ``--initial``).

``python -m bench.import_floor [rows]``: a lean loop doing only what no import can skip —
parse the CSV line, check the resident ID (its check digit and birth date), the two blind
indexes (HMAC-SHA256 of the ID and the phone), the two ciphertexts (AES-GCM), and the member
row's binary ``COPY`` bytes built with ``struct`` — no dictionaries, no messages, no
Django. Its CPU a row (``time.process_time``, load-independent) is the floor against which
the import's own Python is read: with 2 cores, ``50,000 rows/s`` leaves 40 µs of CPU a row for
everything, PostgreSQL's ``COPY`` and index build included.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hmac
import io
import os
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECKS = "10X98765432"
_EPOCH = dt.date(2000, 1, 1).toordinal()


def lines(total: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for i in range(total):
        born = dt.date(1962, 1, 1) + dt.timedelta(days=(i // 8000) % 14000)
        body = f"410102{born:%Y%m%d}{i % 1000:03d}"
        check = _CHECKS[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]
        phone = f"15{i:09d}" if i % 3 else ""
        writer.writerow(["王伟", body + check, "汉族", "本科", "群众", phone, "B1-1", "2020-05-01"])
    return out.getvalue()


def lean(text: str) -> int:
    key, index_key = os.urandom(32), os.urandom(32)
    seal = AESGCM(key).encrypt
    digest, b64 = hmac.digest, base64.urlsafe_b64encode
    length, day = struct.Struct(">i"), struct.Struct(">ii")
    aad_id, aad_phone = b"members.member.id_number", b"members.member.phone"
    rows = 0
    out = []
    for cells in csv.reader(io.StringIO(text)):
        name, number, *_dicts, phone, _union, joined = cells
        body = number[:17]
        if _CHECKS[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11] != number[17]:
            raise ValueError(number)
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        joined_on = dt.date.fromisoformat(joined)
        id_index = digest(index_key, b"id\x00" + number.encode(), "sha256").hex().encode()
        nonces = os.urandom(24)
        id_cipher = b64(nonces[:12] + seal(nonces[:12], number.encode(), aad_id))
        fields = [id_index, id_cipher, name.encode()]
        if phone:
            fields.append(digest(index_key, b"phone\x00" + phone.encode(), "sha256").hex().encode())
            fields.append(b64(nonces[12:] + seal(nonces[12:], phone.encode(), aad_phone)))
        out.append(
            b"".join(length.pack(len(f)) + f for f in fields)
            + day.pack(4, born.toordinal() - _EPOCH)
            + day.pack(4, joined_on.toordinal() - _EPOCH)
        )
        rows += 1
        if len(out) >= 2000:
            out = []
    return rows


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    text = lines(total)
    started, wall = time.process_time(), time.perf_counter()
    rows = lean(text)
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    print(
        f"lean import loop: {rows:,} rows, {cpu / rows * 1e6:.1f} µs CPU a row "
        f"({wall / rows * 1e6:.1f} µs wall; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
