"""Forms of the voice app's pages; a form validates and never writes."""
