"""The democracy app's part of the demo province."""
