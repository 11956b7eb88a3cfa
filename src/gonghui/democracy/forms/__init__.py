"""Forms of the democracy app's pages; a form validates and never writes."""
