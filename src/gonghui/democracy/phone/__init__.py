"""Members' phone pages of the democracy app (under /m/)."""
