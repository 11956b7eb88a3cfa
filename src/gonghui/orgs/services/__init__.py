"""Every write of the orgs app: one function per use case (docs/architecture.md)."""
