"""Officers' pages of the voice app: thin, they parse, call a service or selector, render."""
