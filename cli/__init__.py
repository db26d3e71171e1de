"""Command-line interface (Typer + Rich)."""

from supportgraph.graph.context import keep_caches_under_home

# Before any command imports onnxruntime, which writes its cache on import.
keep_caches_under_home()
