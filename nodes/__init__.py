"""Graph nodes: one function per step, each returning only what it changes."""
