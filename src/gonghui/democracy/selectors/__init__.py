"""Every read of the democracy app, starting from the viewer's scope."""
