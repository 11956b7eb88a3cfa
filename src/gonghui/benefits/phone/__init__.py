"""Members' phone pages of the benefits app (under /m/)."""
