"""Triage scores a support lead reads: calibration error and the review/accuracy trade-off."""

from __future__ import annotations

import numpy as np

from supportgraph.tools.triage.evaluation import (
    coverage_at,
    expected_calibration_error,
    score_predictions,
)


def test_perfectly_calibrated_confidence_has_no_calibration_error() -> None:
    confidence = np.array([0.8] * 10)
    correct = np.array([True] * 8 + [False] * 2)
    assert expected_calibration_error(confidence, correct) == 0.0


def test_overconfident_model_shows_its_gap() -> None:
    confidence = np.array([0.95] * 10)
    correct = np.array([True] * 5 + [False] * 5)
    assert round(expected_calibration_error(confidence, correct), 2) == 0.45


def test_threshold_reports_tickets_sent_to_review_and_accuracy_on_the_rest() -> None:
    confidence = np.array([0.2, 0.35, 0.5, 0.9, 0.95])
    correct = np.array([False, True, False, True, True])
    assert coverage_at(confidence, correct, 0.4) == {
        "threshold": 0.4,
        "to_review": 2,
        "coverage": 0.6,
        "accuracy_on_rest": 2 / 3,
    }


def test_scores_name_every_class_with_its_confusion_row() -> None:
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    truth = ["billing", "tech", "tech", "tech"]
    scores = score_predictions(truth, probabilities, ["billing", "tech"], threshold=0.5)
    assert scores["accuracy"] == 0.75
    assert scores["per_class"]["tech"]["recall"] == round(2 / 3, 4)
    assert scores["confusion"] == {"labels": ["billing", "tech"], "matrix": [[1, 0], [1, 2]]}
