"""Whether a KB hit answers the question: the gate every node applies before quoting one.

A hit scoring ``min_score`` (``Context.kb_min_score``) is on the question's topic, but
on the shipped KB questions that no article answers reach 0.30–0.48 too (a dashboard
colour theme finds the slow-dashboards article, a CSV delimiter the export one). A hit
therefore answers when its fused score clears ``min_score`` by ``SURE_MARGIN``, or
when it clears ``min_score`` and the reranker puts it ``MIN_LEAD`` ahead of every
other candidate: a near miss that stands out is kept, one among look-alikes is a gap.
Both numbers were chosen on the tuning half of tests/data/judgement/kb_labels.json
(docs/retrieval_eval.md, "The relevance gate").
"""

from __future__ import annotations

from supportgraph.graph.models import KBHit

SURE_MARGIN = 0.04  # a fused score this far above min_score answers on its own
MIN_LEAD = 1.5  # reranker score (z-score units) a hit in between must lead the others by


def answers(hit: KBHit, min_score: float) -> bool:
    """True when ``hit`` answers the question it was found for.

    Args:
        hit: A hybrid search hit (its fused score and reranker lead).
        min_score: The fused score under which no hit counts (``Context.kb_min_score``).
    """
    if hit.score >= min_score + SURE_MARGIN:
        return True
    return hit.score >= min_score and hit.lead is not None and hit.lead >= MIN_LEAD
