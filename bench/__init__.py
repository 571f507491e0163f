"""Benchmarks: timings belong here, not in tests. Each module runs with `python -m bench.<name>`."""
