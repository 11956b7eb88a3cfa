"""Every write of the governance app, one module per area (docs/architecture.md)."""
