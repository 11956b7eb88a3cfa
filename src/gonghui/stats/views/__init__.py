"""Officers' pages of the stats app: thin, they parse, call a service or selector, render."""
