"""Members' phone pages of the members app (under /m/)."""
