"""Officers' pages of the democracy app: thin, they parse, call a service or selector, render."""
