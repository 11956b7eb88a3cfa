"""gonghui — 智慧工会 platform."""

__version__ = "0.1.0"
