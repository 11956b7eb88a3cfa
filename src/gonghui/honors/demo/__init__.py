"""The honours module's part of the demo province (gonghui.demo calls ``seed``): the selection
engine's provincial 劳模 cycle and the roster (demo/selection.py); hon2's aftercare adds its
own part below."""

from __future__ import annotations

from typing import Any


def seed(builder: Any) -> None:
    from gonghui.honors.demo import selection

    selection.seed(builder)
    # --- aftercare (hon2): one call to demo/aftercare.py below ---
    from gonghui.honors.demo import aftercare

    aftercare.seed(builder)
