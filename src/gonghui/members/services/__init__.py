"""Every write of the members app: one function per use case (docs/architecture.md)."""
