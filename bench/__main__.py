"""``python -m bench`` runs the benchmark (see bench/run.py for the options)."""

from bench.run import main

main()
