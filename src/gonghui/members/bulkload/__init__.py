"""Writing many members at once: the bulk path of imports (ADR 0009, 0019)."""
