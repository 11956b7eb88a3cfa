"""Members' phone pages of the assistance app (under /m/)."""
