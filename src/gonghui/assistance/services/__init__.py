"""Every write of the assistance app: one function per use case (docs/architecture.md)."""
