"""Image handling: resolve, fetch, check and prepare (see the modules)."""
