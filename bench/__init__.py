"""Benchmarks of the hot paths, each against its physical limit measured in the same run."""
