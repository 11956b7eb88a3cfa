"""Merchants' pages of the benefits app (under /shop/)."""
