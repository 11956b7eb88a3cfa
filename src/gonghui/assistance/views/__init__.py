"""Officers' pages of the assistance app: thin, they parse, call a service or selector, render."""
