"""Benchmarks of liteproject's real server: `uv run python -m bench` (see BENCHMARKS.md)."""
