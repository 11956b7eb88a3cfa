"""Officers' pages of the honours app, one module per area."""
