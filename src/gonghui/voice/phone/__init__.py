"""Members' phone pages of the voice app (under /m/)."""
