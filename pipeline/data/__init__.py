"""Data files the pipeline reads (print_on_demand.toml: what a print-on-demand service asks of a paperback)."""
