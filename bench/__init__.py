"""Benchmarks of certflow's hot paths; see bench/README.md."""
