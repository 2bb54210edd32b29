"""The release runtime: artifact store, release history, router, backends."""
