"""plankg benchmarks: run as `python -m bench` (not part of the test suite)."""
