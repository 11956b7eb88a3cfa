"""The governance module's part of the demo province, written through its services."""
