"""Which step of a help article a how-to question asks about, said first.

Articles open with the steps of their most common case ("Confirm that every request sends
the header …" for a 401), while a how-to question often asks about a later one ("how do I
change the API key our agency set up?" is the rotation step, the fifth). The question and
each step are read by the multilingual sentence encoder (tools/triage/multilingual.py), so
a German or French question finds its English step too.
"""

from __future__ import annotations

import numpy as np

# The best step leads when it is this much closer to the question (cosine) than the
# article's first step; otherwise the article's order stands. Chosen on the odd half of
# 85 how-to questions written for the product by a session that saw only the articles
# (tests/data/kb_step_questions.json; 0.02 … 0.1 tried), and measured on the even half:
# the first step shown answers the question 7/45 → 31/45 (three shown: 26/45 → 35/45), and
# every question answered by the first step keeps it first (docs/retrieval_eval.md).
LEAD_MARGIN = 0.05


def asked_step_first(question: str, steps: list[str]) -> list[str]:
    """``steps`` with the one closest to ``question`` first when it clearly is, else as given."""
    if len(steps) < 2:
        return list(steps)
    from supportgraph.tools.triage.multilingual import multilingual_encoder  # numpy model

    vectors = multilingual_encoder().encode([question, *steps])
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    closeness = vectors[1:] @ vectors[0]
    best = int(np.argmax(closeness))
    if best == 0 or closeness[best] - closeness[0] < LEAD_MARGIN:
        return list(steps)
    return [steps[best], *steps[:best], *steps[best + 1 :]]
