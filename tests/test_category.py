"""The shipped category model: the fast per-ticket path gives the pipeline's exact answers."""

from __future__ import annotations

import numpy as np

from supportgraph.tools.category import default_classifier, load_examples, subject_weighted


def test_stacked_ensemble_gives_the_calibrated_pipelines_probabilities() -> None:
    classifier = default_classifier()
    examples = load_examples()[::7]
    slow = classifier.pipeline.predict_proba(
        [subject_weighted(e.subject, e.message) for e in examples]
    )
    fast = np.vstack([classifier.probabilities(e.subject, e.message) for e in examples])
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
