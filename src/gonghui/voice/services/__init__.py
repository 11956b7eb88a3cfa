"""Every write of the voice app: one function per use case (docs/architecture.md)."""
