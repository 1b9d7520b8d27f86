"""Benchmarks and load tests (`make bench`, `make load`); run each as a script, e.g. `python bench/metrics.py`.

A package so the tests (tests/bench) import them as `bench.<name>` and mypy names them apart from the apps.
"""
