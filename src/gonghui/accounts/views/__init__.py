"""Officers' pages of the accounts app: thin, they parse, call a service or selector, render."""
