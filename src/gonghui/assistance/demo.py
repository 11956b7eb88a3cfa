"""Demo data of the app, seeded by gonghui.demo after the union tree and members."""

from __future__ import annotations

from typing import Any


def seed(builder: Any) -> None:
    """``builder`` has ``rng`` (random.Random), ``actor`` (the system user) and ``seed``."""
