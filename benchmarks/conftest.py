"""pytest-benchmark setup: `pytest benchmarks --benchmark-only`."""
