"""``make bench``: the support graph against the floor, measured side by side in one run.

``python -m bench`` (``--quick`` for a small run) prints a table and writes
``bench/results.json``; docs/benchmarks.md says what each figure means and records runs.
"""
