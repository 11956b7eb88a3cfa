"""The counter deltas of a whole import file, in little memory (issue 18 item 3, ADR 0019).

A new member counts under keys that depend on a few of its fields only (``members.counters
.keys_of``: union, gender, birth year, join month, three flags). The import tallies each new
member as one integer packing those fields — a million members whose keys would be millions of
``(path, key)`` string pairs are a dictionary of small ints — and turns the tally into counter
deltas at the end, through ``keys_of`` itself (so the counted keys are defined once), a few
thousand unions at a time: each counter row still gets exactly one upsert per import.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from typing import Any

from gonghui.members import counters as member_counters
from gonghui.members.models import MemberStatus

PathKey = tuple[str, str]
_GENDERS = ("", "M", "F")
UNIONS_PER_BUMP = 2000  # unions whose counters go in one upsert statement


class NewMemberTally:
    """``add`` a batch of new members; ``deltas()`` yields the whole file's counter deltas."""

    def __init__(self) -> None:
        self.counts: Tally[int] = Tally()
        self._paths: dict[int, str] = {}  # union pk -> path
        self._households: dict[str, int] = {"": 0}

    def add(self, rows: list[dict[str, Any]]) -> None:
        paths, pack = self._paths, self.pack
        for v in rows:
            paths[v["union"].pk] = v["union"].path
        self.counts.update([pack(v) for v in rows])  # counted in C

    def pack(self, v: dict[str, Any]) -> int:
        """One new member's counted fields as one integer."""
        return self.pack_fields(
            v["union"].pk,
            v["gender"],
            v["birth_date"],
            v["joined_on"],
            v["migrant_worker"],
            v["new_employment"],
            v["household_type"],
        )

    def pack_fields(
        self,
        union: int,
        gender: str,
        born: dt.date,
        joined: dt.date,
        migrant: bool,
        new_employment: str,
        household: str,
    ) -> int:
        """``pack`` of the fields themselves (a cleaned row as a tuple)."""
        code = self._households.get(household)
        if code is None:
            code = self._households[household] = len(self._households)
        return (
            (
                ((union * 4 + _GENDERS.index(gender)) * 4096 + born.year) * 32768
                + joined.year * 12
                + joined.month
                - 1
            )
            * 4
            + (2 if migrant else 0)
            + (1 if new_employment else 0)
        ) * 1024 + code

    @property
    def households(self) -> dict[str, int]:
        return self._households

    def add_packed(
        self, packed: list[int], paths: dict[int, str], households: dict[str, int]
    ) -> None:
        """Members packed elsewhere (the import's worker process, with its household codes)."""
        self._paths.update(paths)
        self._households = dict(households)
        self.counts.update(packed)

    def deltas(self, extra: dict[PathKey, int]) -> Iterator[dict[PathKey, int]]:
        """The deltas a few thousand unions at a time, with ``extra`` (the updated members'
        deltas) merged into the chunk of their union, so no counter row is upserted twice.
        ``keys_of`` runs once per distinct profile (the packed fields but the union), not once
        per member: a province file repeats a few thousand profiles over its unions."""
        households = {code: text for text, code in self._households.items()}
        by_path: dict[str, list[tuple[str, int]]] = {}
        for (path, key), delta in extra.items():
            by_path.setdefault(path, []).append((key, delta))
        profiles: dict[int, list[str]] = {}
        chunk: Tally[PathKey] = Tally()
        unions = 0
        current, path = -1, ""
        counts = self.counts
        for packed in sorted(counts):  # by union first (its pk is the high part)
            pk, profile = packed >> _PROFILE_BITS, packed & _PROFILE_MASK
            if pk != current:
                if unions >= UNIONS_PER_BUMP:
                    yield dict(chunk)
                    chunk, unions = Tally(), 0
                unions += 1
                current, path = pk, self._paths[pk]
                for key, delta in by_path.pop(path, ()):
                    chunk[(path, key)] += delta
            keys = profiles.get(profile)
            if keys is None:
                fields, _pk = _unpack(profile)
                fields["org_path"] = ""
                fields["household_type"] = households[fields["household_type"]]
                keys = profiles[profile] = [
                    key for _p, key in member_counters.keys_of(fields, cards=1)
                ]
            count = counts[packed]
            for key in keys:
                chunk[(path, key)] += count
        for path, pairs in by_path.items():
            for key, delta in pairs:
                chunk[(path, key)] += delta
        if chunk:
            yield dict(chunk)


# ``pack``'s fields below the union's pk: gender 2 bits, birth year 12, join month 15, flags 2,
# household code 10.
_PROFILE_BITS = 2 + 12 + 15 + 2 + 10
_PROFILE_MASK = (1 << _PROFILE_BITS) - 1


def _unpack(packed: int) -> tuple[dict[str, Any], int]:
    rest, household = divmod(packed, 1024)
    rest, flags = divmod(rest, 4)
    rest, joined = divmod(rest, 32768)
    rest, born = divmod(rest, 4096)
    pk, gender = divmod(rest, 4)
    year, month = divmod(joined, 12)
    return {
        "status": MemberStatus.ACTIVE,
        "gender": _GENDERS[gender],
        # keys_of reads the year of the birth date and the month of joining only
        "birth_date": dt.date(born, 1, 1),
        "joined_on": dt.date(year, month + 1, 1),
        "migrant_worker": bool(flags & 2),
        "new_employment": "1" if flags & 1 else "",
        "household_type": household,
    }, pk


def bump_all(tally: NewMemberTally, extra: dict[PathKey, int], bump: Callable[..., Any]) -> None:
    for deltas in tally.deltas(extra):
        bump(deltas)
