"""Officers' pages of the benefits app: thin, they parse, call a service or selector, render."""
