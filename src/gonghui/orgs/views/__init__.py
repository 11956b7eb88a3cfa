"""Officers' pages of the orgs app: thin, they parse, call a service or selector, render."""
