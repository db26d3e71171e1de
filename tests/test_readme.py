"""The README's architecture diagram is the one the graph draws today."""

from __future__ import annotations

from supportgraph.graph.builder import graph

from .conftest import ROOT


def test_readme_diagram_matches_the_graph() -> None:
    readme = (ROOT / "README.md").read_text()
    assert graph.get_graph().draw_mermaid().strip() in readme
