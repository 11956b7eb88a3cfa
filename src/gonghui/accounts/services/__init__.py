"""Every write of the accounts app: one function per use case (docs/architecture.md)."""
