"""Every write of the democracy app: one function per use case (docs/architecture.md)."""
