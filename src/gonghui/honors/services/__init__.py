"""Writes of the honours app, one module per area (docs/architecture.md)."""
