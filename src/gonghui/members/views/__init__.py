"""Officers' pages of the members app: thin, they parse, call a service or selector, render."""
