"""Models of the app (see DESIGN.md)."""
