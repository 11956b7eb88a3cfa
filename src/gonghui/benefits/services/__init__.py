"""Every write of the benefits app: one function per use case (docs/architecture.md)."""
