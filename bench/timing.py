"""Small timing helpers: run a callable repeatedly, report throughput and latency percentiles."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    name: str
    runs: int
    p50_ms: float
    p95_ms: float
    per_second: float

    def line(self, limit: Timing | None = None) -> str:
        ratio = f"  x{self.p50_ms / limit.p50_ms:5.2f} of bare SQL" if limit else ""
        return (
            f"{self.name:<44} p50 {self.p50_ms:8.3f} ms  p95 {self.p95_ms:8.3f} ms  "
            f"{self.per_second:9.1f}/s{ratio}"
        )


def measure(name: str, fn: Callable[[int], Any], runs: int = 200) -> Timing:
    fn(0)  # warm caches and query plans
    samples = []
    start = time.perf_counter()
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    samples.sort()
    return Timing(
        name, runs, statistics.median(samples), samples[int(runs * 0.95) - 1], runs / total
    )


# --- Figures for the final JSON line (issue 18 item 6) -----------------------------------------
# Every benchmark records each figure beside its physical limit measured in the same run; `make
# bench` ends with one line of JSON holding all of them, so runs can be compared.

QUICK = os.environ.get("QUICK", "") not in ("", "0")  # `make bench QUICK=1`: 1/10 scale


def scaled(n: int) -> int:
    """A size at full scale, divided by ten in quick mode."""
    return max(1, n // 10) if QUICK else n


@dataclass
class Figure:
    path: str  # what was measured, e.g. "member import 100k CSV rows/s"
    unit: str  # "rows/s", "ms p95" ...
    values: list[float]  # one per repetition
    limit: list[float]  # the physical limit, one per repetition, measured in the same run
    higher_is_better: bool = True
    target: str = ""  # the requirement, e.g. "< 5 ms" or "ratio >= 0.333" ("": none)
    met: bool | None = None  # whether the median meets ``target`` (None: no target)

    @property
    def ratio(self) -> float:
        """Product / limit for throughputs, limit / product for latencies: 1.0 is the limit."""
        product, limit = statistics.median(self.values), statistics.median(self.limit)
        if not product or not limit:
            return 0.0
        return product / limit if self.higher_is_better else limit / product

    def as_json(self) -> dict[str, Any]:
        def spread(values: list[float]) -> dict[str, float]:
            return {
                "min": round(min(values), 3),
                "median": round(statistics.median(values), 3),
                "max": round(max(values), 3),
            }

        return {
            "path": self.path,
            "unit": self.unit,
            "product": spread(self.values),
            "limit": spread(self.limit),
            "ratio": round(self.ratio, 3),
            **({"target": self.target, "met": self.met} if self.target else {}),
        }


FIGURES: list[Figure] = []


def record(
    path: str,
    unit: str,
    values: list[float],
    limit: list[float],
    higher_is_better: bool = True,
    *,
    below: float | None = None,
    min_ratio: float | None = None,
) -> Figure:
    """Keep a figure for the final JSON line and print it. ``below``: the product's median must
    stay under it (a latency budget); ``min_ratio``: the ratio must reach it (3x of bare SQL is
    a ratio of 0.333 for a latency)."""
    figure = Figure(path, unit, list(values), list(limit), higher_is_better)
    checks = []
    if below is not None:
        checks.append((f"< {below:g} {unit}", statistics.median(values) < below))
    if min_ratio is not None:
        checks.append((f"ratio >= {min_ratio:.3f}", figure.ratio >= min_ratio))
    if checks:
        figure.target = " and ".join(text for text, _ in checks)
        figure.met = all(ok for _, ok in checks)
    FIGURES.append(figure)
    verdict = "" if figure.met is None else f"  {figure.target}: {'ok' if figure.met else 'MISSED'}"
    print(
        f"{path:<52} {statistics.median(values):12.2f} {unit:<10} "
        f"limit {statistics.median(limit):12.2f}  ratio {figure.ratio:6.3f}  "
        f"(min {min(values):.2f} max {max(values):.2f}){verdict}",
        flush=True,
    )
    return figure


REPEATS = 3  # every figure: min / median / max of three repetitions


def latency(
    path: str,
    product: Callable[[int], Any],
    limit: Callable[[int], Any],
    runs: int | None = None,
    **checks: float,
) -> Figure:
    """The p95 of ``product`` and of ``limit`` (bare SQL returning the same rows), measured in
    turn three times, so that both see the same machine load; recorded in ms p95."""
    runs = runs or (50 if QUICK else 200)
    values, limits = [], []
    for _ in range(REPEATS):
        values.append(measure(path, product, runs).p95_ms)
        limits.append(measure(path, limit, runs).p95_ms)
    return record(path, "ms p95", values, limits, higher_is_better=False, **checks)


def final_json() -> str:
    return json.dumps(
        {"quick": QUICK, "figures": [f.as_json() for f in FIGURES]}, ensure_ascii=False
    )


def standalone(run: Callable[..., Any], argc: int) -> None:
    """``python -m bench.<step> [sizes]``: one step alone, on a throwaway database."""
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} ({name})", file=sys.stderr)
        start = time.perf_counter()
        run(*[int(a) for a in sys.argv[1 : 1 + argc]])
        print(f"{run.__module__}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
