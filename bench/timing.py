"""Small timing helpers: run a callable repeatedly, report throughput and latency percentiles."""

from __future__ import annotations

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
