"""Every write of the stats app: one function per use case (docs/architecture.md)."""
