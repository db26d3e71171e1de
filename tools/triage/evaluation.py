"""Triage quality as numbers: accuracy, macro-F1, per-class scores, calibration, coverage.

``score_predictions`` returns one JSON-ready dict; ``markdown_report`` renders it;
``training_overlap`` says how many evaluated tickets the model was trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.metrics import precision_recall_fscore_support as prfs

from supportgraph.tools.triage.training_data import TEXT_NORMALISATION, text_fingerprint

ECE_BINS = 15


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins.

    Args:
        confidence: Probability of the predicted class, per ticket.
        correct: Whether that prediction was right, per ticket.
    """
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, ECE_BINS + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, ECE_BINS - 1)
    gap = 0.0
    for b in range(ECE_BINS):
        inside = bins == b
        if inside.any():
            gap += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(gap)


def coverage_at(confidence: np.ndarray, correct: np.ndarray, threshold: float) -> dict[str, float]:
    """What a confidence threshold does: share sent to review, accuracy on the rest.

    Args:
        confidence: Probability of the predicted class, per ticket.
        correct: Whether that prediction was right, per ticket.
        threshold: Confidence under which a ticket goes to human review.
    """
    kept = confidence >= threshold
    return {
        "threshold": threshold,
        "to_review": int((~kept).sum()),
        "coverage": float(kept.mean()) if len(kept) else 0.0,
        "accuracy_on_rest": float(correct[kept].mean()) if kept.any() else 0.0,
    }


def training_overlap(
    tickets: Sequence[Sequence[str]], training_texts: dict[str, Any] | None
) -> dict[str, Any]:
    """Count the evaluated tickets whose text the model was trained on, word for word.

    Texts are compared after collapsing whitespace and case (:func:`text_fingerprint`).
    Such tickets score as if remembered, so the scores overstate how the model does on
    new tickets.

    Args:
        tickets: Text fields of each evaluated ticket, in the model's column order.
        training_texts: The ``training_texts`` entry of the model's metadata (hashes of
            its training tickets), or None for a model trained before it existed.
    """
    if not training_texts or training_texts.get("normalised") != TEXT_NORMALISATION:
        return {
            "checked": False,
            "rows": None,
            "share": None,
            "note": "this model was saved without the hashes of its training tickets "
            "(trained by an older supportgraph), so overlap with its training rows cannot "
            "be checked; retrain it to check",
        }
    known = set(training_texts["hashes"])
    rows = sum(text_fingerprint(fields) in known for fields in tickets)
    share = rows / len(tickets) if tickets else 0.0
    note = (
        f"{rows} of {len(tickets)} evaluated tickets ({share:.1%}) are in the model's "
        "training data (same text, ignoring case and spacing): the scores overstate how it "
        "does on new tickets; evaluate on tickets it was not trained on"
        if rows
        else "no evaluated ticket is in the model's training data"
    )
    return {"checked": True, "rows": rows, "share": round(share, 4), "note": note}


def _per_class(truth: Sequence[str], predicted: Sequence[str], labels: list[str]) -> dict[str, Any]:
    precision, recall, f1, support = prfs(truth, predicted, labels=labels, zero_division=0)
    return {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def score_predictions(
    truth: Sequence[str],
    probabilities: np.ndarray,
    classes: Sequence[str],
    threshold: float,
    priority_truth: Sequence[str] | None = None,
    priority_probabilities: np.ndarray | None = None,
    priority_classes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Score a model's probabilities against true labels.

    Args:
        truth: True label per ticket.
        probabilities: Model probabilities, shape ``(n, len(classes))``.
        classes: Class names in the probability columns' order.
        threshold: The low-confidence threshold whose coverage is reported.
        priority_truth: True priority per ticket, when the data has one.
        priority_probabilities: Priority probabilities from the model's priority head.
        priority_classes: Priority class names in column order.
    """
    names = np.asarray(classes)
    predicted = [str(c) for c in names[probabilities.argmax(axis=1)]]
    confidence = probabilities.max(axis=1)
    correct = np.asarray(predicted) == np.asarray(truth)
    labels = sorted(set(truth) | set(predicted))
    scores: dict[str, Any] = {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", labels=labels)), 4),
        "per_class": _per_class(truth, predicted, labels),
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
        "ece": round(expected_calibration_error(confidence, correct), 4),
        "low_confidence": coverage_at(confidence, correct, threshold),
        "coverage_curve": [
            coverage_at(confidence, correct, t) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
        ],
    }
    if priority_truth is not None:
        if priority_probabilities is None or priority_classes is None:
            scores["priority_macro_f1"] = None
            scores["priority_note"] = "the model has no priority head; train with --priority-label"
        else:
            p_names = np.asarray(priority_classes)
            p_pred = [str(c) for c in p_names[priority_probabilities.argmax(axis=1)]]
            p_labels = sorted(set(priority_truth) | set(p_pred))
            scores["priority_accuracy"] = round(float(accuracy_score(priority_truth, p_pred)), 4)
            scores["priority_macro_f1"] = round(
                float(f1_score(priority_truth, p_pred, average="macro", labels=p_labels)), 4
            )
            scores["priority_per_class"] = _per_class(priority_truth, p_pred, p_labels)
    return scores


def _class_table(per_class: dict[str, Any]) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for label, s in per_class.items():
        lines.append(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
        )
    return lines


def markdown_report(scores: dict[str, Any], model: str, data: str) -> str:
    """Render scores from :func:`score_predictions` as a markdown report."""
    low = scores["low_confidence"]
    lines = [
        "# Triage evaluation",
        "",
        f"- model: `{model}`",
        f"- data: `{data}` ({scores['rows']} tickets)",
        f"- accuracy: **{scores['accuracy']:.4f}**, macro-F1: **{scores['macro_f1']:.4f}**",
        f"- expected calibration error ({ECE_BINS} bins): {scores['ece']:.4f}",
        f"- low-confidence threshold {low['threshold']:.2f}: {low['to_review']} ticket(s) to "
        f"human review, coverage {low['coverage']:.3f}, accuracy on the rest "
        f"{low['accuracy_on_rest']:.4f}",
    ]
    if scores.get("priority_macro_f1") is not None:
        lines.append(f"- priority macro-F1: **{scores['priority_macro_f1']:.4f}**")
    if scores.get("training_overlap"):
        lines.append(f"- overlap with the training tickets: {scores['training_overlap']['note']}")
    lines += ["", "## Per class", "", *_class_table(scores["per_class"])]
    if scores.get("priority_per_class"):
        lines += ["", "## Priority per class", "", *_class_table(scores["priority_per_class"])]
    lines += [
        "",
        "## Coverage / accuracy",
        "",
        "| threshold | to review | coverage | accuracy on the rest |",
        "|---:|---:|---:|---:|",
    ]
    for row in scores["coverage_curve"]:
        lines.append(
            f"| {row['threshold']:.1f} | {row['to_review']} | {row['coverage']:.3f} | "
            f"{row['accuracy_on_rest']:.4f} |"
        )
    confusion = scores["confusion"]
    lines += [
        "",
        "## Confusion matrix (rows: true, columns: predicted)",
        "",
        "| true \\ predicted | " + " | ".join(confusion["labels"]) + " |",
        "|---|" + "---:|" * len(confusion["labels"]),
    ]
    for label, row in zip(confusion["labels"], confusion["matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines) + "\n"
